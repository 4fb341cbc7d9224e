"""Dedupe quality and cost. Prints figures; never pass/fail.

    python bench/dedupe.py                  # quality on tests/data/dedupe_labelled.jsonl + 200k-post run
    python bench/dedupe.py --posts 50000    # smaller throughput/memory run
    python bench/dedupe.py --cache-mb 32    # with a larger SQLite page cache

Everything goes through the real store (``Store`` + ``save_post``, one transaction per post,
the dedupe index written by the store's post hook), with the stages normalise → language →
dedupe (no watchlist matching).

Quality: pairwise precision/recall of predicted clusters (``duplicate_of`` or self) against
labelled stories; recall per duplicate kind and false merges per hard-negative kind. Then the
same set with the copies issue 14 found missing added (:func:`with_gaps`): a base re-tagged
``#BurkinaFaso`` and its copy tagged ``#Burkina``, an Arabic copy with tashkeel, and a copy cut
deep (40 % of the words) with "…".

Cost: ``--posts`` synthetic posts (≈25 % duplicates). Timed separately: the dedupe stage plus
its index hook (the dedupe cost), and the whole ingest (posts row, FTS, commit included).
RSS growth (psutil) over the last 3/4 of the run (caches are full by then), extrapolated to
1M posts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

import synth  # noqa: E402

from bot.models import Post  # noqa: E402
from bot.pipeline import dedupe_index  # noqa: E402
from bot.pipeline.base import Context  # noqa: E402
from bot.pipeline.dedupe import DedupeSettings, dedupe  # noqa: E402
from bot.pipeline.language import LanguageSettings, language, tagger_for  # noqa: E402
from bot.pipeline.normalise import normalise  # noqa: E402
from bot.sources.jsonl import post_from_record  # noqa: E402
from bot.store.db import Store  # noqa: E402
from bot.store.posts import save_post  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "dedupe_labelled.jsonl"


class Timed:
    """Wraps a stage or hook and adds up the time spent in it."""

    def __init__(self, fn: Callable) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, *args: object) -> object:
        start = time.perf_counter()
        try:
            return self.fn(*args)
        finally:
            self.seconds += time.perf_counter() - start


def open_store(path: Path, cache_mb: int = 0) -> tuple[Store, Context, Timed, Timed]:
    store = Store(path)
    if cache_mb:
        store.db.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
    hook = Timed(dedupe_index.index_post)
    store.post_hooks[:] = [hook, dedupe_index.count_repost]
    extras = {"language": tagger_for(LanguageSettings()), "dedupe": DedupeSettings()}
    return store, Context(store=store, extras=extras), Timed(dedupe), hook


def prepare(post: Post, ctx: Context) -> Post:
    return language(normalise(post, ctx), ctx)


def ingest(post: Post, ctx: Context, stage: Callable) -> Post:
    post = stage(post, ctx)
    assert ctx.store is not None
    save_post(ctx.store, post)
    return post


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def vowelled(text: str) -> str:
    """Arabic text with a fatha after every other Arabic letter (tashkeel a copy may carry)."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch + "\u064e" if "\u0621" <= ch <= "\u064a" and i % 2 == 0 else ch)
    return "".join(out)


def deep_cut(text: str) -> str:
    words = text.split(" ")
    return "RT @wire: " + " ".join(words[: max(9, int(len(words) * 0.4))]) + "…"


