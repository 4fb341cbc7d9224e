"""A faithful fake of the X API v2 on 127.0.0.1: a real HTTP/1.1 server for real tweepy clients.

    with FakeX() as x:                      # or the ``fake_x`` fixture from :func:`fake_x_fixture`
        x.store.add_user(user("42", "sahel_watch")); x.store.add_tweet(tweet("Attaque à Ménaka", "42"))
        x.stream.script([Post(tid), KeepAlive(), Drop()], [Post(tid2)])
        client = tweepy.Client(x.token); route_session(client.session, x.base_url)

Bearer auth, ``x-rate-limit-*`` headers on every response, scripted failures
(``x.limits.fail_next("stream", service_unavailable())``), rules, the chunked stream, recent
search, timelines and user lookup. ``x.requests`` logs what clients sent (without the token).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

from tests.fakes.x_handler import Handler, shutdown_socket
from tests.fakes.x_limits import RateLimits
from tests.fakes.x_rules import RuleBook
from tests.fakes.x_store import XStore
from tests.fakes.x_stream import StreamControl
from tests.fakes.x_wire import LoggedRequest, Req

JSON = dict[str, Any]


@dataclass
class XConfig:
    """The tier's limits; defaults are pay-per-use (https://docs.x.com/x-api/posts/filtered-stream/introduction)."""

    max_rules: int = 1000
    max_rule_length: int = 1024
    max_query_length: int = 512
    max_stream_connections: int = 1
    keepalive_seconds: float = 20.0
    rate_limits: dict[str, int] = field(default_factory=dict)


class FakeX:
    """Start with ``with FakeX() as x`` (binds 127.0.0.1:0); see the module docstring."""

    def __init__(
        self,
        config: XConfig | None = None,
        token: str = "fake-bearer-token",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or XConfig()
        self.token, self.clock = token, clock
        self.store = XStore()
        self.rules = RuleBook(self.config.max_rules, self.config.max_rule_length)
        self.stream = StreamControl(self.store, self.rules, self.config.keepalive_seconds)
        self.limits = RateLimits(clock, self.config.rate_limits)
        self.stream_enrolled = True
        self.requests: list[LoggedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeX is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path and method in (None, r.method)]

    def start(self) -> FakeX:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fake-x", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stream.stopping.set()
        if self._server is None:
            return
        self._server.shutdown()
        with self._lock:
            for sock in list(self._sockets):
                shutdown_socket(sock)
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeX:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- called by the handler ---------------------------------------------------------------
    def track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            (self._sockets.add if add else self._sockets.discard)(sock)

    def log(self, req: Req, status: int) -> None:
        with self._lock:
            self.requests.append(
                LoggedRequest(req.method, req.path, req.params, req.body, status, self.clock())
            )


def fake_x_fixture(name: str = "fake_x", **config: Any) -> Callable[[], Iterator[FakeX]]:
    """A pytest fixture running one FakeX per test: ``fake_x = fake_x_fixture()`` in a test module."""

    @pytest.fixture(name=name)
    def _fixture() -> Iterator[FakeX]:
        with FakeX(XConfig(**config)) as server:
            yield server

    return _fixture
