"""Drive one stream connection from the event loop: events in, stall watch, a classified ending.

The reader thread hands events over with ``call_soon_threadsafe``; this side stamps activity
on the injectable clock and aborts the connection when nothing (not even a keep-alive) has
come for ``stall_seconds``, or at once when ``stop`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.sources.clock import Clock
from bot.sources.x.reader import Event, StreamReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ending:
    """How a connection ended. ``kind``: closed | network | http | rate | no-rules | forbidden |
    unauthorized | stopped. ``activity``: it delivered at least one line or keep-alive."""

    kind: str
    detail: str = ""
    activity: bool = False


def classify(ended: Event | None, stalled: bool, activity: bool) -> Ending:
    if stalled:
        return Ending("network", "stalled: no data or keep-alive", activity)
    if ended is None:
        return Ending("stopped", activity=activity)
    if ended.reason == "closed":
        return Ending("closed" if activity else "network", "closed by X", activity)
    if ended.reason != "http":
        return Ending("network", ended.body or ended.reason, activity)
    special = {429: "rate", 409: "no-rules", 403: "forbidden", 401: "unauthorized"}
    return Ending(special.get(ended.status or 0, "http"), f"HTTP {ended.status}: {ended.body[:300]}", activity)


class Connection:
    def __init__(self, token: str, base_url: str, clock: Clock, stall_seconds: float, check_seconds: float) -> None:
        self.token, self.base_url, self.clock = token, base_url, clock
        self.stall_seconds, self.check_seconds = stall_seconds, check_seconds
        self.reader: StreamReader | None = None

    async def run(
        self,
        params: dict[str, Any],
        stop: asyncio.Event,
        on_connected: Callable[[], None],
        on_line: Callable[[bytes], None],
        on_alive: Callable[[], None],
    ) -> Ending:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[Event] = asyncio.Queue()
        self.reader = reader = StreamReader(
            self.token, self.base_url, lambda e: loop.call_soon_threadsafe(events.put_nowait, e)
        )
        watcher = asyncio.ensure_future(stop.wait())
        watcher.add_done_callback(lambda _: reader.abort())
        try:
            reader.start(params)
            return await self._pump(events, reader, on_connected, on_line, on_alive, stop)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _pump(
        self,
        events: asyncio.Queue[Event],
        reader: StreamReader,
        on_connected: Callable[[], None],
        on_line: Callable[[bytes], None],
        on_alive: Callable[[], None],
        stop: asyncio.Event,
    ) -> Ending:
        last, ended, stalled, activity = self.clock.now(), None, False, False
        while True:
            try:
                event = await asyncio.wait_for(events.get(), self.check_seconds)
            except TimeoutError:
                if not stalled and self.clock.now() - last >= self.stall_seconds:
                    log.warning("x stream stalled; reconnecting", extra={"silent_s": self.clock.now() - last})
                    stalled = True
                    reader.abort()
                continue
            if event.kind == "finished":
                return Ending("stopped") if stop.is_set() else classify(ended, stalled, activity)
            last = self.clock.now()
            if event.kind == "connected":
                on_connected()
            elif event.kind in ("line", "keep-alive"):
                activity = True
                on_alive()
                if event.kind == "line":
                    on_line(event.data)
            elif event.kind == "ended" and ended is None:
                ended = event

    def abort(self) -> None:
        if self.reader is not None:
            self.reader.abort()
