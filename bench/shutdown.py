"""How long `sahelwatch run` takes to stop after SIGTERM, with a replay in progress.

Run: python bench/shutdown.py [--runs 5]
Goal (issue 3): under 5 s, everything read flushed to the database.
"""

from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def write_posts(path: Path, n: int = 2000) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    with path.open("w") as f:
        for i in range(n):
            when = (t0 + timedelta(minutes=i)).isoformat()
            f.write(json.dumps({"id": str(i), "text": f"post {i}", "created_at": when}))
            f.write("\n")


def count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def one_run(tmp: Path) -> float:
    db, src = tmp / "s.db", tmp / "posts.jsonl"
    db.unlink(missing_ok=True)
    write_posts(src)
    cmd = [sys.executable, "-m", "bot", "run", "--db", str(db), "--replay", str(src), "--speed", "600"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while count(db) < 20:
        if proc.poll() is not None:
            raise SystemExit(f"sahelwatch run exited early with {proc.returncode}")
        time.sleep(0.05)
    start = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    return time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = sorted(one_run(Path(tmp)) for _ in range(args.runs))
    print(f"SIGTERM -> exit: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms "
          f"over {args.runs} runs")