def with_gaps(records: list[dict]) -> list[dict]:
    """The labelled set plus one gap copy per base post (kinds ``gap_*``), 30 minutes later."""
    from datetime import datetime, timedelta

    out, extra = [], []
    for rec in records:
        if rec["kind"] == "base" and "#" not in rec["text"] and int(rec["id"]) % 2:
            rec = {**rec, "text": rec["text"] + " #BurkinaFaso"}
            extra.append(gap(rec, "gap_hashtag", rec["text"].replace("#BurkinaFaso", "#Burkina")))
        elif rec["kind"] == "base" and rec["lang"] == "ar":
            extra.append(gap(rec, "gap_tashkeel", vowelled(rec["text"])))
        elif rec["kind"] == "base" and len(rec["text"].split()) >= 18:
            extra.append(gap(rec, "gap_cut", deep_cut(rec["text"])))
        out.append(rec)
    later = {e["id"]: datetime.fromisoformat(e["created_at"]) + timedelta(minutes=30) for e in extra}
    for e in extra:
        e["created_at"] = later[e["id"]].isoformat()
    return sorted(out + extra, key=lambda r: datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")))


def gap(rec: dict, kind: str, text: str) -> dict:
    return {**rec, "id": str(int(rec["id"]) + 7), "text": text, "kind": kind, "pair_of": rec["id"],
            "refs": {}, "author": "wire"}


def quality(path: Path, workdir: Path, gaps: bool = False) -> None:
    _, ctx, stage, _ = open_store(workdir / ("gaps.db" if gaps else "quality.db"))
    records = with_gaps(load(path)) if gaps else load(path)
    truth: dict[str, list[str]] = defaultdict(list)
    predicted: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        post = ingest(prepare(post_from_record(rec), ctx), ctx, stage)
        truth[str(rec["story"])].append(post.key)
        predicted[post.duplicate_of or post.key].append(post.key)
    true_pairs, got = pairs(truth), pairs(predicted)
    hit = len(true_pairs & got)
    title = "with gap copies" if gaps else "labelled set"
    print(f"{title}: {len(records)} posts, {len(true_pairs)} true duplicate pairs, {len(got)} predicted")
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


def stream(count: int, seed: int = 11) -> Iterator[Post]:
    """65 % posts of random words from the labelled language set, 10 % template stories,
    25 % normalised or near variants of one of the previous 5,000 posts. A generator: the
    run keeps no post alive (bound strings cache their UTF-8 form, which would look like growth)."""
    rng, words = random.Random(seed), vocabulary()
    recent: deque[tuple[str, str]] = deque(maxlen=5000)
    for i in range(count):
        roll = rng.random()
        if recent and roll < 0.25:
            lang, source = recent[rng.randrange(len(recent))]
            maker = rng.choice([synth.normalised_variant, synth.near_variant])
            text = maker(source, rng, lang)
        elif roll < 0.35:
            story = synth.random_story(rng)
            lang, text = story.lang, story.text()
        else:
            lang = rng.choice(synth.LANGS)
            text = " ".join(rng.choices(words[lang], k=rng.randint(8, 35)))
        recent.append((lang, text))
        yield make_post(i, text, lang, synth_time() + i * 3.0)  # 200k posts ≈ 7 days


def synth_time() -> float:
    return 1_740_000_000.0


def make_post(i: int, text: str, lang: str, created: float) -> Post:
    from datetime import UTC, datetime

    return Post(platform="x", platform_id=str(i), text=text, created_at=datetime.fromtimestamp(created, UTC),
                author_handle=f"u{i % 5000}", lang_hint=None if lang == "ha" else lang)


def cost(count: int, workdir: Path, cache_mb: int) -> None:
    store, ctx, stage, hook = open_store(workdir / "cost.db", cache_mb)
    prep = Timed(prepare)
    process = psutil.Process()
    rss, dups, start = [process.memory_info().rss], 0, time.perf_counter()
    for i, post in enumerate(stream(count)):
        if i == count // 4:
            rss.append(process.memory_info().rss)
        dups += ingest(prep(post, ctx), ctx, stage).duplicate_of is not None
    elapsed = time.perf_counter() - start - prep.seconds
    rss.append(process.memory_info().rss)
    dedupe_s = stage.seconds + hook.seconds
    sizes = {t: store.scalar(f"SELECT sum(pgsize) FROM dbstat WHERE name LIKE '{t}%'") for t in ("dedupe_", "posts")}
    print(f"cost: {count} posts, {dups} duplicates found")
    print(f"  dedupe stage + index hook: {count / dedupe_s:,.0f} posts/s"
          f" ({dedupe_s / count * 1e6:.0f} us/post: stage {stage.seconds / count * 1e6:.0f},"
          f" hook {hook.seconds / count * 1e6:.0f})")
    print(f"  whole ingest incl. posts row, FTS and one commit per post: {count / elapsed:,.0f} posts/s")
    late = (rss[-1] - rss[-2]) / 2**20
    print(f"  RSS growth {(rss[-1] - rss[0]) / 2**20:.1f} MB over the run, {late:.1f} MB over the last 3/4"
          f" -> {late * 1e6 / (count - count // 4):.1f} MB per 1M posts (extrapolated)")
    mb = {k: (v or 0) / 2**20 for k, v in sizes.items()}
    print(f"  on disk: dedupe tables {mb['dedupe_']:.0f} MB ({mb['dedupe_'] * 2**20 / count:.0f} B/post),"
          f" posts+FTS {mb['posts']:.0f} MB")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--cache-mb", type=int, default=0, help="SQLite page cache (default: SQLite's 2 MB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        quality(args.labelled, Path(tmp))
        quality(args.labelled, Path(tmp), gaps=True)
        if args.posts:
            cost(args.posts, Path(tmp), args.cache_mb)


if __name__ == "__main__":
    main()
