"""Each mistake admins made in use, and the exact lines `sahelwatch watchlist check` prints for it.

The YAML files are written as an admin would type them (the mistakes included); the real CLI
runs in-process with the default settings (languages en, fr, ar, ha).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.watchlist_util import run_cli, write

FIX = "add it to a channel's topics (or leave topics out to receive all)"


def check(tmp_path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["watchlist", "check", *args, str(tmp_path)], env={"SAHELWATCH_LANGUAGES": ""})
    return result.exit_code, result.output.splitlines()


def shown(tmp_path, name: str) -> str:
    return f"{tmp_path}/{name}"


def test_an_over_indented_list_item_is_one_term_and_says_so(tmp_path):
    write(tmp_path, "roads.yaml", """
        topics:
          roads:
            terms:
              - RN3
                - Pissila
              - Kongoussi
    """)
    code, lines = check(tmp_path)
    assert (code, lines) == (0, [
        f"{shown(tmp_path, 'roads.yaml')}:4:9: warning: 'RN3 - Pissila' is one term: the '- Pissila' line below is "
        "indented deeper than '- RN3', so YAML joined them; indent it like the other items (or quote the term if "
        "the dash belongs to it)",
        "valid: 1 topics, 2 terms, 0 accounts in 1 file(s); 0 error(s), 1 warning(s)",
    ])


def test_a_term_equal_to_an_exclude_can_never_fire(tmp_path):
    write(tmp_path, "sport.yaml", """
        topics:
          mali:
            terms: [Mali, Bamako]
            exclude: [football, mali]
    """)
    code, lines = check(tmp_path)
    assert (code, lines) == (0, [
        f"{shown(tmp_path, 'sport.yaml')}:3:13: warning: term 'Mali' is the same as the exclude 'mali' (line 4): "
        "every post it matches is excluded, so it can never fire topic 'mali'; remove one of them",
        "valid: 1 topics, 2 terms, 0 accounts in 1 file(s); 0 error(s), 1 warning(s)",
    ])


def test_the_same_account_twice_with_and_without_at(tmp_path):
    write(tmp_path, "accounts.yaml", """
        accounts:
          x:
            - "@Sahel_News"
            - sahel_news
    """)
    code, lines = check(tmp_path)
    assert (code, lines) == (0, [
        f"{shown(tmp_path, 'accounts.yaml')}:4:7: warning: account 'sahel_news' is already listed at "
        f"{shown(tmp_path, 'accounts.yaml')}:3:7 (X handles ignore case and '@' is optional); remove one",
        "valid: 0 topics, 0 terms, 2 accounts in 1 file(s); 0 error(s), 1 warning(s)",
    ])


def test_channels_yaml_language_typo_and_unknown_topic_are_errors(tmp_path):
    write(tmp_path, "topics.yaml", "topics:\n  attack:\n    terms: [attaque*]\n")
    write(tmp_path, "channels.yaml", """
        channels:
          - chat_id: "-1001234567890"
            topics: [attacks]
            languages: [fre]
    """)
    code, lines = check(tmp_path)
    assert (code, lines) == (1, [
        f"{shown(tmp_path, 'channels.yaml')}:3:14: topic 'attacks' is in no watchlist, so this channel would never "
        "get it; did you mean 'attack'?",
        f"{shown(tmp_path, 'channels.yaml')}:4:17: unknown language code 'fre': posts carry two-letter ISO 639-1 "
        "codes; write 'fr'",
        "invalid: 2 error(s), 0 warning(s)",
    ])


def test_a_topic_no_channel_receives_and_strict_mode(tmp_path):
    write(tmp_path, "topics.yaml", "topics:\n  attack:\n    terms: [attaque*]\n  coup:\n    terms: [putsch]\n")
    write(tmp_path, "channels.yaml", "channels:\n  - chat_id: -100123\n    topics: [attack]\n")
    expected = [
        f"{shown(tmp_path, 'topics.yaml')}:4:3: warning: no channel in {shown(tmp_path, 'channels.yaml')} "
        f"receives topic 'coup': its posts are stored but never sent; {FIX}",
        "valid: 2 topics, 2 terms, 0 accounts in 1 file(s) and channels.yaml; 0 error(s), 1 warning(s)",
    ]
    assert check(tmp_path) == (0, expected)
    assert check(tmp_path, "--strict") == (1, expected)


YAML_MISTAKES = [
    ("tab", "topics:\n  russia:\n\tterms: [Wagner]\n",
     "3:1: a tab in the indentation: YAML indents with spaces only; replace the tab with spaces"),
    ("at", "accounts:\n  x: [@Sahel_News]\n",
     "2:7: a value cannot start with '@': YAML reserves that character; put the value in quotes: \"@Sahel_News\""),
    ("backtick", "topics:\n  t:\n    terms:\n      - `JNIM`\n",
     "4:9: a value cannot start with '`': YAML reserves that character; put the value in quotes: \"`JNIM`\""),
    ("quote", "topics:\n  t:\n    terms:\n      - \"Africa Corps\n      - Wagner\n",
     "4:9: the double quote (\") opened here is never closed: add the closing \" at the end of the value"),
    ("colon", "topics:\n  russia:\n    severity urgent\n    terms: [Wagner]\n",
     "3:5: missing ':' after the key 'severity': write 'severity: urgent'"),
    ("colon_topic", "topics:\n  russia\n    terms: [Wagner]\n",
     "2:3: missing ':' after the key 'russia': write 'russia:'"),
    ("indent", "topics:\n  russia:\n    terms: [Wagner]\n   severity: urgent\n",
     "4:4: wrong indentation: this line starts at column 4, but the entries of the block that begins on line 2 "
     "start at column 3; indent it exactly like the entry it belongs with"),
]


@pytest.mark.parametrize(("name", "text", "message"), YAML_MISTAKES, ids=[m[0] for m in YAML_MISTAKES])
def test_yaml_mistakes_in_plain_words(tmp_path, name, text, message):
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    code, lines = check(tmp_path)
    assert (code, lines) == (1, [f"{shown(tmp_path, name + '.yaml')}:{message}", "invalid: 1 error(s), 0 warning(s)"])


def test_an_unquoted_chat_in_channels_yaml_in_the_real_cli(tmp_path):
    write(tmp_path, "topics.yaml", "topics:\n  attack:\n    terms: [attaque*]\n")
    write(tmp_path, "channels.yaml", "channels:\n  - chat_id: @sahel_alerts\n")
    result = run_cli("watchlist", "check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "channels.yaml:2:14: a value cannot start with '@': YAML reserves that character; put the value in quotes: "
        "\"@sahel_alerts\"",
        "invalid: 1 error(s), 0 warning(s)",
    ]


def test_sources_yaml_is_checked_with_the_rest(tmp_path):
    write(tmp_path, "topics.yaml", "topics:\n  attack:\n    terms: [attaque*]\n")
    write(tmp_path, "sources.yaml", """
        feeds:
          - url: ftp://news.example.org/rss
        accounts:
          x: ["@Sahel News"]
    """)
    code, lines = check(tmp_path)
    assert (code, lines) == (1, [
        f"{shown(tmp_path, 'sources.yaml')}:2:10: a feed url must start with http:// or https:// and name a host, "
        "found 'ftp://news.example.org/rss'",
        f"{shown(tmp_path, 'sources.yaml')}:4:7: '@Sahel News' in accounts.x is not an X handle without @ "
        "(letters, digits, _; at most 15)",
        "invalid: 2 error(s), 0 warning(s)",
    ])
    write(tmp_path, "sources.yaml", "feeds:\n  - https://news.example.org/rss\n")
    assert check(tmp_path)[1][-1] == ("valid: 1 topics, 1 terms, 0 accounts in 1 file(s) and sources.yaml; "
                                      "0 error(s), 0 warning(s)")
