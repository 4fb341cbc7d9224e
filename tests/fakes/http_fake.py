"""A tiny threaded HTTP/1.1 server on 127.0.0.1:0 for the web fakes (Telegram preview, Mastodon,
webhook receivers).

A fake subclasses :class:`HttpFake` and implements :meth:`HttpFake.respond`; the server calls it
for every request (GET, or POST with its ``body``; a POST body over ``max_body`` bytes is refused with
413 unread) and logs each one in :attr:`HttpFake.requests`. ``down = True`` makes every
request fail with 503 (a server that is down); :meth:`HttpFake.close_port` makes it unreachable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


class HttpFake:
    """Start with ``with Subclass() as fake``; ``fake.url`` is its base URL."""

    name = "http-fake"
    max_body = 1 << 20

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.down = False
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=self.name, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def respond(self, request: Request) -> Reply:
        raise NotImplementedError

    def requests_to(self, prefix: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def __enter__(self) -> HttpFake:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        fake: HttpFake = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length > fake.max_body:
            self.close_connection = True
            self._send(Reply(413, '{"error": "body too large"}'))
            return
        self._handle("POST", self.rfile.read(length))

    def _handle(self, method: str, body: bytes = b"") -> None:
        fake: HttpFake = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        request = Request(method, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        with fake.lock:
            fake.requests.append(request)
        reply = Reply(503, "down") if fake.down else fake.respond(request)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        self.send_response(reply.status)
        headers = {"Content-Type": reply.content_type, **reply.headers, "Content-Length": str(len(body))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return
