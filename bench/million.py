"""Memory, disk and search at a million posts: `sahelwatch run` replaying 1,000,000 posts (issue 17).

Run (about 265 MB of JSONL and ~1.5 GB of database in a temporary directory; try 100k first):

    nice python bench/million.py --posts 100000
    nice python bench/million.py                 # 1,000,000 posts; --keep DIR keeps the files

1. Writes N synthetic posts to a JSONL file, streaming (bench/memory.py's generator: 4 languages,
   ~10 % exact and ~5 % near copies of recent posts, ~10 % with a photo; one post every 3 s) and
   a 2,000-term watchlist (bench/match.py's generator).
2. Starts `sahelwatch run --replay FILE` (no X, no Telegram: `--command replay` runs
   `sahelwatch replay` instead) on a fresh SQLite file, samples the process every second (RSS,
   the kernel's peak VmHWM, bytes written /proc/PID/io wchar, and the replay cursor), prints the
   RSS when 10 %, 50 % and 100 % of the posts are stored (flat means nothing grows with the
   stored posts) and the peak, then stops it with SIGTERM.
3. Prints posts/s, bytes written per post and database bytes per post (file + WAL).
4. On that database: FTS p50/p95 of five analyst queries, 20 newest hits, both the chat's
   `/search` (bot/commands/search.py: the words as typed, the newest by created_at within
   SAHELWATCH_SEARCH_DAYS, with the count) and the Datasette way (raw FTS5 query, newest by
   rowid); then the wall time of `sahelwatch stats` and `sahelwatch export --since` (one day
   before the newest post) as subprocesses (Python start-up included).
Figures, never pass/fail. Goals: peak RSS < 150 MB, <= 10 KB written and <= 1.5 KB stored per
post, FTS p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from batch import QUERIES, db_bytes, exit_wchar, memory_mb, wchar  # noqa: E402
from match import generate_terms, write_watchlist  # noqa: E402
from memory import cursor, iter_records  # noqa: E402

from bot.commands.search import search  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store.db import Store  # noqa: E402
from tests.conftest import cli_env  # noqa: E402

TYPED = ["attaque", '"soldats tués"', "embuscade OR ambush", "drone Gao", "هجوم"]
"""``QUERIES`` as an analyst types them in the chat's /search (words are ANDed there)."""
MARKS = (0.10, 0.50, 1.00)


@dataclass
class Run:
    seconds: float = 0.0
    rss_at: dict[float, float] = field(default_factory=dict)
    peak: float = 0.0
    wchar: int = 0
    samples: int = 0
    code: int = 0


def write_posts(path: Path, n: int) -> None:
    """The posts, the last one now: `run` prunes the dedupe index by the clock (what is older than
    the window, 7 days = 201,600 posts, is dropped), so the index fills as it would live, whatever
    the day the bench runs (a fixed start date once left it empty for most of the run)."""
    with path.open("w", encoding="utf-8") as out:
        for record in iter_records(n, pool=10_000, end=datetime.now(UTC)):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def proc_status(pid: int) -> tuple[float, float, int]:
    """(RSS MB, peak RSS MB, bytes written) of ``pid``; zeros once it is gone."""
    try:
        rss, peak = memory_mb(pid)
        return rss, peak, wchar(pid)
    except (OSError, ValueError, KeyError):
        return 0.0, 0.0, 0


def ingest(command: str, src: Path, db: Path, n: int, env: dict[str, str]) -> Run:
    args = ["run", "--replay", str(src)] if command == "run" else ["replay", str(src), "--no-console"]
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "bot", *args, "--db", str(db)], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    run, last = Run(), 0.0
    while child.poll() is None:
        rss, peak, wchar = proc_status(child.pid)
        rss = last = rss or last  # `replay` exits at the end: then its last sample
        done = int(cursor(db) or 0)
        run.peak, run.wchar, run.samples = max(run.peak, peak), max(run.wchar, wchar), run.samples + 1
        for mark in MARKS:
            if mark not in run.rss_at and done >= mark * n:
                run.rss_at[mark] = rss
        if done >= n:
            break
        time.sleep(1.0)
    run.seconds = time.perf_counter() - started
    done = int(cursor(db) or 0)  # `replay` may have exited between two samples
    run.rss_at.update({m: last for m in MARKS if m not in run.rss_at and done >= m * n})
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(child.stderr.read()), daemon=True)
    reader.start()
    run.wchar = max(run.wchar, exit_wchar(child.pid))  # the checkpoint at stop included
    child.wait(timeout=600)
    reader.join()
    err = "".join(errors)
    run.code = child.returncode
    if run.code != 0:
        print(f"sahelwatch {command} exited {run.code}:\n{err[-2000:]}")
    return run


