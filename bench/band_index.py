"""Memory and speed of the in-memory LSH band index (bot/pipeline/band_index.py) at its budget.

Run: python bench/band_index.py [--posts 150000] [--budget-mb 32]

Adds N posts (16 random band keys each, one every 3 s) to a BandIndex with the given budget
(SAHELWATCH_DEDUPE_INDEX_MB), prunes the oldest 10 % (what the hourly prune and replay's window
prune do), then looks up 2,000 posts. Prints the entries kept, the memory they hold, the
peak while folding and while pruning (tracemalloc: numpy arrays are traced), and the time per
addition and per lookup. Then a restart: the same number of rows in a SQLite file's
``dedupe_posts`` (random signatures), the index rebuilt from them, its memory and peak.
Figures, never pass/fail: the fold's peak over the index's own size is
what `sahelwatch run` pays on top of it (issue 17: peak RSS < 150 MB at 1M posts).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.pipeline import band_index
from bot.pipeline.band_index import BandIndex
from bot.pipeline.minhash import NUM_PERM
from bot.store.db import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=150_000)
    parser.add_argument("--budget-mb", type=float, default=32.0)
    args = parser.parse_args()
    rng, start = random.Random(1), 1_700_000_000
    bands = [[rng.getrandbits(63) for _ in range(16)] for _ in range(args.posts)]
    index = BandIndex(args.budget_mb)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    began = time.perf_counter()
    for pid, keys in enumerate(bands, start=1):
        index.add(pid, start + pid * 3, keys)
    added = time.perf_counter() - began
    held, peak = (m - base for m in tracemalloc.get_traced_memory())
    tracemalloc.reset_peak()
    kept = len(index) // 16
    index.prune(start + (args.posts - kept * 9 // 10) * 3)  # the oldest tenth of what is kept
    left, pruning = (m - base for m in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    probes = rng.sample(range(args.posts), 2000)
    began = time.perf_counter()
    for i in probes:
        index.candidates(bands[i], start, start + args.posts * 3)
    looked = time.perf_counter() - began
    print(f"{args.posts:,} posts, budget {args.budget_mb:g} MB: {kept * 16:,} entries kept ({kept:,} posts)")
    print(f"memory: {held / 2**20:.1f} MB held, peak {peak / 2**20:.1f} MB while folding "
          f"(+{(peak - held) / 2**20:.1f} MB)")
    print(f"add {added / args.posts * 1e6:.1f} us/post (tracemalloc on), lookup {looked / len(probes) * 1e6:.0f} us")
    print(f"prune of the oldest 10 % ({kept - len(index) // 16:,} posts): {left / 2**20:.1f} MB held after, "
          f"peak {pruning / 2**20:.1f} MB while pruning (+{(pruning - held) / 2**20:.1f} MB over the index before)")

    restart(args.posts, args.budget_mb)


def restart(posts: int, budget_mb: float) -> None:
    """Rebuild the index from ``posts`` rows of a real SQLite file, as ``sahelwatch run`` does at start."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "restart.db"
        store, rng = Store(path), np.random.default_rng(1)
        with store.write() as db:
            db.conn.executemany("INSERT INTO dedupe_posts (post_id, post_key, first_key, created_at, signature)"
                           " VALUES (?, ?, ?, ?, ?)",
                           ((pid, f"x:{pid}", f"x:{pid}", 1_700_000_000 + 3 * pid,
                             rng.integers(0, 2**32, NUM_PERM, np.uint32).tobytes()) for pid in range(1, posts + 1)))
        db = Store(path).db
        tracemalloc.start()
        began = time.perf_counter()
        index = band_index.for_db(db, budget_mb)
        took = time.perf_counter() - began
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"restart from {posts:,} rows: {len(index) // 16:,} posts loaded in {took:.2f} s, {held / 2**20:.1f} MB "
          f"held, peak {peak / 2**20:.1f} MB while loading (+{(peak - held) / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
