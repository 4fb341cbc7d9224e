"""Store throughput: posts/s for batched inserts and for one transaction per post.

Run: python bench/store.py [--posts 10000]
Each configuration uses a fresh SQLite file (WAL, synchronous=NORMAL, FTS5 with triggers)
and the product's own code path (bot.store.posts.save_batch / save_post).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.models import Match, Post
from bot.store.db import Store
from bot.store.posts import save_batch, save_post

WORDS = ["attaque", "Ménaka", "soldats", "drone", "Niger", "Tillabéri", "embuscade", "convoy", "killed", "Borno"]


def make_posts(n: int) -> list[Post]:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        Post("x", str(10**17 + i), " ".join(WORDS[(i + k) % len(WORDS)] for k in range(18)) + f" #{i}",
             t0 + timedelta(seconds=i), author_handle=f"user{i % 97}", topics=("attack",),
             matches=(Match("attack", "attaque", 0, 7),))
        for i in range(n)
    ]


def bench(label: str, n: int, fn) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        posts = make_posts(n)
        start = time.perf_counter()
        fn(store, posts)
        elapsed = time.perf_counter() - start
        assert store.scalar("SELECT count(*) FROM posts") == n
        store.close()
    print(f"{label:38} {n / elapsed:10,.0f} posts/s  ({elapsed:.2f} s for {n:,})")


def batched(store: Store, posts: list[Post], size: int = 500) -> None:
    for i in range(0, len(posts), size):
        save_batch(store, posts[i : i + size], source="bench", cursor=str(i))


def per_post(store: Store, posts: list[Post]) -> None:
    for i, post in enumerate(posts):
        save_post(store, post, source="bench", cursor=str(i))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    bench("batched (500 posts per transaction)", args.posts, batched)
    bench("one transaction per post", args.posts, per_post)
