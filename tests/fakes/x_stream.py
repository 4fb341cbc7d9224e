"""The filtered stream: scripted events, what each connection sends, and connection counters.

A test scripts one list of events per future connection (``stream.script([...], [...])``) and
may ``push`` events to the live connection. When a connection's script ends without a close,
it idles: pushed events are sent, and a keep-alive ``\\r\\n`` every ``keepalive_seconds``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.fakes.x_problems import operational_disconnect
from tests.fakes.x_query import matches
from tests.fakes.x_render import FieldSpec, render_tweets
from tests.fakes.x_rules import RuleBook
from tests.fakes.x_store import XStore

JSON = dict[str, Any]


@dataclass(frozen=True)
class Post:
    """Send a stored Post; ``matching_rules=None`` lets the fake's rules decide (no match: not sent)."""

    tweet_id: str
    matching_rules: list[JSON] | None = None


@dataclass(frozen=True)
class Line:
    """Send any JSON object as one line (crafted payloads, unknown message types)."""

    obj: JSON


@dataclass(frozen=True)
class Raw:
    """Send these exact bytes (e.g. a malformed line ``b'{"data": \\r\\n'``)."""

    data: bytes


@dataclass(frozen=True)
class KeepAlive:
    pass


@dataclass(frozen=True)
class OperationalDisconnect:
    """The error-only line X sends before closing a stream for operational reasons, then a clean close."""

    detail: str = "This stream has been disconnected for operational reasons."


@dataclass(frozen=True)
class Close:
    """End the chunked body cleanly (terminating chunk), then close the connection."""


@dataclass(frozen=True)
class Drop:
    """Cut the connection in the middle of a chunk (an abrupt network drop)."""


@dataclass(frozen=True)
class Stall:
    """Send nothing for ``seconds``; ``None``: until ``stream.release()``, the client leaves, or the stop."""

    seconds: float | None = None


Event = Post | Line | Raw | KeepAlive | OperationalDisconnect | Close | Drop | Stall


class Wire(Protocol):
    def chunk(self, data: bytes) -> None: ...
    def end(self) -> None: ...
    def drop(self) -> None: ...
    def gone(self) -> bool: ...


@dataclass
class Connection:
    """One accepted stream connection, as recorded for tests."""

    params: dict[str, str]
    opened_at: float
    sent: list[bytes] = field(default_factory=list)
    outcome: str = "open"
    last_write: float = field(default_factory=time.monotonic)


class StreamControl:
    """The test's handle on the stream endpoint."""

    def __init__(self, store: XStore, rules: RuleBook, keepalive_seconds: float = 20.0) -> None:
        self.store, self.rules, self.keepalive_seconds = store, rules, keepalive_seconds
        self.lock = threading.Lock()
        self.scripts: deque[list[Event]] = deque()
        self.live: queue.Queue[Event] = queue.Queue()
        self.stopping = threading.Event()
        self.released = threading.Event()
        self.attempts = 0
        self.max_active = 0
        self.active: list[tuple[Connection, Wire]] = []
        self.connections: list[Connection] = []
        self.undelivered: list[str] = []

    def script(self, *connections: Sequence[Event]) -> None:
        with self.lock:
            self.scripts.extend(list(events) for events in connections)

    def push(self, *events: Event) -> None:
        for event in events:
            self.live.put(event)

    def release(self) -> None:
        """End every open ``Stall(None)``."""
        self.released.set()

    @property
    def connects(self) -> int:
        return len(self.connections)

    @property
    def open_count(self) -> int:
        with self.lock:
            return len(self.active)

    def has_room(self, limit: int) -> bool:
        """Drop connections whose client already left, then say whether one more fits."""
        with self.lock:
            self.active = [(conn, wire) for conn, wire in self.active if not wire.gone()]
            return len(self.active) < limit

    def serve(self, params: dict[str, str], wire: Wire, now: float) -> None:
        conn = Connection(params, now)
        with self.lock:
            self.connections.append(conn)
            self.active.append((conn, wire))
            self.max_active = max(self.max_active, len(self.active))
            script = self.scripts.popleft() if self.scripts else []
        try:
            outcome = self._run(conn, wire, FieldSpec.from_params(params), script)
        except OSError:
            outcome = "client gone"
        finally:
            with self.lock:  # free the slot before the client can see the end and reconnect
                self.active = [(c, w) for c, w in self.active if c is not conn]
        conn.outcome = outcome
        with contextlib.suppress(OSError):
            if outcome in ("closed", "operational disconnect", "server stopped"):
                wire.end()
            elif outcome == "dropped":
                wire.drop()

    def _run(self, conn: Connection, wire: Wire, spec: FieldSpec, script: Iterable[Event]) -> str:
        for event in script:
            if (outcome := self._play(event, conn, wire, spec)) is not None:
                return outcome
        while not self.stopping.is_set():
            try:
                event: Event = self.live.get(timeout=0.02)
            except queue.Empty:
                if wire.gone():
                    return "client gone"
                if time.monotonic() - conn.last_write >= self.keepalive_seconds:
                    self._send(conn, wire, b"\r\n")
                continue
            if (outcome := self._play(event, conn, wire, spec)) is not None:
                return outcome
        return "server stopped"

    def _send(self, conn: Connection, wire: Wire, data: bytes) -> None:
        wire.chunk(data)
        conn.sent.append(data)
        conn.last_write = time.monotonic()

    def _play(self, event: Event, conn: Connection, wire: Wire, spec: FieldSpec) -> str | None:
        if isinstance(event, Post):
            line = self._post_line(event, spec)
            if line is not None:
                self._send(conn, wire, line)
        elif isinstance(event, Line | OperationalDisconnect):
            obj = event.obj if isinstance(event, Line) else operational_disconnect(event.detail)
            self._send(conn, wire, json.dumps(obj, ensure_ascii=False).encode() + b"\r\n")
            if isinstance(event, OperationalDisconnect):
                return "operational disconnect"
        elif isinstance(event, Raw | KeepAlive):
            self._send(conn, wire, event.data if isinstance(event, Raw) else b"\r\n")
        elif isinstance(event, Close | Drop):
            return "closed" if isinstance(event, Close) else "dropped"
        else:
            return self._stall(event, wire)
        return None

    def _stall(self, event: Stall, wire: Wire) -> str | None:
        deadline = None if event.seconds is None else time.monotonic() + event.seconds
        while not (self.stopping.is_set() or (deadline is None and self.released.is_set())):
            if deadline is not None and time.monotonic() >= deadline:
                return None
            if wire.gone():
                return "client gone"
            time.sleep(0.01)
        if self.stopping.is_set():
            return "server stopped"
        self.released.clear()  # one release ends the stalls open now, not future ones
        return None

    def _post_line(self, event: Post, spec: FieldSpec) -> bytes | None:
        with self.store.lock:
            item = self.store.tweets[event.tweet_id]
            rules = event.matching_rules
            if rules is None:
                doc = self.store.doc(item, with_quoted=True)
                rules = [r.as_json() for r in self.rules.all() if matches(r.node, doc, accents=True)]
                rules = [{k: v for k, v in r.items() if k != "value"} for r in rules]
            if not rules:
                self.undelivered.append(event.tweet_id)
                return None
            body = render_tweets([item], self.store, spec)
        obj = {"data": body["data"][0], **{k: body[k] for k in ("includes", "errors") if k in body}}
        obj["matching_rules"] = rules
        return json.dumps(obj, ensure_ascii=False).encode() + b"\r\n"
