"""Micro-batches on the ingest path: up to ``size`` queued items, one write transaction.

:func:`next_batch` takes what is queued (up to ``size``); when that is less, it waits
``wait_s`` once (a few milliseconds) for more, so a lone live post is a batch of one with a
bounded delay, and a replay fills whole batches. :func:`store_batch` runs every item through
the pipeline and stores it INSIDE one ``BEGIN IMMEDIATE`` transaction (so each post's dedupe
sees the posts before it in the same batch, exactly as one transaction per post did), each
post under its own SAVEPOINT (a post that fails in the pipeline is rolled back and counted
alone), then writes each source's newest cursor (and every remembered item id) and commits:
posts, matches, dedupe index, outbox rows and cursors of the batch become durable together or
not at all. Nothing is
acknowledged (sinks, counts) before the commit. A database fault raises out of it with
everything rolled back; the caller retries the whole batch (see :mod:`bot.store.hold`).
"""

from __future__ import annotations

import asyncio
import logging
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


async def next_batch(queue: asyncio.Queue[object], size: int, wait_s: float) -> tuple[list[Entry], bool]:
    """The next batch and whether :data:`DONE` was taken (then nothing more will come)."""
    first = await queue.get()
    if first is DONE:
        return [], True
    entries: list[Entry] = [first]  # type: ignore[list-item]
    if _drain(queue, entries, size):
        return entries, True
    if len(entries) < size and wait_s > 0:
        await asyncio.sleep(wait_s)
        return entries, _drain(queue, entries, size)
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
