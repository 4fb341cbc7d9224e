"""Helpers for the X collector tests: a hand-moved clock, a watchlist on disk, the real app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.app import App
from bot.config import Settings
from bot.pipeline import build_pipeline
from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.sources.x.rules import Limits
from bot.sources.x.ruleset import XOptions
from bot.store.db import Store
from tests.fakes.x_server import FakeX

WATCHLIST = """\
topics:
  mali_attacks:
    severity: urgent
    terms: [Ménaka, embuscade, "Africa Corps", هجوم]
  niger:
    terms: [Tillabéri]
accounts:
  x: [sahel_news, no_such_account]
"""


class ManualClock:
    """``now()``/``wall()`` move only when the test calls :meth:`advance`; ``sleep`` waits for it."""

    def __init__(self) -> None:
        self.t = 0.0
        self.wall0 = time.time()
        self.sleeps: list[float] = []
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return self.wall0 + self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((self.t + seconds, future))
        try:
            await future
        finally:
            self._waiters = [(d, f) for d, f in self._waiters if f is not future]

    @property
    def waiting(self) -> bool:
        return bool(self._waiters)

    def advance(self, seconds: float) -> None:
        self.t += seconds
        for deadline, future in self._waiters:
            if deadline <= self.t + 1e-9 and not future.done():
                future.set_result(None)

    def advance_to_next(self) -> None:
        self.advance(max(0.0, min(d for d, _ in self._waiters) - self.t))


async def drive(clock: ManualClock, until: Callable[[], bool], timeout: float = 15.0, auto: bool = True) -> None:
    """Let the loop run until ``until()``; with ``auto``, skip every clock sleep at once."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        if auto and clock.waiting:
            clock.advance_to_next()
        await asyncio.sleep(0.005)


def write_watchlist(directory: Path, text: str = WATCHLIST) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "x.yaml").write_text(text, encoding="utf-8")
    return directory


def options(fake: FakeX, **changes: object) -> XOptions:
    base = XOptions(
        token=fake.token,
        base_url=fake.base_url,
        limits=Limits(),
        stall_seconds=90.0,
        check_seconds=0.01,
        poll_seconds=300.0,
        max_pages=5,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class AppRun:
    """The real app (pipeline with the watchlist matcher, store) around one source, in a task."""

    def __init__(self, store: Store, holder: WatchlistHolder, source: object) -> None:
        pipeline = build_pipeline(Settings(db=store.path), store, watchlist=holder)
        self.app = App(store, pipeline, [source])  # type: ignore[list-item]
        self.stop = asyncio.Event()
        self.task: asyncio.Task[object] | None = None

    def start(self) -> AppRun:
        self.task = asyncio.create_task(self.app.run(self.stop))
        return self

    async def finish(self) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, 10)


def stored(store: Store) -> list[dict]:
    return store.query("SELECT platform_id, text, topics, url, repost_of, quote_of, reply_to FROM posts ORDER BY id")
