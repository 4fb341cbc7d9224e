"""Wires sources -> pipeline -> store -> sinks as asyncio tasks and shuts them down cleanly.

Each source runs in its own task and feeds one bounded queue; a single ingest task (the only
writer of posts) runs the pipeline and stores each post with its source cursor in one
transaction, then hands it to the sinks. Background tasks (watchlist reload, delivery,
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
from bot.store.db import Store
from bot.store.posts import Saved, save_post
from bot.store.state import get_cursor, put_cursor

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
    summary: Summary = field(default_factory=Summary)
    paused: Callable[[str], bool] = field(default=lambda name: False)
    """Sources an admin paused (``/pause``): their items wait, unread, until resumed."""
    queue: asyncio.Queue[object] | None = None  # while running: for queue depth in /status and metrics

    async def run(self, stop: asyncio.Event, *, until_sources_done: bool = False) -> Summary:
        queue: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        self.queue = queue
        producers = [asyncio.create_task(self._produce(s, queue, stop), name=s.name) for s in self.sources]
        background = [asyncio.create_task(t(stop), name=getattr(t, "__name__", "task")) for t in self.tasks]
        for task in background:
            task.add_done_callback(_report_failure)
        ingest = asyncio.create_task(self._ingest(queue), name="ingest")
        if until_sources_done:
            await asyncio.gather(*producers)
            stop.set()
        else:
            await stop.wait()
        await asyncio.gather(*producers, return_exceptions=True)
        await queue.put(_DONE)
        await ingest
        ended = await asyncio.gather(*background, return_exceptions=True)
        failure = next((e for e in ended if isinstance(e, SahelWatchError)), None)
        if failure is not None:  # e.g. the watchdog: raised only after the clean shutdown above
            raise failure
        return self.summary

    async def _produce(self, source: Source, queue: asyncio.Queue[object], stop: asyncio.Event) -> None:
        try:
            async for item in source.collect(get_cursor(self.store, source.name), stop):
                while self.paused(source.name) and not stop.is_set():
                    source.health.alive()  # paused on purpose: not a stall for the watchdog
                    await asyncio.sleep(0.5)
                await queue.put((source.name, item))
                if stop.is_set():
                    break
        except Exception as exc:  # a broken source must not take the others down
            log.exception("source failed", extra={"source": source.name})
            source.health.error(repr(exc))

    async def _ingest(self, queue: asyncio.Queue[object]) -> None:
        while (entry := await queue.get()) is not _DONE:
            name, item = entry  # type: ignore[misc]
            try:
                self.ingest_one(name, item)
            except Exception:  # logged with the post key; the stream goes on
                self.summary.errors += 1
                log.exception("post not stored", extra={"source": name, "post": item.post.key})
            await asyncio.sleep(0)

    def ingest_one(self, source: str, item: Collected) -> Post | None:
        self.summary.read += 1
        post = self.pipeline.run(item.post)
        if post is None:
            self.summary.dropped += 1
            if item.cursor is not None:
                with self.store.write() as db:
                    put_cursor(db, source, item.cursor)
            return None
        saved = save_post(self.store, post, source=source, cursor=item.cursor)
        self.summary.add(post, saved)
        for sink in self.sinks:
            sink.emit(post, saved)
        return post


def _report_failure(task: asyncio.Task[None]) -> None:
    """Log a background task the moment it dies (not only at shutdown)."""
    if not task.cancelled() and (exc := task.exception()) and not isinstance(exc, SahelWatchError):
        log.error("background task failed", extra={"task": task.get_name(), "error": repr(exc)}, exc_info=exc)
