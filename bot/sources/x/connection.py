"""Drive one stream connection from the event loop: events in, stall watch, a classified ending.

The reader thread hands events over with ``call_soon_threadsafe``; this side stamps activity
on the injectable clock and aborts the connection when nothing (not even a keep-alive) has
come for ``stall_seconds``, or at once when ``stop`` is set.

``reader``: One filtered-stream connection: tweepy's StreamingClient read loop in a daemon thread.

tweepy's loop ends silently when a handler raises and sleeps up to 320 s between its own
retries, which ``disconnect()`` cannot interrupt (tweepy's ``BaseStream._connect`` in
https://github.com/tweepy/tweepy/blob/master/tweepy/streaming.py). So this reader only pumps:
every line, keep-alive and ending is handed to ``emit`` (never raising), and it calls
``disconnect()`` inside tweepy's error hooks, which stops tweepy before its sleep: the
supervisor owns every reconnect. ``abort()`` shuts the socket down from another thread, so a
stalled read or a shutdown does not wait for tweepy's 21 s read timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import tweepy

from bot.sources.clock import Clock
from bot.sources.x.clients import quiet_tweepy_logging, route_session

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


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    kind: str  # "connected" | "line" | "keep-alive" | "ended" | "finished"
    data: bytes = b""
    reason: str = ""  # for "ended": "closed" | "network" | "http" | "exception"
    status: int | None = None
    body: str = ""


Emit = Callable[[Event], None]


class StreamReader(tweepy.StreamingClient):
    def __init__(self, token: str, base_url: str, emit: Emit) -> None:
        quiet_tweepy_logging()
        super().__init__(token)
        route_session(self.session, base_url)
        self.session.hooks["response"].append(self._remember)
        self._emit = emit
        self._response: requests.Response | None = None
        self.aborted = False

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._response = response

    def _send(self, event: Event) -> None:
        try:
            self._emit(event)
        except Exception:  # the loop is gone (shutdown): stop reading, never raise into tweepy
            log.debug("x stream event dropped", exc_info=True)
            self.disconnect()

    def on_connect(self) -> None:
        self._send(Event("connected"))

    def on_data(self, raw_data: bytes) -> None:
        self._send(Event("line", raw_data))

    def on_keep_alive(self) -> None:
        self._send(Event("keep-alive"))

    def on_closed(self, response: requests.Response) -> None:
        self._end(Event("ended", reason="closed"))

    def on_connection_error(self) -> None:
        self._end(Event("ended", reason="network"))

    def on_request_error(self, status_code: int) -> None:
        body = self._response.text[:2000] if self._response is not None else ""
        self._end(Event("ended", reason="http", status=status_code, body=body))

    def on_exception(self, exception: Exception) -> None:
        self._end(Event("ended", reason="exception", body=repr(exception)))

    def _end(self, event: Event) -> None:
        self.disconnect()
        self._send(event)

    def start(self, params: dict[str, Any]) -> threading.Thread:
        """Connect in a daemon thread; a final ``finished`` event follows the ending."""

        def run() -> None:
            try:
                self.filter(**params)
            finally:
                self._send(Event("finished"))

        thread = threading.Thread(target=run, name="x-stream", daemon=True)
        thread.start()
        return thread

    def abort(self) -> None:
        """End the connection now, from any thread (stall, shutdown)."""
        self.aborted = True
        self.disconnect()
        raw = getattr(self._response, "raw", None)
        # shutdown() on a duplicate of the socket's descriptor wakes the blocked read in the
        # reader thread (close() would not); the duplicate is closed right after.
        with (
            contextlib.suppress(OSError, ValueError, AttributeError),
            socket.socket(fileno=os.dup(raw.fileno())) as duplicate,
        ):
            duplicate.shutdown(socket.SHUT_RDWR)
