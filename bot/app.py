"""Wires sources -> pipeline -> store -> sinks as asyncio tasks and shuts them down cleanly.

Each source runs in its own task under the supervisor (:mod:`bot.sources.supervisor`: a
raising source is logged, counted and restarted with back-off) and feeds one bounded queue; a
single ingest task (the only writer of posts) takes micro-batches from it (:mod:`bot.ingest`:
up to ``batch_size`` items, a lone post is a batch of one), runs the pipeline and stores the
batch's posts with their source cursors in one transaction, then hands them to the sinks.
Background tasks (watchlist reload, delivery, heartbeat) get the same ``stop`` event. On stop,
sources stop producing, the ingest task drains what is already queued, and background tasks
finish their in-flight work. While running, :meth:`App.launch` starts one more source and
:meth:`App.retire` stops one (``sources.yaml`` edits, :mod:`bot.sources.reconcile`); each source
has its own stop event, set with the run's. A background task that ends with a
:class:`~bot.errors.SahelWatchError` (the watchdog's ``StalledError``) makes ``run`` raise it
once that clean shutdown is done.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import SahelWatchError
from bot.ingest import DONE, Entry, Outcome, next_batch, prepare_batch, store_batch, store_prepared
from bot.models import Post
from bot.pipeline.base import Pipeline
from bot.sources.base import Collected, Source
from bot.sources.clock import Clock, SystemClock
from bot.sources.supervisor import Supervision, supervise
from bot.store.db import Store
from bot.store.faults import fault_of
from bot.store.hold import FaultHold
from bot.store.posts import Saved
from bot.store.state import get_cursor

log = logging.getLogger(__name__)
Task = Callable[[asyncio.Event], Awaitable[None]]


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
    sources: list[Source]
    """The running sources (the runtime's list: the monitor, watchdog and ``/status`` read it)."""
    sinks: Sequence[Sink] = ()
    tasks: Sequence[Task] = ()
    queue_size: int = 1000
    batch_size: int = 256
    batch_wait_s: float = 0.005
    clock: Clock = field(default_factory=SystemClock)
    supervision: Supervision = field(default_factory=Supervision)
    summary: Summary = field(default_factory=Summary)
    paused: Callable[[str], bool] = field(default=lambda name: False)
    """Sources an admin paused (``/pause``): their items wait, unread, until resumed."""
    queue: asyncio.Queue[object] | None = None  # while running: for queue depth in /status and metrics
    producers: dict[str, tuple[asyncio.Task[None], asyncio.Event]] = field(default_factory=dict)
    """While running: each source's task and its own stop event, by name."""
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _started: list[tuple[asyncio.Task[None], asyncio.Event]] = field(default_factory=list, init=False, repr=False)
    faults: FaultHold = field(default_factory=FaultHold)
    failure: SahelWatchError | None = None
    """A fatal database fault in a batch run: raised by :meth:`run` after the clean shutdown."""

    async def run(self, stop: asyncio.Event, *, until_sources_done: bool = False) -> Summary:
        queue: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        self.queue, self._stop = queue, stop
        producers = [self._start(source) for source in self.sources]
        relay = asyncio.create_task(self._relay(stop), name="stop sources")
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
        await relay
        await asyncio.gather(*(task for task, _ in self._started), return_exceptions=True)
        await queue.put(DONE)
        await ingest
        ended = await asyncio.gather(*background, return_exceptions=True)
        failure = self.failure or next((e for e in ended if isinstance(e, SahelWatchError)), None)
        if failure is not None:  # e.g. the watchdog: raised only after the clean shutdown above
            raise failure
        return self.summary

    def launch(self, source: Source) -> None:
        """Start collecting from ``source`` in a running app (added to :attr:`sources`)."""
        if self.queue is None or self._stop.is_set():
            raise RuntimeError("launch needs a running app")
        if source.name in self.producers:
            raise ValueError(f"source {source.name} is already running")
        self.sources.append(source)
        self._start(source)

    async def retire(self, name: str, grace: float = 10.0) -> Source | None:
        """Stop the source ``name``: its stop event is set, and a source still busy ``grace`` seconds
        later (a hung request) is cancelled. What it queued is still stored; it leaves
        :attr:`sources`, state ``stopped``. ``None`` when no such source runs."""
        found = self.producers.pop(name, None)
        if found is None:
            return None
        task, own_stop = found
        own_stop.set()
        if not (await asyncio.wait({task}, timeout=grace))[0]:
            task.cancel()
            log.warning("source cancelled: it did not stop in time", extra={"source": name, "grace_s": grace})
        await asyncio.gather(task, return_exceptions=True)
        source = next(s for s in self.sources if s.name == name)
        self.sources.remove(source)
        source.health.state = "stopped"
        return source

    def _start(self, source: Source) -> asyncio.Task[None]:
        assert self.queue is not None
        own_stop = asyncio.Event()
        task = asyncio.create_task(self._produce(source, self.queue, own_stop), name=source.name)
        self.producers[source.name] = (task, own_stop)
        self._started.append((task, own_stop))
        return task

    async def _relay(self, stop: asyncio.Event) -> None:
        """The run's stop is every source's stop."""
        await stop.wait()
        for _task, own_stop in self._started:
            own_stop.set()

    async def _produce(self, source: Source, queue: asyncio.Queue[object], stop: asyncio.Event) -> None:
        async def emit(name: str, item: Collected) -> None:
            while self.paused(name) and not stop.is_set():
                source.health.alive()  # paused on purpose (/pause): not a stall for the watchdog
                await asyncio.sleep(0.5)
            await queue.put((name, item))

        await supervise(source, emit, lambda: get_cursor(self.store, source.name), self.clock, stop,
                        self.supervision)

    async def _ingest(self, queue: asyncio.Queue[object], stop: asyncio.Event, batch: bool) -> None:
        done = False
        while not done:
            entries, done = await next_batch(queue, self.batch_size, self.batch_wait_s)
            if entries and self.failure is None:  # after a fatal fault the rest is only drained
                await self._ingest_held(entries, stop, batch)
            await asyncio.sleep(0)

    async def _ingest_held(self, entries: list[Entry], stop: asyncio.Event, batch: bool) -> None:
        """Store a batch; on a database fault hold it (posts and cursors) and retry until it commits
        (busy, or disk full in a running bot) or the run ends. Acknowledged only once committed."""
        outcomes: list[Outcome] = []
        prepared = prepare_batch(self.pipeline, entries)  # once: a retry only writes again

        def write() -> None:
            outcomes[:] = store_prepared(self.store, self.pipeline, prepared)

        try:
            write()
        except Exception as exc:
            if (fault := fault_of(exc)) is None:
                raise
            if not await self.faults.hold(fault, exc, write, stop, batch):
                self.failure = self.faults.failure
                if self.failure is not None:
                    stop.set()
                return
        self._acknowledge(outcomes)

    def ingest_many(self, entries: list[Entry]) -> list[Outcome]:
        """Pipeline and store ``entries`` as one batch, synchronously (``analyze``); faults propagate."""
        outcomes = store_batch(self.store, self.pipeline, entries)
        self._acknowledge(outcomes)
        return outcomes

    def ingest_one(self, source: str, item: Collected) -> Post | None:
        """One item as a batch of one (``None``: dropped, failed in the pipeline, or cursor-only)."""
        return self.ingest_many([(source, item)])[0].post

    def _acknowledge(self, outcomes: list[Outcome]) -> None:
        """After the commit: counts and sinks (delivery wakes up, the console prints)."""
        for outcome in outcomes:
            if outcome.cursor_only:
                continue
            self.summary.read += 1
            if outcome.failed:
                self.summary.errors += 1
            elif outcome.post is None or outcome.saved is None:
                self.summary.dropped += 1
            else:
                self.summary.add(outcome.post, outcome.saved)
                for sink in self.sinks:
                    sink.emit(outcome.post, outcome.saved)


def _report_failure(task: asyncio.Task[None]) -> None:
    """Log a background task the moment it dies (not only at shutdown)."""
    if not task.cancelled() and (exc := task.exception()) and not isinstance(exc, SahelWatchError):
        log.error("background task failed", extra={"task": task.get_name(), "error": repr(exc)}, exc_info=exc)
