"""Validation: every problem comes back as file:line:column with a message an admin can act on."""

import pytest

from bot.watchlist.load import check_directory
from tests.watchlist_util import write

GOOD = """
topics:
  russia:
    description: Russian military presence
    severity: urgent
    terms:
      - Wagner
      - russe*
      - {term: AES, case_sensitive: true}
    require: [militaire*, army]
    exclude: [football]
accounts:
  x: [handle_one, "@handle_two"]
"""


def problems(tmp_path, text: str, name: str = "w.yaml") -> list[str]:
    write(tmp_path, name, text)
    return [str(p) for p in check_directory(tmp_path).problems]


def test_issue_format_is_valid_and_keeps_marks(tmp_path):
    write(tmp_path, "w.yaml", GOOD)
    checked = check_directory(tmp_path)
    assert checked.problems == ()
    topic = checked.watchlist.topics[0]
    assert (topic.name, topic.severity, str(topic.mark)) == ("russia", "urgent", f"{tmp_path}/w.yaml:2:3")
    assert [(t.text, t.case_sensitive, t.mark.line) for t in topic.terms] == [
        ("Wagner", False, 6), ("russe*", False, 7), ("AES", True, 8)]
    assert checked.watchlist.handles("x") == ["handle_one", "handle_two"]


def test_duplicate_key_reported_with_both_lines(tmp_path):
    text = "topics:\n  t:\n    terms: [a1a]\n    description: x\n    terms: [b2b]\n"
    assert problems(tmp_path, text) == [
        f"{tmp_path}/w.yaml:5:5: duplicate key 'terms' in topic 't' (first defined on line 3)"]


@pytest.mark.parametrize(("value", "kind"), [
    ("NO", "as a boolean (False)"), ("off", "as a boolean (False)"), ("yes", "as a boolean (True)"),
    ("1.10", "as a number (1.1)"), ("12:30", "as a number (750)"), ("2024", "as a number"),
    ("2024-01-01", "as a date"),
])
def test_yaml_11_scalars_refused_where_text_is_meant(tmp_path, value, kind):
    text = f"topics:\n  t:\n    terms:\n      - Wagner\n      - {value}\n"
    assert problems(tmp_path, text) == [
        f"{tmp_path}/w.yaml:5:9: a term must be text, but YAML 1.1 reads {value} {kind}; "
        f"quote it: \"{value}\""]


def test_quoted_scalars_are_text(tmp_path):
    assert problems(tmp_path, 'topics:\n  t:\n    terms: ["NO way", "1.10 road", \'off-road\']\n') == []


def test_unknown_keys_with_suggestion(tmp_path):
    text = "topic:\n  t: {}\n"
    assert problems(tmp_path, text) == [f"{tmp_path}/w.yaml:1:1: unknown key 'topic' in the file; "
                                        "did you mean 'topics'?"]
    text = "topics:\n  t:\n    terms: [abc]\n    severty: urgent\n    term: {x: 1}\n"
    assert problems(tmp_path, text) == [
        f"{tmp_path}/w.yaml:4:5: unknown key 'severty' in topic 't'; did you mean 'severity'?",
        f"{tmp_path}/w.yaml:5:5: unknown key 'term' in topic 't'; did you mean 'terms'?"]


def test_wrong_types(tmp_path):
    text = "topics:\n  t:\n    terms: Wagner\n    severity: high\n    description: [a]\n"
    assert problems(tmp_path, text) == [
        f"{tmp_path}/w.yaml:3:12: 'terms' of topic 't' must be a list, found 'Wagner'",
        f"{tmp_path}/w.yaml:4:15: severity must be one of urgent, routine, found 'high'",
        f"{tmp_path}/w.yaml:5:18: description must be text, but found a list"]


def test_empty_terms(tmp_path):
    text = 'topics:\n  t:\n    terms:\n      - abc\n      -\n      - ""\n    exclude: []\n'
    assert problems(tmp_path, text) == [
        f"{tmp_path}/w.yaml:5:8: a term must be text, but it is empty",
        f"{tmp_path}/w.yaml:6:9: term '' is empty once spaces, punctuation and invisible characters "
        "are removed",
        f"{tmp_path}/w.yaml:7:14: 'exclude' of topic 't' is an empty list"]


