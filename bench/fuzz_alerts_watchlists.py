"""Fuzz the watchlist loader and the alert formatter: 10,000 Hypothesis examples each, and escapes.

Run: python bench/fuzz_alerts_watchlists.py [--examples 10000]
Targets: a watchlist file (plausible YAML with hostile pieces spliced in: aliases, tags, huge
terms, binary, surrogates) through check → compile → match; and a post (hostile text, 40 KB
URLs, hundreds of media and matches) through every form of its alert. An escape is an
exception, a message over Telegram's limits, HTML Telegram would refuse or that parses to other
text than measured, or a problem without file:line. Goal: 0. The strategies are the test
suite's (tests/fuzz_support.py). Prints figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fuzz_payloads  # noqa: E402
from tests.fuzz_support import alert_problems, posts, watchlist_files, watchlist_problems  # noqa: E402


def run(name: str, strategy: st.SearchStrategy, check: Callable[[object], list[str]], examples: int) -> None:
    """bench/fuzz_payloads.py's runner, drawing one value of ``strategy`` per example."""
    fuzz_payloads.run(name, lambda data: check(data.draw(strategy)), examples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    args = parser.parse_args()
    run("watchlist loader", watchlist_files(), watchlist_problems, args.examples)
    run("alert formatter", posts(), alert_problems, args.examples)


if __name__ == "__main__":
    main()
