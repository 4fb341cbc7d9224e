"""Near-duplicates found in an old archive: ``sahelwatch replay`` vs ``sahelwatch run --replay``.

    python bench/archive_dedupe.py [--posts 20000] [--days-old 10]

Writes ``--posts`` synthetic posts (bench/memory.py's generator: exact and near copies of recent
originals) ending ``--days-old`` days ago, stores them with each command into a fresh database and
prints how many were marked duplicates. Both should find the same: the live bot's window prune
follows the archive's own clock, not today's (it used to drop every entry of an archive older than
the window: 308 instead of 2,939 on the defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.memory import iter_records

REPO = Path(__file__).resolve().parent.parent


def counts(db: Path) -> tuple[int, int]:
    """(posts, posts marked as duplicates) in ``db``."""
    conn = sqlite3.connect(db)
    try:
        posts, duplicates = conn.execute("SELECT count(*), sum(duplicate_of IS NOT NULL) FROM posts").fetchone()
    finally:
        conn.close()
    return posts, duplicates or 0


def live(src: Path, db: Path, posts: int, env: dict[str, str]) -> tuple[int, int]:
    """``run --replay`` until every post is stored, then SIGTERM."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--replay", str(src), "--db", str(db)], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            time.sleep(1)
            try:
                if counts(db)[0] >= posts:
                    break
            except sqlite3.OperationalError:  # not created yet
                continue
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    return counts(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--days-old", type=float, default=10.0)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHELWATCH_", "X_", "TELEGRAM_"))}
    env["SAHELWATCH_LOG_LEVEL"] = "WARNING"
    with tempfile.TemporaryDirectory(prefix="sahelwatch-archive-") as tmp:
        src = Path(tmp) / "archive.jsonl"
        end = datetime.now(UTC) - timedelta(days=args.days_old)
        with src.open("w", encoding="utf-8") as out:
            for record in iter_records(args.posts, pool=10_000, end=end):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        subprocess.run([sys.executable, "-m", "bot", "replay", str(src), "--db", f"{tmp}/replay.db"], env=env,
                       cwd=REPO, check=True, capture_output=True)
        batch = counts(Path(tmp) / "replay.db")
        running = live(src, Path(tmp) / "run.db", args.posts, env)
    print(f"{args.posts:,} posts ending {args.days_old:g} days ago")
    print(f"sahelwatch replay:        {batch[0]:,} stored, {batch[1]:,} duplicates")
    print(f"sahelwatch run --replay:  {running[0]:,} stored, {running[1]:,} duplicates")


if __name__ == "__main__":
    main()
