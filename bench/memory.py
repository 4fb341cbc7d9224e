"""Peak memory (RSS) of `sahelwatch run` replaying synthetic posts through the full pipeline.

Run: python bench/memory.py [--posts 100000] [--keep DIR]
Writes N synthetic posts (French, English, Arabic, Hausa; ~10 % exact and ~5 % near
duplicates; ~10 % with a photo) as JSONL, starts `python -m bot run --replay FILE` on a fresh
SQLite file with the default watchlists, polls the process's RSS with psutil every 20 ms
until the replay cursor reaches N, reads the kernel's peak (VmHWM, Linux), then stops it
with SIGTERM. Prints figures, never
pass/fail. Goal on the 1 GB VPS: peak RSS <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's `bot`, the one the measured subprocess runs

from bot.config import Settings  # noqa: E402
from bot.pipeline import build_pipeline  # noqa: E402
from bot.runtime import default_watchlists  # noqa: E402
from bot.store.db import Store  # noqa: E402

TEMPLATES = [
    "Attaque à {place} ce matin : {n} soldats tués, des hommes armés à moto selon des sources locales",
    "Embuscade contre un convoi près de {place}, bilan provisoire {n} morts",
    "Frappe de drone signalée à {place}, {n} victimes civiles selon les habitants",
    "Gunmen attacked a village near {place}, at least {n} people killed, residents say",
    "Army says {n} militants neutralised in air strikes around {place}",
    "هجوم مسلح على قرية قرب {place} ومقتل {n} أشخاص حسب مصادر محلية",
    "'Yan bindiga sun kai hari a {place}, mutane {n} sun mutu",
    "Marché de {place} : prix du mil en hausse de {n} % cette semaine",
]
PLACES = ["Ménaka", "Gao", "Tillabéri", "Djibo", "Diffa", "Maiduguri", "Kidal", "Mopti", "Dori", "Zamfara"]


def synthetic_records(n: int, seed: int = 7) -> list[dict]:
    return list(iter_records(n, seed))


def iter_records(n: int, seed: int = 7, pool: int | None = None, end: datetime | None = None) -> Iterator[dict]:
    """The records one by one, one every 3 s from 2026-11-01 (or up to ``end``); ``pool``: copies
    repeat only the ``pool`` newest originals (memory bounded, and copies stay within the dedupe
    window as real reposts do); ``None``: any of them."""
    rng = random.Random(seed)
    t0 = datetime(2026, 11, 1, tzinfo=UTC) if end is None else end - timedelta(seconds=3 * n)
    texts: list[str] = []
    for i in range(n):
        roll = rng.random()
        if texts and roll < 0.10:
            text = rng.choice(texts)  # exact repost
        elif texts and roll < 0.15:
            text = rng.choice(texts) + " #Sahel"  # near duplicate
        else:
            text = rng.choice(TEMPLATES).format(place=rng.choice(PLACES), n=rng.randint(2, 90)) + f" ({i})"
            if pool is not None and len(texts) >= pool:
                texts[i % pool] = text
            else:
                texts.append(text)
        record = {"id": str(10**17 + i), "platform": "x", "text": text, "author": f"user{rng.randint(1, 5000)}",
                  "created_at": (t0 + timedelta(seconds=i * 3)).isoformat(),
                  "url": f"https://x.com/i/status/{10**17 + i}"}
        if rng.random() < 0.10:
            record["media"] = [{"kind": "photo", "url": f"https://pbs.twimg.com/media/{i}.jpg"}]
        yield record


def cursor(db: Path) -> str | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT value FROM cursors").fetchone()
    except sqlite3.OperationalError:  # schema not there yet
        return None
    return row[0] if row else None


def rss(proc: psutil.Process) -> int:
    try:
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
    except psutil.NoSuchProcess:
        return 0


def high_water_mark(pid: int) -> int:
    """The kernel's own peak RSS of ``pid`` (Linux ``VmHWM``), 0 where unavailable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def measure(src: Path, db: Path, n: int) -> dict[str, float]:
    env = {**os.environ, "SAHELWATCH_WATCHLISTS": str(default_watchlists()), "SAHELWATCH_X": "off",
           "SAHELWATCH_TELEGRAM": "off", "SAHELWATCH_LOG_FORMAT": "json", "SAHELWATCH_LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "bot", "run", "--db", str(db), "--replay", str(src)]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc, peak, polls = psutil.Process(child.pid), 0, 0
    while child.poll() is None and cursor(db) != str(n):
        peak = max(peak, rss(proc))
        polls += 1
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    end_rss, hwm = rss(proc), high_water_mark(child.pid)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=120)
    if child.returncode != 0:
        sys.exit(f"sahelwatch run failed ({child.returncode}):\n{err[-2000:]}")
    return {"peak": max(peak, hwm), "end": end_rss, "elapsed": elapsed, "polls": polls,
            "summary": out.strip()}


def stages() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.db")
        names = build_pipeline(Settings(watchlists=default_watchlists()), store).names
        store.close()
    return " -> ".join(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the JSONL and DB here instead of a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sahelwatch-mem-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        src, db = work / "posts.jsonl", work / "bench.db"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in synthetic_records(args.posts)),
                       encoding="utf-8")
        result = measure(src, db, args.posts)
        db_mb = db.stat().st_size / 2**20
    watchlists = default_watchlists()
    print(f"pipeline stages:   {stages()}")
    print(f"watchlists:        {watchlists} ({'present' if watchlists.is_dir() else 'MISSING'})")
    print(f"posts replayed:    {args.posts:,} in {result['elapsed']:.1f} s "
          f"({args.posts / result['elapsed']:,.0f} posts/s, {result['polls']:,} RSS samples)")
    peak, end = result["peak"] / 2**20, result["end"] / 2**20
    print(f"peak RSS:          {peak:.1f} MB (goal <= 150 MB; kernel VmHWM or polled max); "
          f"at the end {end:.1f} MB")
    print(f"database:          {db_mb:.1f} MB")
    print(f"bot summary:       {result['summary'].splitlines()[0] if result['summary'] else '-'}")


if __name__ == "__main__":
    main()
