"""Micro-batches on the ingest path: one transaction per batch, same results as one per post."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.config import Settings
from bot.ingest import DONE, WAIT_ROUNDS, next_batch
from bot.pipeline import build_pipeline
from bot.pipeline.base import reads_store
from bot.sources.base import Collected
from bot.sources.jsonl import post_from_record
from bot.store.state import get_cursor
from tests.conftest import make_records


def _items(records: list[dict]) -> list[tuple[str, Collected]]:
    return [("src", Collected(post_from_record(r), str(n))) for n, r in enumerate(records, start=1)]


def test_posts_in_one_batch_see_each_other(store):
    records = make_records(5)
    records[3]["text"] = records[1]["text"]  # an exact copy, in the same batch as its original
    app = App(store, build_pipeline(Settings(), store), [])
    outcomes = app.ingest_many(_items(records))
    assert [o.post.duplicate_of for o in outcomes] == [None, None, None, "x:p1", None]
    assert store.scalar("SELECT count(*) FROM posts") == 5 and get_cursor(store, "src") == "5"


def test_a_post_failing_in_the_pipeline_is_rolled_back_alone(store):
    def explode(post, context):
        if post.platform_id == "p2":
            raise ValueError("a bug in a stage")
        return post

    pipeline = build_pipeline(Settings(), store)
    pipeline.stages = [*pipeline.stages, explode]
    app = App(store, pipeline, [])
    outcomes = app.ingest_many(_items(make_records(4)))
    assert [o.error for o in outcomes] == [None, None, "ValueError: a bug in a stage", None]
    stored = [r["platform_id"] for r in store.query("SELECT platform_id FROM posts ORDER BY id")]
    assert stored == ["p0", "p1", "p3"] and get_cursor(store, "src") == "4"
    assert (app.summary.stored, app.summary.errors) == (3, 1)


def test_store_free_stages_run_over_the_whole_batch_before_the_write_transaction(store):
    seen: list[tuple[str, str, bool]] = []

    def watch(name):
        def stage(post, context):
            seen.append((name, post.platform_id, store.db.conn.in_transaction))
            if name == "early" and post.platform_id == "p1":
                raise ValueError("a bug in an early stage")
            return post
        return stage

    pipeline = build_pipeline(Settings(), store)
    at = pipeline.names.index("dedupe")
    pipeline.stages = [*pipeline.stages[:at], watch("early"), watch("late"), *pipeline.stages[at:],
                       reads_store(watch("last"))]
    app = App(store, pipeline, [])
    outcomes = app.ingest_many(_items(make_records(3)))
    assert [o.error for o in outcomes] == [None, "ValueError: a bug in an early stage", None]
    assert seen == [("early", "p0", False), ("early", "p1", False), ("early", "p2", False),
                    ("late", "p0", False), ("late", "p2", False), ("last", "p0", True), ("last", "p2", True)]
    stored = [r["platform_id"] for r in store.query("SELECT platform_id FROM posts ORDER BY id")]
    assert stored == ["p0", "p2"] and get_cursor(store, "src") == "3"
    assert (app.summary.stored, app.summary.errors) == (2, 1)


def test_next_batch_takes_what_is_queued_up_to_the_size():
    async def main():
        queue: asyncio.Queue[object] = asyncio.Queue()
        for n in range(5):
            queue.put_nowait(n)
        first = await next_batch(queue, 3, 0.0)
        queue.put_nowait(DONE)
        second = await next_batch(queue, 3, 0.001)
        lone: asyncio.Queue[object] = asyncio.Queue()
        lone.put_nowait("only")
        return first, second, await next_batch(lone, 256, 0.001)

    first, second, lone = asyncio.run(main())
    assert first == ([0, 1, 2], False) and second == ([3, 4], True) and lone == (["only"], False)


def batch_with(size: int, arriving: list[int]) -> tuple[int, int]:
    """``(posts in the batch, waits)`` when one post is queued and each wait brings the next
    number of ``arriving`` posts (nothing once the list is used up)."""
    async def main() -> tuple[int, int]:
        queue: asyncio.Queue[object] = asyncio.Queue()
        queue.put_nowait("first")
        waits = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)
            for n in range(arriving[len(waits) - 1] if len(waits) <= len(arriving) else 0):
                queue.put_nowait(n)

        entries, done = await next_batch(queue, size, 0.005, sleep)
        assert not done
        return len(entries), len(waits)

    return asyncio.run(main())


def test_a_stream_that_keeps_coming_fills_the_batch():
    assert batch_with(50, [10] * 20) == (50, 5)  # a replay: whole batches, so fewer pages written per post


def test_a_stream_that_stops_is_not_waited_for_again():
    assert batch_with(50, [10, 10]) == (21, 3)
    assert batch_with(50, []) == (1, 1)  # a lone live post: one wait, as before


def test_a_trickle_is_waited_for_a_bounded_number_of_times():
    assert batch_with(1000, [1] * 100) == (1 + WAIT_ROUNDS, WAIT_ROUNDS)


def test_batch_commands_prune_the_dedupe_index_to_its_window(store):
    from datetime import UTC, datetime, timedelta

    from bot.pipeline import band_index
    from bot.pipeline.dedupe_index import WindowPrune

    # one post a day for 30 days, replayed (in the past: a later created_at becomes the time it was collected)
    records = make_records(30, start=datetime.now(UTC) - timedelta(days=40), step_s=86_400)
    pruner = WindowPrune(store, timedelta(days=7), every=10)
    app = App(store, build_pipeline(Settings(), store), [], [pruner], batch_size=5)
    for start in range(0, 30, 5):
        app.ingest_many(_items(records[start:start + 5]))
    kept = store.scalar("SELECT count(*) FROM dedupe_posts")
    assert pruner.pruned == 22 and kept == 8  # pruned at posts 10, 20, 30: days 22-29 stay (29 - 7 = 22)
    indexed = {row[0] for row in store.db.execute("SELECT post_id FROM dedupe_posts")}
    in_memory = band_index.for_db(store.db).post_ids()
    assert in_memory and in_memory <= indexed  # the band buckets hold only posts of the window
    assert store.scalar("SELECT count(*) FROM posts") == 30  # posts themselves are never pruned
