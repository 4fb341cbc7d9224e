"""Fuzz the payload readers: 10,000 Hypothesis examples per target, and the count of escapes.

Run: python bench/fuzz_payloads.py [--examples 10000]
Targets: the X stream line parser (valid lines among hostile ones) and the JSONL reader (a
file of valid records and hostile lines, every parsed post stored in a real SQLite file). An
escape is an exception out of a reader or the store, or a valid item not kept. Goal: 0.
The strategies are the test suite's (tests/fuzz_payloads.py). Prints figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store.db import Store  # noqa: E402
from tests.fuzz_payloads import check_jsonl, check_x_lines  # noqa: E402


def run(name: str, check, examples: int) -> None:
    escapes: Counter[str] = Counter()
    calls = 0

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def target(data: st.DataObject) -> None:
        nonlocal calls
        calls += 1
        for problem in check(data):
            escapes[problem.split(":")[0]] += 1

    started = time.perf_counter()
    target()
    took = time.perf_counter() - started
    print(f"{name}: {calls} examples in {took:.1f} s, escapes: {sum(escapes.values())}")
    for problem, n in escapes.most_common(10):
        print(f"  {n} x {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    args = parser.parse_args()
    run("x stream lines", check_x_lines, args.examples)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "fuzz.db")
        run("jsonl reader + store", lambda data: check_jsonl(data, store), args.examples)
        store.close()


if __name__ == "__main__":
    main()
