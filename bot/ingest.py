"""Micro-batches on the ingest path: up to ``size`` queued items, one write transaction.

:func:`next_batch` takes what is queued (up to ``size``); when that is less, it waits ``wait_s``
(a few milliseconds) for more, again while more keeps coming (at most :data:`WAIT_ROUNDS`
times), so a lone live post is a batch of one after one wait, and a replay, whose source runs
only while the pipeline waits, fills whole batches (larger commits write fewer pages per post:
the tails of the indexes are rewritten once per commit, not per post). :func:`prepare_batch`
runs the store-free stages (:meth:`~bot.pipeline.base.Pipeline.prepare`: normalise, language,
match, enrich) over the whole batch, each stage over every post in turn, before any transaction;
:func:`store_prepared` runs the rest of the pipeline (dedupe, story) and stores each post INSIDE
one ``BEGIN IMMEDIATE`` transaction (so each post's dedupe sees the posts before it in the same
batch, exactly as one transaction per post did), each post under its own SAVEPOINT (a post that
fails in the pipeline is rolled back and counted alone), then writes each source's newest cursor
(and every remembered item id) and commits: posts, matches, dedupe index, outbox rows and
cursors of the batch become durable together or not at all. Nothing is acknowledged (sinks,
counts) before the commit. A database fault raises out of it with everything rolled back; the
caller retries :func:`store_prepared` with the same prepared batch (see :mod:`bot.store.hold`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.models import Post
from bot.pipeline.base import Pipeline, Stage
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


@dataclass(frozen=True)
class Prepared:
    """An item after the store-free stages: ``post`` is ``None`` when a stage dropped it (or the
    item has none); ``error`` says why it failed in them."""

    source: str
    item: Collected
    post: Post | None
    error: str | None = None


def prepare_batch(pipeline: Pipeline, entries: list[Entry]) -> list[Prepared]:
    """The store-free stages over ``entries``, stage by stage (a failing post fails alone)."""
    prepared = [Prepared(source, item, item.post) for source, item in entries]
    for stage in pipeline.store_free_stages:
        prepared = [_through(pipeline, stage, one) for one in prepared]
    return prepared


def _through(pipeline: Pipeline, stage: Stage, one: Prepared) -> Prepared:
    if one.post is None or one.error is not None:
        return one
    try:
        return replace(one, post=pipeline.step(stage, one.post))
    except Exception as exc:
        return replace(one, post=None, error=_failed(one.source, one.item, exc))


def store_batch(store: Store, pipeline: Pipeline, entries: list[Entry]) -> list[Outcome]:
    """Pipeline + store for ``entries`` (see the module docstring)."""
    return store_prepared(store, pipeline, prepare_batch(pipeline, entries))


def store_prepared(store: Store, pipeline: Pipeline, batch: list[Prepared]) -> list[Outcome]:
    """The rest of the pipeline and the store for a prepared batch, in one transaction."""
    outcomes: list[Outcome] = []
    cursors: dict[str, str] = {}
    with store.write() as db:
        for one in batch:
            outcome = _one(store, pipeline, one)
            outcomes.append(outcome)
            if outcome.failed:
                continue
            if one.item.cursor is not None:
                cursors[one.source] = one.item.cursor
            if one.item.seen is not None:
                source_state(db, one.source, None, one.item.seen)
        for source, cursor in cursors.items():
            source_state(db, source, cursor, None)
    return outcomes


def _one(store: Store, pipeline: Pipeline, one: Prepared) -> Outcome:
    source, item = one.source, one.item
    if item.post is None:
        return Outcome(source, None, cursor_only=True)
    if one.error is not None:
        return Outcome(source, item.post, error=one.error)
    if one.post is None:
        return Outcome(source, None)
    store.db.execute("SAVEPOINT ingest_post")
    try:
        post = pipeline.finish(one.post)
        saved = save_in(store, store.db, post, item.alert) if post is not None else None
    except Exception as exc:
        if fault_of(exc) is not None:  # the database's fault, not this post's: the whole batch is
            raise  # rolled back (SQLite may already have done so: no savepoint left) and retried
        store.db.execute("ROLLBACK TO ingest_post")
        store.db.execute("RELEASE ingest_post")
        store.rolled_back()
        return Outcome(source, item.post, error=_failed(source, item, exc))
    store.db.execute("RELEASE ingest_post")
    return Outcome(source, post, saved)


def _failed(source: str, item: Collected, exc: Exception) -> str:
    """Log a post that failed in the pipeline (it is not stored; the batch goes on); the reason."""
    key = item.post.key if item.post is not None else None
    log.error("post not stored", extra={"source": source, "post": key}, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"[:300]
