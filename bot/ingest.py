"""Micro-batches on the ingest path: up to ``size`` queued items, one write transaction.

:func:`next_batch` takes what is queued (up to ``size``); when that is less, it waits ``wait_s``
(a few milliseconds) for more, again while more keeps coming (at most :data:`WAIT_ROUNDS`
times), so a lone live post is a batch of one after one wait, and a replay, whose source runs
only while the pipeline waits, fills whole batches (larger commits write fewer pages per post:
the tails of the indexes are rewritten once per commit, not per post). :func:`store_batch` runs
every item through the pipeline and stores it INSIDE one ``BEGIN IMMEDIATE`` transaction (so
each post's dedupe sees the posts before it in the same batch, exactly as one transaction per
post did), each post under its own SAVEPOINT (a post that fails in the pipeline is rolled back
and counted alone), then writes each source's newest cursor (and every remembered item id) and
commits: posts, matches, dedupe index, outbox rows and cursors of the batch become durable
together or not at all. Nothing is acknowledged (sinks, counts) before the commit. A database
fault raises out of it with everything rolled back; the caller retries the whole batch (see
:mod:`bot.store.hold`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.models import Post
from bot.pipeline.base import Pipeline
from bot.sources.base import Collected
from bot.store.db import Store
from bot.store.faults import fault_of
from bot.store.posts import Saved, save_in, source_state

log = logging.getLogger(__name__)
Entry = tuple[str, Collected]
DONE = object()
"""Queued after the last item: the ingest loop ends once it has taken it."""


@dataclass(frozen=True)
class Outcome:
    """What became of one item: stored (``saved``), dropped by a stage (``post`` None), or failed."""

    source: str
    post: Post | None
    saved: Saved | None = None
    error: str | None = None
    """Why the post failed in the pipeline (it was rolled back alone; the batch went on)."""
    cursor_only: bool = False
    """An item without a post (new validators, nothing new): only its source state was written."""

    @property
    def failed(self) -> bool:
        return self.error is not None


WAIT_ROUNDS = 10
"""At most this many waits of ``wait_s`` for one batch (50 ms at the default 5 ms)."""


async def next_batch(
    queue: asyncio.Queue[object], size: int, wait_s: float, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> tuple[list[Entry], bool]:
    """The next batch and whether :data:`DONE` was taken (then nothing more will come)."""
    first = await queue.get()
    if first is DONE:
        return [], True
    entries: list[Entry] = [first]  # type: ignore[list-item]
    if _drain(queue, entries, size):
        return entries, True
    for _round in range(WAIT_ROUNDS if wait_s > 0 else 0):
        if len(entries) >= size:
            break
        before = len(entries)
        await sleep(wait_s)
        if _drain(queue, entries, size):
            return entries, True
        if len(entries) == before:  # nothing more came: do not wait for a stream that stopped
            break
    return entries, False


def _drain(queue: asyncio.Queue[object], entries: list[Entry], size: int) -> bool:
    while len(entries) < size:
        try:
            entry = queue.get_nowait()
        except asyncio.QueueEmpty:
            return False
        if entry is DONE:
            return True
        entries.append(entry)  # type: ignore[arg-type]
    return False


def store_batch(store: Store, pipeline: Pipeline, entries: list[Entry]) -> list[Outcome]:
    """Pipeline + store for ``entries`` in one transaction (see the module docstring)."""
    outcomes: list[Outcome] = []
    cursors: dict[str, str] = {}
    with store.write() as db:
        for source, item in entries:
            outcome = _one(store, pipeline, source, item)
            outcomes.append(outcome)
            if outcome.failed:
                continue
            if item.cursor is not None:
                cursors[source] = item.cursor
            if item.seen is not None:
                source_state(db, source, None, item.seen)
        for source, cursor in cursors.items():
            source_state(db, source, cursor, None)
    return outcomes


def _one(store: Store, pipeline: Pipeline, source: str, item: Collected) -> Outcome:
    if item.post is None:
        return Outcome(source, None, cursor_only=True)
    store.db.execute("SAVEPOINT ingest_post")
    try:
        post = pipeline.run(item.post)
        saved = save_in(store, store.db, post, item.alert) if post is not None else None
    except Exception as exc:
        if fault_of(exc) is not None:  # the database's fault, not this post's: the whole batch is
            raise  # rolled back (SQLite may already have done so: no savepoint left) and retried
        store.db.execute("ROLLBACK TO ingest_post")
        store.db.execute("RELEASE ingest_post")
        store.rolled_back()
        log.exception("post not stored", extra={"source": source, "post": item.post.key})
        return Outcome(source, item.post, error=f"{type(exc).__name__}: {exc}"[:300])
    store.db.execute("RELEASE ingest_post")
    return Outcome(source, post, saved)
