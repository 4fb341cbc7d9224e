"""The watchdog: the bot ends itself, with exit code 3, when it is stuck, so that Docker's restart
policy (which ignores "unhealthy") brings it back. It also writes the heartbeat.

Two rules, each with its own limit (0 turns it off):

* **Event loop** (``SAHELWATCH_WATCHDOG_SECONDS``, default 300 s). The watchdog task ticks
  every second or so; a thread (:class:`LoopWatch`) checks the ticks. Pipeline stages, the
  store and the sinks are synchronous, so a stuck stage, a regex gone wild or a database
  call that never returns blocks the whole loop and stops the ticks. The thread then logs
  ``event loop stuck`` with the main thread's stack and calls ``os._exit(3)``: the loop
  cannot shut down cleanly, and anything not committed is read again from the cursors.
  ``faulthandler`` is armed 30 s later as a backstop for a hang that holds the GIL (it
  prints every thread's stack and exits with code 1).
* **Sources** (``SAHELWATCH_WATCHDOG_SOURCE_SECONDS``, default 1800 s). A source is stalled when
  it is not finished and its ``SourceHealth.last_activity_at`` (or ``started_at``) is older
  than the limit. Quiet is normal for low-volume feeds, so activity is not only items:
  sources call ``health.alive()`` on every keep-alive and every poll, even an empty one, and
  ``health.error()`` on every failed attempt. A source must therefore show a sign of life
  at least every ``limit / 2`` seconds while it works: a planned wait longer than that (a
  long back-off, a slow poll interval) calls ``alive()`` as it goes, since the rule is meant
  for hangs (an await that never returns), not for waits the source chose. On a
  stall the watchdog logs ``source stalled`` (with where the source's task is waiting), sets
  ``stop``, cancels the stalled tasks, lets the app drain and store what it already has,
  and raises :class:`~bot.errors.StalledError` (exit code 3). If that shutdown itself hangs,
  the loop thread, no longer fed, ends the process after its own limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot import heartbeat
from bot.errors import StalledError
from bot.models import utcnow
from bot.sources.base import Source
from bot.store.db import Store

if TYPE_CHECKING:
    from bot.registry import Runtime

log = logging.getLogger(__name__)
EXIT_STUCK = 3
BACKSTOP_S = 30.0


class LoopWatch:
    """A daemon thread that ends the process when :meth:`tick` has not been called for ``limit`` s."""

    def __init__(self, limit: float, on_stuck: Callable[[int], object] = os._exit) -> None:
        self.limit = limit
        self._on_stuck = on_stuck
        self._last = self._armed = float("-inf")
        self._done = threading.Event()
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)

    def start(self) -> None:
        self.tick()
        self._thread.start()

    def tick(self) -> None:
        now = time.monotonic()
        if now - self._armed > BACKSTOP_S / 6:  # re-arming starts a thread: not every tick
            faulthandler.dump_traceback_later(self.limit + BACKSTOP_S, exit=True)
            self._armed = now
        self._last = now

    def stop(self) -> None:
        self._done.set()
        faulthandler.cancel_dump_traceback_later()

    def _watch(self) -> None:
        while not self._done.wait(min(1.0, self.limit / 4)):
            idle = time.monotonic() - self._last
            if idle > self.limit:
                log.critical("event loop stuck: exiting", extra={
                    "idle_s": round(idle, 1), "limit_s": self.limit, "exit_code": EXIT_STUCK,
                    "stack": self._main_stack()})
                self._on_stuck(EXIT_STUCK)
                return

    def _main_stack(self) -> str:
        frame = sys._current_frames().get(self._main or 0)
        return "".join(traceback.format_stack(frame)) if frame else ""


def stalled(sources: Sequence[Source], limit: float, now: datetime) -> list[tuple[str, float]]:
    """``(name, quiet seconds)`` of every unfinished source silent for more than ``limit`` s."""
    quiet = [(s.name, heartbeat.quiet_seconds(s.health, now)) for s in sources if not s.health.finished]
    return [(name, q) for name, q in quiet if q > limit]


@dataclass
class Watchdog:
    """The background task: heartbeat, loop ticks and the source rule. ``sources`` is the app's
    live list, read at each tick (the CLI adds replay sources after the components ran)."""

    store: Store
    sources: Sequence[Source]
    heartbeat_s: float
    loop_limit: float
    source_limit: float
    clock: Callable[[], datetime] = utcnow
    started_at: datetime = field(default_factory=utcnow)

    @property
    def interval(self) -> float:
        limits = [x / 4 for x in (self.loop_limit, self.source_limit) if x > 0]
        return min([1.0, self.heartbeat_s, *limits])

    async def run(self, stop: asyncio.Event) -> None:
        watch = LoopWatch(self.loop_limit) if self.loop_limit > 0 else None
        if watch:
            watch.start()
        log.info("watchdog started", extra={"loop_limit_s": self.loop_limit, "source_limit_s": self.source_limit,
                                            "heartbeat_s": self.heartbeat_s})
        tripped = False
        try:
            await self._loop(stop, watch)
        except StalledError:
            tripped = True  # the loop thread stays on: if the shutdown hangs, it ends the process
            raise
        finally:
            self._beat(stopped=True)
            if watch and not tripped:
                watch.stop()

    async def _loop(self, stop: asyncio.Event, watch: LoopWatch | None) -> None:
        next_beat = 0.0
        while not stop.is_set():
            if watch:
                watch.tick()
            if time.monotonic() >= next_beat:
                self._beat()
                next_beat = time.monotonic() + self.heartbeat_s
            if self.source_limit > 0 and (found := stalled(self.sources, self.source_limit, self.clock())):
                self._trip(found, stop)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def _beat(self, stopped: bool = False) -> None:
        try:
            heartbeat.beat(self.store, self.sources, self.started_at, stopped=stopped, now=self.clock())
        except Exception as exc:  # a locked or full database: the heartbeat goes stale, health says so
            log.warning("heartbeat not written", extra={"error": repr(exc)})

    def _trip(self, found: list[tuple[str, float]], stop: asyncio.Event) -> None:
        for name, quiet in found:
            log.error("source stalled: stopping", extra={
                "source": name, "quiet_s": round(quiet, 1), "limit_s": self.source_limit, "exit_code": EXIT_STUCK})
        names = {name for name, _ in found}
        for task in asyncio.all_tasks():
            if task.get_name() in names:  # App names each producer task after its source
                task.cancel()
        stop.set()
        summary = ", ".join(f"{name} silent for {q:.1f} s" for name, q in found)
        raise StalledError(f"watchdog: {summary} (limit {self.source_limit:g} s)")


def register(runtime: Runtime) -> None:
    """Runtime component: one watchdog task for live runs (``sahelwatch run``)."""
    if not runtime.live:
        return
    s = runtime.settings
    dog = Watchdog(runtime.store, runtime.sources, s.heartbeat_seconds, s.watchdog_seconds,
                   s.watchdog_source_seconds)
    runtime.tasks.insert(0, dog.run)  # first: a write stuck at start-up (a locked database) is caught too