def test_term_that_normalises_to_nothing(tmp_path):
    text = 'topics:\n  t:\n    terms: [abc, "\u200b\u00ad", "--", "#*"]\n'
    assert [p.split(": ", 1)[1] for p in problems(tmp_path, text)] == [
        "term '\u200b\u00ad' is empty once spaces, punctuation and invisible characters are removed",
        "term '--' is empty once spaces, punctuation and invisible characters are removed",
        "term '#*' is empty once spaces, punctuation and invisible characters are removed"]


def test_star_only_at_the_end(tmp_path):
    assert problems(tmp_path, "topics:\n  t:\n    terms: [ab*cd]\n") == [
        f"{tmp_path}/w.yaml:3:13: 'ab*cd': '*' is allowed only at the end of a term"]


def test_require_or_exclude_without_terms(tmp_path):
    assert problems(tmp_path, "topics:\n  t:\n    require: [army]\n    exclude: [sport]\n") == [
        f"{tmp_path}/w.yaml:2:3: 'exclude' on topic 't' which has no terms",
        f"{tmp_path}/w.yaml:2:3: 'require' on topic 't' which has no terms",
        f"{tmp_path}/w.yaml:2:3: topic 't' has no terms, so it can never match"]


def test_topic_defined_in_two_files(tmp_path):
    write(tmp_path, "a.yaml", "topics:\n  wagner:\n    terms: [Wagner]\n")
    write(tmp_path, "b.yaml", "# other file\ntopics:\n  wagner:\n    terms: [Africa Corps]\n")
    assert [str(p) for p in check_directory(tmp_path).problems] == [
        f"{tmp_path}/b.yaml:3:3: topic 'wagner' is already defined at {tmp_path}/a.yaml:2:3"]


def test_over_matching_terms_are_warnings(tmp_path):
    text = "topics:\n  t:\n    terms: [AQ, kai, ru*, say, Wagner, {term: AQ, case_sensitive: true}]\n"
    write(tmp_path, "w.yaml", text)
    checked = check_directory(tmp_path)
    assert checked.errors == () and checked.watchlist is not None
    assert [(p.mark.column, p.message.split(";")[0]) for p in checked.warnings] == [
        (13, "'AQ' has only 2 letter(s)"), (17, "'kai' is a very common word (ha)"),
        (22, "prefix 'ru*' is very short: it matches many words"), (27, "'say' is a very common word (en)")]


def test_common_word_is_fine_when_the_topic_requires_a_co_term(tmp_path):
    assert problems(tmp_path, "topics:\n  t:\n    terms: [kai]\n    require: [hari]\n") == []


def test_topic_names_and_handles_are_checked(tmp_path):
    text = "topics:\n  Bad Name:\n    terms: [abc]\naccounts:\n  x: [ok_1, not-valid]\n  mastodon: []\n"
    assert [p.split(": ", 1)[1] for p in problems(tmp_path, text)] == [
        "topic name 'Bad Name' may use only a-z, 0-9, '_' and '-'",
        "'not-valid' is not an X handle (1-15 of A-Z, a-z, 0-9, _)",
        "unknown key 'mastodon' in accounts; known keys: x"]


def test_yaml_syntax_error_has_a_position(tmp_path):
    [problem] = problems(tmp_path, "topics:\n  t:\n    terms: [abc\n  u: 1\n")
    assert problem.startswith(f"{tmp_path}/w.yaml:4:")


def test_non_utf8_file(tmp_path):
    (tmp_path / "w.yaml").write_bytes("topics:\n  t:\n    terms: [Tillab\xe9ri]\n".encode("latin-1"))
    assert [str(p) for p in check_directory(tmp_path).problems] == [
        f"{tmp_path}/w.yaml:3:19: not UTF-8 text (invalid continuation byte); save the file as UTF-8"]


def test_channels_yaml_hidden_and_editor_files_are_not_watchlists(tmp_path):
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: [abc]\n")
    for name in ("channels.yaml", ".w.yaml.swp.yaml", "#w.yaml", "notes.txt"):
        write(tmp_path, name, "routes: [1, 2]\n")
    checked = check_directory(tmp_path)
    assert (checked.problems, checked.watchlist.files) == ((), (f"{tmp_path}/w.yaml",))


def test_missing_or_empty_directory(tmp_path):
    empty, missing = check_directory(tmp_path), check_directory(tmp_path / "nope")
    assert [str(p) for p in empty.problems] == [f"{tmp_path}: no watchlist files (*.yaml) here"]
    assert [str(p) for p in missing.problems] == [f"{tmp_path}/nope: not a directory"]
