"""Peak RSS of `sahelwatch replay` with and without one huge post (issue 12: bounded sizes).

Run: python bench/big_post.py [--posts 2000] [--chars 1000000]
Writes N ordinary posts as JSONL, then the same file with one post of CHARS characters
(French words) in the middle, replays each into a fresh SQLite file in a subprocess, and reads
the child's peak RSS from the kernel (``os.wait4`` rusage, Linux: KB). Also prints how the big
post was stored (length, truncated flag, raw JSON size). Goal: the big post adds little and
keeps the peak under 200 MB. Prints figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import cli_env, make_records  # noqa: E402


def write(path: Path, posts: int, big_chars: int) -> None:
    records = make_records(posts)
    if big_chars:
        words = "Embuscade meurtrière près de Ménaka, les habitants témoignent. "
        big = (words * (big_chars // len(words) + 1))[:big_chars]
        records.insert(posts // 2, {"id": "big", "text": big, "created_at": "2026-11-20T07:00:00Z"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def replay(path: Path, db: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit status) of one `sahelwatch replay` run."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "replay", str(path), "--db", str(db), "--no-console"],
                            cwd=ROOT, env=cli_env(SAHELWATCH_LOG_LEVEL="WARNING"), stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024, time.perf_counter() - started, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, chars in (("without a big post", 0), (f"with one {args.chars:,}-character post", args.chars)):
            path, db = Path(tmp) / f"{chars}.jsonl", Path(tmp) / f"{chars}.db"
            write(path, args.posts, chars)
            peak, took, code = replay(path, db)
            print(f"replay {args.posts} posts {label}: peak RSS {peak:.0f} MB, {took:.1f} s, exit {code}")
            if chars:
                with sqlite3.connect(db) as conn:
                    length, truncated, raw = conn.execute(
                        "SELECT length(text), truncated, length(raw) FROM posts WHERE platform_id = 'big'").fetchone()
                print(f"  big post stored: {length:,} characters, truncated={truncated}, raw JSON {raw:,} characters")


if __name__ == "__main__":
    main()
