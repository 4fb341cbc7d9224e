"""One filtered-stream connection: tweepy's StreamingClient read loop in a daemon thread.

tweepy's loop ends silently when a handler raises and sleeps up to 320 s between its own
retries, which ``disconnect()`` cannot interrupt (reference §9). So this reader only pumps:
every line, keep-alive and ending is handed to ``emit`` (never raising), and it calls
``disconnect()`` inside tweepy's error hooks, which stops tweepy before its sleep: the
supervisor owns every reconnect. ``abort()`` shuts the socket down from another thread, so a
stalled read or a shutdown does not wait for tweepy's 21 s read timeout.
"""

from __future__ import annotations

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

from bot.sources.x.transport import quiet_tweepy_logging, route_session

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
