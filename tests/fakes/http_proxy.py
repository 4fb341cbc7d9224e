"""A forwarding HTTP proxy on 127.0.0.1 for tests of deployments behind one (``HTTP_PROXY``).

It speaks the two forms a proxy is asked in (RFC 9110 §9.3.6, RFC 9112 §3.2.2): ``CONNECT
host:port`` opens a tunnel (websockets and https use it), and an absolute-form request
(``GET http://host/path HTTP/1.1``) is sent on in origin form. Hosts are looked up in ``routes``
(a name such as ``bsky-api.invalid`` -> the ``(host, port)`` of a local fake), so a test can give
the bot addresses only the proxy can reach; an unknown host answers ``502``. ``seen`` lists each
request line it was asked.

    with FakeProxy({"api.invalid": ("127.0.0.1", api_port)}) as proxy:
        env["HTTP_PROXY"] = proxy.url
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from urllib.parse import urlsplit

HEAD_LIMIT = 65_536


class FakeProxy:
    def __init__(self, routes: dict[str, tuple[str, int]]) -> None:
        self.routes = dict(routes)
        self.seen: list[str] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeProxy:
        threading.Thread(target=self.server.serve_forever, name="fake-proxy", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, client: socket.socket) -> None:
        head = _read_head(client)
        if head is None:
            return
        line, _, rest = head.partition(b"\r\n")
        method, target, version = line.decode("latin-1").split(" ", 2)
        with self.lock:
            self.seen.append(f"{method} {target}")
        tunnel = method == "CONNECT"
        host = target.rpartition(":")[0] if tunnel else (urlsplit(target).hostname or "")
        address = self.routes.get(host)
        if address is None:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with socket.create_connection(address, timeout=10) as upstream:
            if tunnel:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                parts = urlsplit(target)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                headers = [h for h in rest.split(b"\r\n") if not h.lower().startswith(b"connection:")]
                upstream.sendall(f"{method} {path} {version}\r\n".encode("latin-1")
                                 + b"\r\n".join([b"Connection: close", *headers]))
            _relay(client, upstream)


def _read_head(client: socket.socket) -> bytes | None:
    """The request line and headers (up to the blank line, which is kept), or None."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(4096)
        if not chunk or len(data) > HEAD_LIMIT:
            return None
        data += chunk
    return data


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65_536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join(timeout=30)
