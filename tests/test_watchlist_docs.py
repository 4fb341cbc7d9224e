"""watchlists/README.md is executable: every yaml example is loaded and the block after it checked.

- a ``text`` block: lines ``post text => topics | "span" ...`` (``=> -``: no topic fires);
  ``\\uXXXX`` stands for an invisible character;
- a ``console`` block: ``$ sahelwatch ...`` and its exact output, run as a real subprocess.
"""

import re
import shlex
from pathlib import Path

import pytest

from bot.watchlist.load import check_directory
from tests.watchlist_util import ROOT, matcher, run_cli

README = ROOT / "watchlists" / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def unescape(text: str) -> str:
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def examples() -> list[tuple[str, str, str]]:
    """(yaml, kind, body) for every check block, paired with the yaml block before it."""
    pairs, current = [], None
    for kind, body in FENCE.findall(README.read_text(encoding="utf-8")):
        if kind == "yaml":
            current = body
            pairs.append((current, "yaml", ""))
        elif kind in ("text", "console"):
            pairs.append((current, kind, body))
    return pairs


def checks(kind: str) -> list[tuple[str, str]]:
    return [(yaml, body) for yaml, k, body in examples() if k == kind]


def test_every_yaml_example_is_followed_by_a_check():
    kinds = [k for _, k, _ in examples()]
    lonely = [i for i, k in enumerate(kinds) if k == "yaml" and (i + 1 == len(kinds) or kinds[i + 1] == "yaml")]
    assert kinds.count("yaml") >= 8 and lonely == []


def parse_case(line: str) -> tuple[str, tuple[str, ...], list[str]]:
    text, _, expected = line.rpartition(" => ")
    topics, _, span_part = expected.partition(" | ")
    names = () if topics.strip() == "-" else tuple(sorted(topics.split()))
    return unescape(text), names, [unescape(s) for s in re.findall(r'"([^"]*)"', span_part)]


@pytest.mark.parametrize(("yaml", "body"), checks("text"))
def test_matching_examples(tmp_path, yaml, body):
    m = matcher(tmp_path, yaml)
    for line in filter(None, body.splitlines()):
        text, topics, spans = parse_case(line)
        result = m.classify(text)
        assert (result.topics, [text[x.start:x.end] for x in result.matches]) == (topics, spans), line


@pytest.mark.parametrize(("yaml", "body"), checks("console"))
def test_console_examples(tmp_path, yaml, body):
    (tmp_path / "example.yaml").write_text(yaml, encoding="utf-8")
    command, *expected = body.splitlines()
    args = shlex.split(command.removeprefix("$ "))
    assert args[0] == "sahelwatch"
    result = run_cli(*args[1:], cwd=tmp_path)
    assert result.stdout.splitlines() == expected
    assert result.returncode == (1 if expected[-1].startswith("invalid:") else 0), result.stderr


def test_the_format_example_is_the_issue_format_and_valid(tmp_path):
    first = examples()[0][0]
    (tmp_path / "w.yaml").write_text(first, encoding="utf-8")
    checked = check_directory(tmp_path)
    assert checked.problems == ()
    assert checked.watchlist.handles("x") == ["handle_one", "handle_two"]


def test_shipped_topics_and_files_are_all_documented():
    table = README.read_text(encoding="utf-8").split("## The shipped watchlists", 1)[1]
    rows = dict(re.findall(r"^\| `([\w.]+\.yaml)` \| (.*) \|$", table, re.M))
    shipped = check_directory(ROOT / "watchlists").watchlist
    documented = {name for cell in rows.values() for name in re.findall(r"`(\w+)`", cell)}
    assert documented == {t.name for t in shipped.topics}
    assert {Path(f).name for f in shipped.files} == set(rows)
    for topic in shipped.topics:
        assert topic.name in re.findall(r"`(\w+)`", rows[Path(topic.mark.file).name])