def quantiles(times: list[float]) -> str:
    return f"p50 {statistics.median(times):6.1f} ms  p95 {statistics.quantiles(times, n=20)[18]:6.1f} ms"


def timed(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def fts(db: Path, newest: datetime, runs: int) -> None:
    days = Settings.from_env(cli_env()).search_days
    store = Store(db)
    conn = sqlite3.connect(db)
    sql = ("SELECT p.id FROM posts_fts f JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ? "
           "ORDER BY f.rowid DESC LIMIT 20")
    print(f"FTS, 20 newest hits ({runs} runs each): chat /search (last {days:g} days, with count) | Datasette way")
    for typed, raw in zip(TYPED, QUERIES, strict=True):
        total, _hits = search(store, typed, newest, days, limit=20)
        chat = timed(lambda typed=typed: search(store, typed, newest, days, limit=20), runs)
        datasette = timed(lambda raw=raw: conn.execute(sql, [raw]).fetchall(), runs)
        print(f"  {typed:<22} {total:>8,} hits  {quantiles(chat)} | {raw:<22} {quantiles(datasette)}")
    store.close()
    conn.close()


def command_time(args: list[str], env: dict[str, str]) -> str:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    lines = done.stdout.count("\n")
    return f"{elapsed:6.2f} s  ({lines:,} lines of output, exit {done.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--terms", type=int, default=2000)
    parser.add_argument("--command", choices=["run", "replay"], default="run")
    parser.add_argument("--runs", type=int, default=40, help="timed runs per search")
    parser.add_argument("--keep", type=Path, help="write the JSONL and database here, and keep them")
    args = parser.parse_args()
    n = args.posts
    with tempfile.TemporaryDirectory(prefix="sahelwatch-million-") as tmp:
        work = args.keep or Path(tmp)
        (work / "watchlists").mkdir(parents=True, exist_ok=True)
        src, db = work / "posts.jsonl", work / "million.db"
        write_watchlist(work / "watchlists", generate_terms(args.terms, random.Random(1)))
        started = time.perf_counter()
        write_posts(src, n)
        print(f"{n:,} posts ({src.stat().st_size / 2**20:,.0f} MB JSONL in {time.perf_counter() - started:.0f} s), "
              f"{args.terms:,}-term watchlist, dedupe on, `sahelwatch {args.command}`")
        env = cli_env(SAHELWATCH_WATCHLISTS=str(work / "watchlists"), SAHELWATCH_LOG_LEVEL="WARNING",
                      SAHELWATCH_X="off", SAHELWATCH_TELEGRAM="off")
        run = ingest(args.command, src, db, n, env)
        marks = ", ".join(f"{m:.0%} {run.rss_at.get(m, 0):.0f} MB" for m in MARKS)
        print(f"ingest: {n / run.seconds:,.0f} posts/s ({run.seconds:,.0f} s wall, start-up included; "
              f"{run.samples:,} samples)")
        print(f"RSS at {marks}; peak (VmHWM) {run.peak:.0f} MB (goal < 150)")
        print(f"written {run.wchar / n / 1024:.1f} KB/post (goal <= 10); "
              f"database {db_bytes(db) / n / 1024:.2f} KB/post (goal <= 1.5), {db_bytes(db) / 2**20:,.0f} MB")
        with sqlite3.connect(db) as conn:
            newest = datetime.fromisoformat(conn.execute("SELECT max(created_at) FROM posts").fetchone()[0])
        fts(db, newest, args.runs)
        since = (newest - timedelta(days=1)).isoformat()
        print(f"sahelwatch stats:                  {command_time(['stats', '--db', str(db)], env)}")
        print(f"sahelwatch export --since -1 day:  {command_time(['export', '--since', since, '--db', str(db)], env)}")
        print(f"sahelwatch --version (start-up):   {command_time(['--version'], env)}")
    sys.exit(run.code)


if __name__ == "__main__":
    main()
