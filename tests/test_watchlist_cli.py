"""The real CLI in a subprocess: `watchlist check`, `watchlist explain` and `analyze`."""

import json

import pytest

from tests.watchlist_util import run_cli, write

VALID = """
topics:
  russia:
    severity: urgent
    terms: [Wagner, russe*]
    require: [militaire*, army]
  niger:
    terms: [Niger, النيجر]
"""


def test_check_duplicate_key_exits_1_with_the_line(tmp_path):
    write(tmp_path, "dup.yaml", """
        topics:
          russia:
            terms: [Wagner]
            description: Russian forces
            terms: [Africa Corps]
    """)
    result = run_cli("watchlist", "check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "dup.yaml:5:5: duplicate key 'terms' in topic 'russia' (first defined on line 3)",
        "invalid: 1 error(s), 0 warning(s)"]


def test_check_no_as_a_term_exits_1_with_the_line(tmp_path):
    write(tmp_path, "ok.yaml", VALID)
    write(tmp_path, "no.yaml", """
        # Hausa and English words for "no" would be read as booleans
        topics:
          refusal:
            terms:
              - refus
              - NO
              - off
    """)
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"{tmp_path}/no.yaml:6:9: a term must be text, but YAML 1.1 reads NO as a boolean (False); "
        "quote it: \"NO\"",
        f"{tmp_path}/no.yaml:7:9: a term must be text, but YAML 1.1 reads off as a boolean (False); "
        "quote it: \"off\""]


def test_check_valid_directory_exits_0_and_prints_warnings(tmp_path):
    write(tmp_path, "w.yaml", VALID + "  short:\n    terms: [AQ]\n")
    result = run_cli("watchlist", "check", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"{tmp_path}/w.yaml:9:13: warning: 'AQ' has only 2 letter(s); it will over-match: make it "
        "case_sensitive, add a 'require' to the topic, or drop it",
        "valid: 3 topics, 5 terms, 0 accounts in 1 file(s); 0 error(s), 1 warning(s)"]


def test_explain_shows_hits_and_why_a_topic_did_not_fire(tmp_path):
    write(tmp_path, "w.yaml", VALID)
    result = run_cli("watchlist", "explain", "--watchlists", ".", "Wagner au #Niger", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "matching copy: wagner au niger",
        "russia: not fired: required term missing (needs one of: militaire*, army)  [w.yaml:2:3]",
        "  term 'Wagner' [w.yaml:4:13] at 0-6: 'Wagner'",
        "niger: FIRED (routine)  [w.yaml:6:3]",
        "  term 'Niger' [w.yaml:7:13] at 11-16: 'Niger'"]


def test_analyze_writes_one_line_per_post_in_input_order(tmp_path):
    write(tmp_path, "w.yaml", VALID)
    posts = [{"id": "3", "text": "Les militaires russes à l'ouest du Niger", "lang": "fr"},
             {"id": "1", "text": "Rien à signaler"},
             {"id": "2", "text": "وصل الجيش إلى النيجر"}]
    stdin = "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n"
    result = run_cli("analyze", "--watchlists", str(tmp_path), "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["topics"], x["severity"], x["duplicate_of"]) for x in lines] == [
        ("3", ["niger", "russia"], "urgent", None), ("1", [], None, None), ("2", ["niger"], "routine", None)]
    assert lines[0]["lang"] == "fr"
    assert lines[0]["matches"] == [
        {"topic": "russia", "term": "russe*", "start": 15, "end": 21, "text": "russes", "evasion": False},
        {"topic": "niger", "term": "Niger", "start": 35, "end": 40, "text": "Niger", "evasion": False}]


def test_analyze_reads_a_file_and_reports_bad_lines_without_losing_the_others(tmp_path):
    write(tmp_path, "w.yaml", VALID)
    (tmp_path / "posts.jsonl").write_text('{"id": "a", "text": "Niger"}\nnot json\n{"text": "no id"}\n'
                                          '{"id": "b", "text": "Niger"}\n', encoding="utf-8")
    result = run_cli("analyze", "--watchlists", ".", "posts.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["line"], x.get("id"), "error" in x) for x in out] == [
        (1, "a", False), (2, None, True), (3, None, True), (4, "b", False)]
    errors = [line.split(":")[:2] for line in result.stderr.splitlines()]
    assert errors == [["posts.jsonl", "2"], ["posts.jsonl", "3"]]


def test_analyze_with_invalid_watchlists_exits_2_with_file_and_line(tmp_path):
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: [yes]\n")
    result = run_cli("analyze", "--watchlists", ".", "-", cwd=tmp_path, stdin='{"id": "1", "text": "x"}\n')
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "w.yaml:3:13: a term must be text, but YAML 1.1 reads yes as a boolean (True); quote it: \"yes\""]


COMMANDS = [["watchlist", "check"], ["watchlist", "explain"], ["analyze"], ["watchlist"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_shows_an_example(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout and "sahelwatch " in result.stdout.split("Example", 1)[1]


def test_analyze_prints_a_story_shared_by_copies_and_linked_reports(tmp_path):
    write(tmp_path, "w.yaml", VALID)
    text = "Des militaires russes ont été vus à l'ouest du Niger près de la frontière ce matin"
    posts = [{"id": "1", "text": text, "lang": "fr"},
             {"id": "2", "text": f"RT @a: {text}", "lang": "fr"},
             {"id": "3", "text": "Rien à signaler aujourd'hui"},
             {"id": "4", "text": "Russian troops seen west of Niger https://www.rfi.fr/x?utm_source=t", "lang": "en"},
             {"id": "5", "text": "Des troupes russes à l'ouest du Niger https://m.rfi.fr/x/amp", "lang": "fr"}]
    stdin = "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n"
    result = run_cli("analyze", "--watchlists", str(tmp_path), "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["story"] for line in result.stdout.splitlines()] == ["1", "1", "3", "4", "4"]
