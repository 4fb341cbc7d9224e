"""Wires sources -> pipeline -> store -> sinks as asyncio tasks and shuts them down cleanly.

Each source runs in its own task under the supervisor (:mod:`bot.sources.supervisor`: a
raising source is logged, counted and restarted with back-off) and feeds one bounded queue; a
single ingest task (the only writer of posts) runs the pipeline and stores each post with its
source cursor in one transaction, then hands it to the sinks. Background tasks (watchlist reload, delivery,
heartbeat) get the same ``stop`` event. On stop, sources stop producing, the ingest task
drains what is already queued, and background tasks finish their in-flight work. A background
task that ends with a :class:`~bot.errors.SahelWatchError` (the watchdog's ``StalledError``)
makes ``run`` raise it once that clean shutdown is done.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import SahelWatchError
from bot.models import Post
from bot.pipeline.base import Pipeline
from bot.sources.base import Collected, Source
from bot.sources.clock import Clock, SystemClock
from bot.sources.supervisor import Supervision, supervise
from bot.store.db import Store
from bot.store.faults import fault_of
from bot.store.hold import FaultHold
from bot.store.posts import Saved, save_post, source_state
from bot.store.state import get_cursor

log = logging.getLogger(__name__)
Task = Callable[[asyncio.Event], Awaitable[None]]
_DONE = object()


class Sink(Protocol):
    name: str

    def emit(self, post: Post, saved: Saved) -> None: ...


@dataclass
class Summary:
    """Counts for the demo/replay summary and ``stats``."""

    read: int = 0
    stored: int = 0
    already_stored: int = 0
    duplicates: int = 0
    dropped: int = 0
    errors: int = 0
    skipped: list[str] = field(default_factory=list)
    """``where: why`` of every input item skipped as malformed (e.g. ``in.jsonl:7: not JSON``)."""
    languages: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)

    def add(self, post: Post, saved: Saved) -> None:
        if not saved.new:
            self.already_stored += 1
            return
        self.stored += 1
        self.duplicates += post.duplicate_of is not None
        self.languages[post.lang or "und"] += 1
        self.topics.update(post.topics)


@dataclass
class App:
    store: Store
    pipeline: Pipeline
    sources: Sequence[Source]
    sinks: Sequence[Sink] = ()
    tasks: Sequence[Task] = ()
    queue_size: int = 1000
    clock: Clock = field(default_factory=SystemClock)
    supervision: Supervision = field(default_factory=Supervision)
    summary: Summary = field(default_factory=Summary)
    faults: FaultHold = field(default_factory=FaultHold)
    failure: SahelWatchError | None = None
    """A fatal database fault in a batch run: raised by :meth:`run` after the clean shutdown."""

    async def run(self, stop: asyncio.Event, *, until_sources_done: bool = False) -> Summary:
        queue: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        producers = [asyncio.create_task(self._produce(s, queue, stop), name=s.name) for s in self.sources]
        background = [asyncio.create_task(t(stop), name=getattr(t, "__name__", "task")) for t in self.tasks]
        for task in background:
            task.add_done_callback(_report_failure)
        self.faults.reporters = [r for s in self.sinks if (r := getattr(s, "report", None)) is not None]
        ingest = asyncio.create_task(self._ingest(queue, stop, until_sources_done), name="ingest")
        if until_sources_done:
            await asyncio.gather(*producers)
            stop.set()
        else:
            await stop.wait()
        await asyncio.gather(*producers, return_exceptions=True)
        await queue.put(_DONE)
        await ingest
        ended = await asyncio.gather(*background, return_exceptions=True)
        failure = self.failure or next((e for e in ended if isinstance(e, SahelWatchError)), None)
        if failure is not None:  # e.g. the watchdog: raised only after the clean shutdown above
            raise failure
        return self.summary

    async def _produce(self, source: Source, queue: asyncio.Queue[object], stop: asyncio.Event) -> None:
        async def emit(name: str, item: Collected) -> None:
            await queue.put((name, item))

        await supervise(source, emit, lambda: get_cursor(self.store, source.name), self.clock, stop,
                        self.supervision)

    async def _ingest(self, queue: asyncio.Queue[object], stop: asyncio.Event, batch: bool) -> None:
        while (entry := await queue.get()) is not _DONE:
            name, item = entry  # type: ignore[misc]
            if self.failure is None:  # after a fatal fault the rest is only drained (not acknowledged)
                await self._ingest_held(name, item, stop, batch)
            await asyncio.sleep(0)

    async def _ingest_held(self, source: str, item: Collected, stop: asyncio.Event, batch: bool) -> None:
        """Run the pipeline once, then store with retries: the post and its cursor are held until
        they commit (busy, or disk full in a running bot), or the run ends."""
        try:
            post = self._pipeline(item)
            self._store(source, item, post)
        except Exception as exc:
            if (fault := fault_of(exc)) is None:  # not the database's fault: this post only
                self.summary.errors += 1
                key = item.post.key if item.post is not None else None
                log.exception("post not stored", extra={"source": source, "post": key})
                return
            await self.faults.hold(fault, exc, lambda: self._store(source, item, post), stop, batch)
            if self.faults.failure is not None:
                self.failure = self.faults.failure
                stop.set()

    def ingest_one(self, source: str, item: Collected) -> Post | None:
        """Pipeline and store for one item, synchronously (``analyze``); errors propagate."""
        post = self._pipeline(item)
        self._store(source, item, post)
        return post

    def _pipeline(self, item: Collected) -> Post | None:
        if item.post is None:  # a cursor-only item
            return None
        self.summary.read += 1
        post = self.pipeline.run(item.post)
        self.summary.dropped += post is None
        return post

    def _store(self, source: str, item: Collected, post: Post | None) -> None:
        if post is None:  # dropped, or a cursor-only item: the cursor still moves
            if item.cursor is not None or item.seen is not None:
                with self.store.write() as db:
                    source_state(db, source, item.cursor, item.seen)
            return
        saved = save_post(self.store, post, source=source, cursor=item.cursor, alert=item.alert, seen=item.seen)
        self.summary.add(post, saved)
        for sink in self.sinks:
            sink.emit(post, saved)


def _report_failure(task: asyncio.Task[None]) -> None:
    """Log a background task the moment it dies (not only at shutdown)."""
    if not task.cancelled() and (exc := task.exception()) and not isinstance(exc, SahelWatchError):
        log.error("background task failed", extra={"task": task.get_name(), "error": repr(exc)}, exc_info=exc)
