"""HTTP plumbing of the fake X server: routing, auth, rate-limit headers, JSON replies, chunked stream."""

from __future__ import annotations

import contextlib
import json
import re
import select
import socket
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakes import x_problems as problems
from tests.fakes import x_rest as rest
from tests.fakes.x_problems import InvalidRequest
from tests.fakes.x_render import FieldSpec
from tests.fakes.x_rules import get_rules, post_rules
from tests.fakes.x_wire import Reply, Req

if TYPE_CHECKING:
    from tests.fakes.x_server import FakeX

RULES = "/2/tweets/search/stream/rules"


def shutdown_socket(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"/2/tweets/search/stream"), "stream"),
    ("GET", re.compile(r"/2/tweets/search/stream/rules"), "rules_get"),
    ("POST", re.compile(r"/2/tweets/search/stream/rules"), "rules_post"),
    ("GET", re.compile(r"/2/tweets/search/recent"), "search"),
    ("GET", re.compile(r"/2/users/by"), "users"),
    ("GET", re.compile(r"/2/users/by/username/([^/]+)"), "users"),
    ("GET", re.compile(r"/2/users"), "users"),
    ("GET", re.compile(r"/2/users/([^/]+)/tweets"), "timeline"),
    ("GET", re.compile(r"/2/users/([^/]+)"), "users"),
]


def _endpoint(fake: FakeX, req: Req, path_args: tuple[str, ...]) -> Reply:
    store, path = fake.store, req.path
    if path == RULES:
        return (get_rules if req.method == "GET" else post_rules)(fake.rules, req)
    if path == "/2/tweets/search/recent":
        return rest.search_recent(store, req, fake.config.max_query_length, fake.clock)
    if path.endswith("/tweets"):
        return rest.user_tweets(store, req, path_args[0])
    if path == "/2/users/by":
        return rest.users_by_usernames(store, req)
    if path.startswith("/2/users/by/username/"):
        return rest.user_by_username(store, req, path_args[0])
    if path == "/2/users":
        return rest.users_by_ids(store, req)
    return rest.user_by_id(store, req, path_args[0])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-x/1.0"

    @property
    def fake(self) -> FakeX:
        return self.server.fake  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers+body: no Nagle delay
        self.fake.track(self.connection, add=True)

    def finish(self) -> None:
        self.fake.track(self.connection, add=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _request(self) -> Req:
        parts = urlsplit(self.path)
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else b""
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        return Req(
            self.command, unquote(parts.path), params, body, {k.lower(): v for k, v in self.headers.items()}
        )

    def _dispatch(self) -> None:
        req = self._request()
        route = next(
            (
                (family, m.groups())
                for method, pattern, family in ROUTES
                if method == req.method and (m := pattern.fullmatch(req.path))
            ),
            None,
        )
        if route is None:
            return self._reply(
                req,
                Reply(
                    404,
                    {
                        "title": "Not Found",
                        "type": "about:blank",
                        "status": 404,
                        "detail": f"No route for {req.method} {req.path}",
                    },
                ),
                {},
            )
        family, args = route
        if req.headers.get("authorization") != f"Bearer {self.fake.token}":
            return self._reply(req, Reply(401, problems.unauthorized()), self.fake.limits.headers(family))
        failure, headers = self.fake.limits.take(family)
        if failure is not None:
            return self._reply(req, Reply(failure.status, failure.body), headers)
        if family in ("stream", "rules_get", "rules_post") and not self.fake.stream_enrolled:
            return self._reply(req, Reply(403, problems.not_enrolled()), headers)
        if family == "stream":
            return self._stream(req, headers)
        try:
            reply = _endpoint(self.fake, req, args)
        except InvalidRequest as exc:
            reply = Reply(400, exc.body())
        self._reply(req, reply, headers)

    def _reply(self, req: Req, reply: Reply, headers: dict[str, str]) -> None:
        data = json.dumps(reply.body, ensure_ascii=False).encode()
        self.fake.log(req, reply.status)
        self.send_response(reply.status)
        for name, value in {**headers, "content-type": "application/json; charset=utf-8"}.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, req: Req, headers: dict[str, str]) -> None:
        fake = self.fake
        fake.stream.attempts += 1
        if not fake.rules.all():
            return self._reply(req, Reply(409, problems.no_rules()), headers)
        if not fake.stream.has_room(fake.config.max_stream_connections):
            return self._reply(req, Reply(429, problems.too_many_connections()), headers)
        try:
            FieldSpec.from_params(req.params)
        except InvalidRequest as exc:
            return self._reply(req, Reply(400, exc.body()), headers)
        fake.log(req, 200)
        self.send_response(200)
        for name, value in {
            **headers,
            "content-type": "application/json; charset=utf-8",
            "transfer-encoding": "chunked",
            "connection": "close",
        }.items():
            self.send_header(name, value)
        self.end_headers()
        fake.stream.serve(req.params, _SocketWire(self), fake.clock())
        self.close_connection = True


class _SocketWire:
    """Chunked transfer encoding over the handler's socket."""

    def __init__(self, handler: Handler) -> None:
        self.handler, self.sock = handler, handler.connection

    def chunk(self, data: bytes) -> None:
        self.handler.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))

    def end(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")

    def drop(self) -> None:
        self.handler.wfile.write(b'400\r\n{"data":{"id":"19')
        shutdown_socket(self.sock)

    def gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
            return bool(readable) and self.sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
