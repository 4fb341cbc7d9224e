"""Dedupe quality and cost. Prints figures; never pass/fail.

    python bench/dedupe.py                  # quality on tests/data/dedupe_labelled.jsonl + 200k-post run
    python bench/dedupe.py --posts 50000    # smaller throughput/memory run

Quality: the labelled set goes through normalise → language → dedupe → index_post on a
fresh SQLite file (one transaction per post, like the store). Pairwise precision/recall
compare predicted clusters (``duplicate_of`` or self) with labelled stories; recall per
duplicate kind and false merges per hard-negative kind are listed too.

Cost: ``--posts`` synthetic posts (≈30 % duplicates) through the same stages, committing
every 500 posts; posts/s and RSS growth (psutil) over the run, extrapolated to 1M posts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import psutil
from sqlite_utils import Database

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

import synth  # noqa: E402

from bot.models import Post  # noqa: E402
from bot.pipeline.base import Context  # noqa: E402
from bot.pipeline.dedupe import dedupe  # noqa: E402
from bot.pipeline.dedupe_index import create_tables, index_post  # noqa: E402
from bot.pipeline.language import language  # noqa: E402
from bot.pipeline.normalise import normalise  # noqa: E402
from bot.sources.jsonl import post_from_record  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "dedupe_labelled.jsonl"


def run(post: Post, ctx: Context, db: Database) -> Post:
    post = dedupe(language(normalise(post, ctx), ctx), ctx)
    index_post(db, post)
    return post


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}


def quality(path: Path, workdir: Path) -> None:
    db = Database(workdir / "quality.db")
    create_tables(db)
    ctx = Context(extras={"dedupe_db": db})
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    truth: dict[str, list[str]] = defaultdict(list)
    predicted: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        post = post_from_record(rec)
        with db.conn:
            post = run(post, ctx, db)
        truth[str(rec["story"])].append(post.key)
        predicted[post.duplicate_of or post.key].append(post.key)
    true_pairs, got = pairs(truth), pairs(predicted)
    hit = len(true_pairs & got)
    print(f"labelled set: {len(records)} posts, {len(true_pairs)} true duplicate pairs, {len(got)} predicted")
    print(f"  pairwise precision {hit / max(len(got), 1):.4f}  recall {hit / max(len(true_pairs), 1):.4f}")
    by_kind(records, predicted)


def by_kind(records: list[dict], predicted: dict[str, list[str]]) -> None:
    head = {key: h for h, members in predicted.items() for key in members}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rec in records:
        if rec["pair_of"] is None:
            continue
        same = head[f"x:{rec['id']}"] == head[f"x:{rec['pair_of']}"]
        counts[rec["kind"]][0] += same
        counts[rec["kind"]][1] += 1
    for kind, (merged, total) in sorted(counts.items()):
        label = "false merges" if kind.startswith("neg") else "recall"
        print(f"  {kind:16s} {label:12s} {merged}/{total} = {merged / total:.3f}")


def vocabulary() -> dict[str, list[str]]:
    folder = ROOT / "tests" / "data" / "lang"
    return {lang: (folder / f"{lang}.txt").read_text(encoding="utf-8").split() for lang in synth.LANGS}


def stream(count: int, seed: int = 11) -> list[Post]:
    """65 % posts of random words from the labelled language set, 10 % template stories,
    25 % normalised or near variants of one of the previous 5,000 posts."""
    rng, words = random.Random(seed), vocabulary()
    posts: list[Post] = []
    for i in range(count):
        roll = rng.random()
        if posts and roll < 0.25:
            src = posts[rng.randrange(max(0, len(posts) - 5000), len(posts))]
            lang = src.lang_hint or "ha"
            maker = rng.choice([synth.normalised_variant, synth.near_variant])
            text = maker(src.text, rng, lang)
        elif roll < 0.35:
            story = synth.random_story(rng)
            lang, text = story.lang, story.text()
        else:
            lang = rng.choice(synth.LANGS)
            text = " ".join(rng.choices(words[lang], k=rng.randint(8, 35)))
        posts.append(make_post(i, text, lang, synth_time() + i * 3.0))  # 200k posts ≈ 7 days
    return posts


def synth_time() -> float:
    return 1_740_000_000.0


def make_post(i: int, text: str, lang: str, created: float) -> Post:
    from datetime import UTC, datetime

    return Post(platform="x", platform_id=str(i), text=text, created_at=datetime.fromtimestamp(created, UTC),
                author_handle=f"u{i % 5000}", lang_hint=None if lang == "ha" else lang)


def cost(count: int, workdir: Path) -> None:
    posts = stream(count)
    db = Database(workdir / "cost.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    create_tables(db)
    ctx = Context(extras={"dedupe_db": db})
    for post in posts[:200]:  # warm-up: model load, caches
        language(post, ctx)
    process = psutil.Process()
    rss = [process.memory_info().rss]
    dups, start = 0, time.perf_counter()
    for offset in range(0, count, 500):
        if offset == count // 4:
            rss.append(process.memory_info().rss)
        with db.conn:
            for post in posts[offset : offset + 500]:
                dups += run(post, ctx, db).duplicate_of is not None
    elapsed = time.perf_counter() - start
    rss.append(process.memory_info().rss)
    size = sum(f.stat().st_size for f in workdir.glob("cost.db*")) / 2**20
    print(f"throughput: {count} posts in {elapsed:.1f} s = {count / elapsed:,.0f} posts/s "
          f"(normalise+language+dedupe+index), {dups} duplicates found")
    total, late = (rss[-1] - rss[0]) / 2**20, (rss[-1] - rss[-2]) / 2**20
    slope = late * 1e6 / (count - count // 4)
    print(f"  RSS growth {total:.1f} MB over the run ({late:.1f} MB over the last 3/4, caches already full)"
          f" -> {slope:.1f} MB per 1M posts (extrapolated); DB file {size:.0f} MB")
    dedupe_only(posts[: min(count, 50_000)], workdir)


def dedupe_only(posts: list[Post], workdir: Path) -> None:
    db = Database(workdir / "only.db")
    db.execute("PRAGMA journal_mode=WAL")
    create_tables(db)
    ctx = Context(extras={"dedupe_db": db})
    prepared = [language(normalise(p, ctx), ctx) for p in posts]
    start = time.perf_counter()
    for offset in range(0, len(prepared), 500):
        with db.conn:
            for post in prepared[offset : offset + 500]:
                index_post(db, dedupe(post, ctx))
    elapsed = time.perf_counter() - start
    rate = len(prepared) / elapsed
    print(f"  dedupe stage + index_post alone: {rate:,.0f} posts/s on {len(prepared)} posts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        quality(args.labelled, Path(tmp))
        if args.posts:
            cost(args.posts, Path(tmp))


if __name__ == "__main__":
    main()
