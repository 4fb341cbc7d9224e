"""Real tweepy clients wired to a FakeX, and a stream client that records what it saw."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import tweepy

from bot.sources.x.clients import route_session
from tests.conftest import wait_for
from tests.fakes.x_server import FakeX


def client_for(fake: FakeX, **kwargs: Any) -> tweepy.Client:
    client = tweepy.Client(fake.token, **kwargs)
    route_session(client.session, fake.base_url, refuse_others=True)
    return client


def stream_for(fake: FakeX, cls: type[tweepy.StreamingClient] | None = None, **kwargs: Any) -> Any:
    stream = (cls or RecordingStream)(fake.token, **kwargs)
    route_session(stream.session, fake.base_url, refuse_others=True)
    return stream


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``condition`` (a hang guard; never used to assert durations)."""
    return wait_for(condition, timeout)


class RecordingStream(tweepy.StreamingClient):
    """Keeps every raw line, parsed response, keep-alive and error; stops at the first close/error.

    Stopping inside tweepy's hooks (``disconnect()`` in ``on_closed``/``on_request_error``/
    ``on_connection_error``) ends ``filter()`` before tweepy's own back-off sleep, so the caller
    owns reconnects. ``reconnects`` > 0 lets that many closes reconnect at once (tweepy's policy).
    """

    def __init__(self, *args: Any, reconnects: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reconnects = reconnects
        self.raw: list[bytes] = []
        self.responses: list[tweepy.StreamResponse] = []
        self.parse_errors: list[str] = []
        self.keep_alives = 0
        self.events: list[str] = []
        self.connected = threading.Event()

    def on_connect(self) -> None:
        self.events.append("connect")
        self.connected.set()

    def on_data(self, raw_data: bytes) -> None:
        self.raw.append(raw_data)
        try:
            super().on_data(raw_data)
        except (ValueError, KeyError, TypeError) as exc:
            self.parse_errors.append(f"{type(exc).__name__}: {exc}")

    def on_response(self, response: tweepy.StreamResponse) -> None:
        self.responses.append(response)

    def on_keep_alive(self) -> None:
        self.keep_alives += 1

    def on_errors(self, errors: list[dict[str, Any]]) -> None:
        self.events.append("errors:" + ",".join(str(e.get("title")) for e in errors))

    def on_closed(self, response: Any) -> None:
        self.events.append("closed")
        if self.reconnects > 0:
            self.reconnects -= 1
            return
        self.disconnect()

    def on_request_error(self, status_code: int) -> None:
        self.events.append(f"http {status_code}")
        self.disconnect()

    def on_connection_error(self) -> None:
        self.events.append("connection error")
        self.disconnect()

    def on_disconnect(self) -> None:
        self.events.append("disconnect")
