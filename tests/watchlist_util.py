"""Helpers for watchlist tests: write YAML to a temp directory, compile it, run the real CLI."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from bot.pipeline.match import Matcher
from bot.pipeline.watchlist_reload import build
from bot.watchlist.load import check_directory
from tests.conftest import SAHELWATCH, cli_env

ROOT = Path(__file__).resolve().parents[1]


def shipped_matcher() -> Matcher:
    """The shipped ``watchlists/``, which must load without errors or warnings."""
    checked = check_directory(ROOT / "watchlists")
    assert [str(p) for p in checked.problems] == []
    return Matcher(checked.watchlist)


def write(directory: Path, name: str, yaml_text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(yaml_text).lstrip("\n"), encoding="utf-8")
    return path


def matcher(tmp_path: Path, yaml_text: str) -> Matcher:
    write(tmp_path, "topics.yaml", yaml_text)
    return build(tmp_path).matcher


def one_topic(tmp_path: Path, *terms: str, extra: str = "") -> Matcher:
    """A watchlist with one topic ``t`` whose terms are given (YAML flow items)."""
    items = "\n".join(f"      - {term}" for term in terms)
    return matcher(tmp_path, f"topics:\n  t:\n    terms:\n{items}\n{extra}")


def spans(m: Matcher, text: str) -> list[str]:
    """The original substrings of every match, in text order."""
    return [text[x.start:x.end] for x in m.classify(text).matches]


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    env = cli_env(PYTHONPATH=str(ROOT), **(env or {}))  # this checkout, whatever the current directory
    return subprocess.run([*SAHELWATCH, *args], cwd=cwd or ROOT, input=stdin, capture_output=True, text=True,
                          env=env, timeout=60, check=False)
