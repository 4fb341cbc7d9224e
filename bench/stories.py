"""Story clustering quality and what geo + event + story cost at ingest. Prints figures; never pass/fail.

    python bench/stories.py                 # tests/data/geo_labelled.jsonl, timing over 20 copies of it
    python bench/stories.py --copies 50

Quality: the labelled posts (each with a ``story`` label: one incident reported in several
languages and sources, or a post alone) go through the real pipeline (``build_pipeline``, the
shipped watchlists) into a real SQLite store, in time order; pairwise precision, recall and F1
of the predicted stories (``Post.story``) against the labels.

Cost: end-to-end ingest (pipeline + ``save_post``, one transaction per post) of ``--copies``
copies of the set (each copy shifted by 10 days and given new ids, so copies never share a
story), with the stages up to ``match`` only and without the story hook ("before": what ingest
did without geo, event and story), and with every stage ("after"); best of 3 runs each,
alternated. The stages after ``match`` and the story hook are also timed alone (commit time,
which swings with the machine's disk load, is then left out).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.models import Post  # noqa: E402
from bot.pipeline import Pipeline, build_pipeline  # noqa: E402
from bot.pipeline.base import stage_name  # noqa: E402
from bot.pipeline.dedupe_index import count_repost, index_post  # noqa: E402
from bot.pipeline.story_index import save_story  # noqa: E402
from bot.sources.jsonl import post_from_record  # noqa: E402
from bot.store.db import Store  # noqa: E402
from bot.store.posts import save_post  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "geo_labelled.jsonl"


def records(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(rows, key=lambda r: r["created_at"])


def pipeline(store: Store, before: bool) -> Pipeline:
    full = build_pipeline(Settings(), store)
    if not before:
        return full
    names = [stage_name(s) for s in full.stages]
    store.post_hooks[:] = [index_post, count_repost]
    return Pipeline(full.stages[: names.index("match") + 1], full.context)


def ingest(pipe: Pipeline, store: Store, post: Post) -> Post | None:
    result = pipe.run(post)
    if result is not None:
        save_post(store, result)
    return result


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}  # type: ignore[misc]


def quality(rows: list[dict], workdir: Path) -> None:
    store = Store(workdir / "quality.db")
    pipe = pipeline(store, before=False)
    truth: dict[str, list[str]] = defaultdict(list)
    got: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        post = ingest(pipe, store, post_from_record(row))
        if post is None:
            continue
        truth[str(row["story"])].append(post.key)
        got[post.story.key if post.story else post.key].append(post.key)
    true_pairs, found = pairs(truth), pairs(got)
    hit = len(true_pairs & found)
    precision, recall = hit / max(len(found), 1), hit / max(len(true_pairs), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"labelled set: {len(rows)} posts, {len(truth)} stories, {len(true_pairs)} same-story pairs;"
          f" predicted {len(got)} stories, {len(found)} pairs")
    print(f"  story pairwise precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"  stages: {' -> '.join(pipe.names)}")
    store.close()


def copies(rows: list[dict], count: int) -> list[Post]:
    out = []
    for n in range(count):
        for row in rows:
            post = post_from_record({**row, "id": f"{row['id']}-{n}"})
            out.append(post.with_(created_at=post.created_at + timedelta(days=10 * n)))
    return out


def cost(rows: list[dict], count: int, workdir: Path) -> None:
    posts = copies(rows, count)
    best = {True: float("inf"), False: float("inf")}
    names: dict[bool, list[str]] = {}
    added = float("inf")
    for attempt in range(3):  # alternate before/after: the machine's load hits both alike
        for before in (True, False):
            store = Store(workdir / f"cost-{before}-{attempt}.db")
            pipe = pipeline(store, before)
            extra = Timed.wrap(pipe, store) if not before else None
            start = time.perf_counter()
            for post in posts:
                ingest(pipe, store, post)
            best[before] = min(best[before], time.perf_counter() - start)
            if extra is not None:
                added = min(added, extra.seconds)
            names[before] = pipe.names
            store.close()
    for before, label in ((True, "before (up to match, no story hook)"), (False, "after (every stage)")):
        print(f"  {label}: {len(posts) / best[before]:,.0f} posts/s, {best[before] / len(posts) * 1e3:.2f} ms/post"
              f"  [{' -> '.join(names[before])}]")
    print(f"  stages after match + story hook alone: {added / len(posts) * 1e6:.0f} us/post"
          f" = {100 * added / best[True]:+.1f}% of the 'before' ingest time")
    print(f"  end to end: {100 * (best[False] / best[True] - 1):+.1f}% (best of 3 each; includes commit noise)")


class Timed:
    """Adds up the time spent in the stages after ``match`` and in the story hook."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @classmethod
    def wrap(cls, pipe: Pipeline, store: Store) -> Timed:
        timer = cls()
        names = [stage_name(s) for s in pipe.stages]
        cut = names.index("match") + 1
        pipe.stages = [*pipe.stages[:cut], *(timer.timed(s) for s in pipe.stages[cut:])]
        store.post_hooks[:] = [timer.timed(h) if h is save_story else h for h in store.post_hooks]
        return timer

    def timed(self, fn):  # type: ignore[no-untyped-def]
        def run(*args):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.seconds += time.perf_counter() - start
        run.__name__ = stage_name(fn)
        return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    rows = records(args.labelled)
    with tempfile.TemporaryDirectory() as tmp:
        quality(rows, Path(tmp))
        print(f"cost: {args.copies} copies of the set ({args.copies * len(rows)} posts)")
        cost(rows, args.copies, Path(tmp))


if __name__ == "__main__":
    main()
