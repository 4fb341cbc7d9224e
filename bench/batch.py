"""Throughput of the batched ingest path (issue 17), before/after, next to a raw insert_all.

Run: python bench/batch.py [--posts 20000] [--terms 2000]
Writes N synthetic posts (bench/memory.py's generator: 4 languages, ~15 % duplicates, photos)
and a 2,000-term watchlist (bench/match.py's generator), then, each in a subprocess on a fresh
SQLite file, dedupe on:
- `sahelwatch replay` and `sahelwatch analyze` with SAHELWATCH_BATCH_SIZE=1 ("before": one
  transaction per post) and the default SAHELWATCH_BATCH_SIZE ("after");
- `sahelwatch rematch` over the replayed database;
- a raw sqlite-utils `insert_all` of the same records into an FTS5-indexed table (batches of 1,000).
Prints posts/s, peak RSS (the child's VmHWM, sampled every 50 ms), bytes the process wrote
(/proc/PID/io wchar, read when it has exited: SQLite's pwrite()s, WAL and the last checkpoint
included), database bytes per post (file + WAL), and FTS p50/p95 of five analyst queries (20
newest hits) on the replayed database. Figures, never pass/fail. The issue's goals are for
100k-1M posts on one idle core; this machine is shared, so absolute posts/s vary between runs:
compare the rows of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlite_utils  # noqa: E402
from match import generate_terms, write_watchlist  # noqa: E402
from memory import synthetic_records  # noqa: E402

from bot.config import Settings  # noqa: E402
from tests.conftest import cli_env  # noqa: E402

QUERIES = ["attaque", '"soldats tués"', "embuscade OR ambush", "drone AND Gao", "هجوم"]


def run(args: list[str], env: dict[str, str], stdout: object = subprocess.DEVNULL) -> dict[str, float]:
    """Run ``sahelwatch ARGS``; seconds, peak RSS (MB) and bytes written (wchar)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=stdout)
    peak, exited = [0.0], threading.Event()

    def sample() -> None:  # VmHWM, the child's own peak (rusage's maxrss starts at this process's size)
        while not exited.wait(0.05):
            with contextlib.suppress(OSError, KeyError, ValueError):  # not started, or gone
                peak[0] = max(peak[0], memory_mb(proc.pid)[1])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    written = exit_wchar(proc.pid)
    exited.set()
    sampler.join()
    _pid, status, _usage = os.wait4(proc.pid, 0)
    return {"s": time.perf_counter() - started, "rss": peak[0], "wchar": written,
            "code": os.waitstatus_to_exitcode(status)}


def exit_wchar(pid: int) -> int:
    """Bytes ``pid`` wrote in all (/proc/PID/io wchar), read once it has exited and before it is
    reaped: the last checkpoint at close included, which sampling misses."""
    try:
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        return wchar(pid)
    except (OSError, ValueError, KeyError):  # already reaped (ChildProcessError is an OSError)
        return 0


def wchar(pid: int) -> int:
    """Bytes ``pid`` has written so far (/proc/PID/io ``wchar``)."""
    io = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(io["wchar"])


def memory_mb(pid: int) -> tuple[float, float]:
    """``(RSS, peak RSS)`` of a running ``pid`` in MB (/proc/PID/status ``VmRSS``, ``VmHWM``)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


def fts_times(db: Path, runs: int = 30) -> list[str]:
    out = []
    with sqlite3.connect(db) as conn:
        for query in QUERIES:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute("SELECT p.id FROM posts_fts f JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ?"
                             " ORDER BY f.rowid DESC LIMIT 20", [query]).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            q = statistics.quantiles(times, n=20)
            out.append(f"{query}: p50 {statistics.median(times):.1f} ms, p95 {q[18]:.1f} ms")
    return out


def raw_insert(records: list[dict], db: Path) -> float:
    started = time.perf_counter()
    database = sqlite_utils.Database(db)
    database["posts"].insert_all(records, batch_size=1000, alter=True)
    database["posts"].enable_fts(["text", "author"], create_triggers=True)
    return len(records) / (time.perf_counter() - started)


def line(label: str, n: int, r: dict[str, float], db: Path | None = None) -> str:
    text = (f"{label:<34} {n / r['s']:>8,.0f} posts/s  peak RSS {r['rss']:>5.0f} MB  "
            f"written {r['wchar'] / n / 1024:>7.1f} KB/post")
    if db is not None:
        text += f"  database {db_bytes(db) / n / 1024:.2f} KB/post"
    return text + ("" if r["code"] == 0 else f"  EXIT {r['code']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--terms", type=int, default=2000)
    args = parser.parse_args()
    n = args.posts
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        records = synthetic_records(n)
        data = tmp / "posts.jsonl"
        data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        watchlists = tmp / "watchlists"
        watchlists.mkdir()
        write_watchlist(watchlists, generate_terms(args.terms, random.Random(1)))
        print(f"{n:,} posts, {args.terms:,}-term watchlist, dedupe on")
        print(f"{'raw sqlite-utils insert_all + FTS5':<34} {raw_insert(records, tmp / 'raw.db'):>8,.0f} posts/s")
        batched = str(Settings.from_env({}).batch_size)
        for label, size in (("before (one transaction per post)", "1"), (f"after (batches of {batched})", batched)):
            env = cli_env(SAHELWATCH_WATCHLISTS=str(watchlists), SAHELWATCH_BATCH_SIZE=size,
                          SAHELWATCH_LOG_LEVEL="WARNING")
            db = tmp / f"replay-{size}.db"
            print(line(f"replay, {label}", n, run(["replay", str(data), "--db", str(db), "--no-console"], env), db))
            adb = tmp / f"analyze-{size}.db"
            print(line(f"analyze, {label}", n, run(["analyze", str(data), "--db", str(adb)], env), adb))
        print(line("rematch (batched already)", n, run(["rematch", "--db", str(tmp / f"replay-{batched}.db")], env)))
        print("FTS, 20 newest hits, on the replayed database:")
        for row in fts_times(tmp / f"replay-{batched}.db"):
            print(f"  {row}")


if __name__ == "__main__":
    main()
