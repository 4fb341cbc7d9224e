"""A fake web server for feeds on 127.0.0.1 (port 0), in a thread, speaking real HTTP/1.1.

    with FakeFeeds() as web:
        web.serve("/rss", rss_bytes)                    # ETag + Last-Modified; 304 on a match
        web.fail("/broken", 500)                        # or 404, 429 with Retry-After ...
        url = web.url("/rss")
        ...
        assert web.requests("/rss")[-1]["If-None-Match"] == '"…"'

Conditional GET follows RFC 9110 §13: ``If-None-Match`` is compared with the ETag and, when
present, ``If-Modified-Since`` is ignored; otherwise ``If-Modified-Since`` equal to or later
than Last-Modified gives 304. ``gzip=True`` compresses the body (``Content-Encoding: gzip``)
when the client accepts it. ``delay`` holds the answer (timeouts). ``redirect`` answers 302.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    validators: bool = True
    gzip: bool = False
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.modified, usegmt=True)


class FakeFeeds:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-feeds", daemon=True)

    def start(self) -> FakeFeeds:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeFeeds:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, body: bytes | str, **options: object) -> Route:
        """Serve ``body`` at ``path``; a changed body gets a new ETag and Last-Modified."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            old = self.routes.get(path)
            route = Route(body=data, **options)  # type: ignore[arg-type]
            if old is not None and old.body == data:
                route.modified = old.modified
            elif old is not None:
                route.modified = max(time.time(), old.modified + 1)
            self.routes[path] = route
        return route

    def fail(self, path: str, status: int, body: bytes | str = b"", **options: object) -> Route:
        return self.serve(path, body, status=status, validators=False, **options)

    def requests(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for p, headers in self.log if p == path]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a timeout test) is not the server's error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        fake: FakeFeeds = self.server.fake  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        with fake.lock:
            fake.log.append((path, {k: v for k, v in self.headers.items()}))
            route = fake.routes.get(path)
        if route is None:
            return self._send(404, b"not found", "text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.status == 200 and route.validators and self._not_modified(route):
            return self._send(304, b"", None, self._validators(route))
        headers = {**(self._validators(route) if route.validators else {}), **route.headers}
        body = route.body
        if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = gzip_module.compress(body), "gzip"
        self._send(route.status, body, route.content_type, headers)

    def _not_modified(self, route: Route) -> bool:
        if "If-None-Match" in self.headers:
            return route.etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return parsedate_to_datetime(since).timestamp() >= int(route.modified)
        except (TypeError, ValueError):
            return False

    @staticmethod
    def _validators(route: Route) -> dict[str, str]:
        return {"ETag": route.etag, "Last-Modified": route.last_modified}

    def _send(self, status: int, body: bytes, content_type: str | None,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type and status != 304:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
