"""A fake Telegram Bot API on 127.0.0.1 (port 0), in a thread, speaking the real wire protocol.

    with FakeTelegram() as tg:
        tg.add_channel(-1001234567890, username="sahel_alerts_en")
        bot = ExtBot(tg.token, base_url=tg.base_url, request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
        ...
        assert tg.messages("@sahel_alerts_en")[0].text == "…"

``POST|GET /bot<token>/<method>`` with form-urlencoded, multipart or JSON bodies (and query
strings). Wrong token → 401, unknown method → 404. Chats, media, faults and flood limits are set
up through the helper methods below; everything a chat shows is in :meth:`messages`.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.tg_api import BotApi, Call
from tests.fakes.tg_chats import Chat, SentMessage
from tests.fakes.tg_errors import UNAUTHORIZED, ApiError, too_many_requests
from tests.fakes.tg_flood import Clock, Fault, FloodLimits
from tests.fakes.tg_media import WebMedia
from tests.fakes.tg_users import User, message_update

DEFAULT_TOKEN = "7000000001:fake-token-for-tests-only-0123456789"
PATH_RE = re.compile(r"^/bot(?P<token>[^/]*)/(?P<method>[^/]+)$")


class FakeTelegram:
    """The server plus the helpers a test uses to arrange chats and read what they show."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, clock: Clock | None = None, limits: FloodLimits | None = None
    ) -> None:
        self.token = token
        self.api = BotApi(clock, limits)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeTelegram:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.api.lock:
            self.api.updates.closing = True
            self.api.lock.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def clock(self) -> Clock:
        """The flood-control clock (a :class:`ManualClock` when the test passed one)."""
        return self.api.flood.clock

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- arranging ----------------------------------------------------------------------------
    def add_chat(self, chat: Chat) -> Chat:
        with self.api.lock:
            return self.api.chats.add(chat)

    def add_channel(
        self, chat_id: int, username: str | None = None, title: str = "", status: str = "admin"
    ) -> Chat:
        return self.add_chat(Chat(chat_id, "channel", title, username, status))

    def set_status(self, chat_ref: object, status: str) -> None:
        with self.api.lock:
            self.api.chats.get(chat_ref).status = status

    def add_media(self, url: str, mime: str, size: int, **geometry: int) -> None:
        """Make ``url`` fetchable by the fake (``width``, ``height``, ``duration`` optional)."""
        with self.api.lock:
            self.api.media.add(WebMedia(url, mime, size, **geometry))

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        parameters: dict[str, int] | None = None,
    ) -> None:
        self._fault(Fault(method, chat_id, ApiError(code, description, parameters or {}), times))

    def flood_next(
        self, method: str, retry_after: int, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        """The next ``times`` calls get 429 ``retry after N``."""
        self._fault(Fault(method, chat_id, too_many_requests(retry_after), times))

    def drop_next(
        self, method: str, *, chat_id: int | None = None, times: int = 1, after_delivery: bool = False
    ) -> None:
        """Close the connection without an answer, before or (``after_delivery``) after sending."""
        self._fault(
            Fault(method, chat_id, None, times, disconnect=not after_delivery, after_delivery=after_delivery)
        )

    def _fault(self, fault: Fault) -> None:
        with self.api.lock:
            self.api.faults.add(fault)

    def push_update(self, update: dict[str, Any]) -> int:
        return self.api.updates.push(update)

    def add_user(self, user_id: int, first_name: str = "Analyst", username: str | None = None) -> User:
        """A person with a private chat with the bot (chat id = user id), who can send commands."""
        user = User(user_id, first_name, username)
        with self.api.lock:
            self.api.users[user_id] = user
            if self.api.chats.find(user_id) is None:
                self.api.chats.add(Chat(user_id, "private", first_name))
        return user

    def add_group(self, chat_id: int, title: str = "Analysts", kind: str = "supergroup") -> Chat:
        return self.add_chat(Chat(chat_id, kind, title, status="member"))

    def say(self, user_id: int, text: str, chat_id: int | None = None, reply_to_bot: int | None = None) -> int:
        """``user_id`` sends ``text`` in their private chat, or in group ``chat_id``; returns the update id.

        ``reply_to_bot``: as a reply to the bot's message with that id in the same chat.
        """
        with self.api.lock:
            user, chat = self.api.users[user_id], self.api.chats.get(chat_id if chat_id is not None else user_id)
            replied = None
            if reply_to_bot is not None:
                sent = self.api.chats.message(chat, reply_to_bot)
                replied = {**sent.to_json(chat), "from": dict(self.api.me)} if sent else None
            update = message_update(self.api.chats, user, chat, text, replied)
        return self.push_update(update)

    def set_webhook(self, url: str) -> None:
        """A webhook is set: getUpdates answers 409 until ``deleteWebhook``."""
        with self.api.lock:
            self.api.webhook = url

    # --- reading ------------------------------------------------------------------------------
    def messages(self, chat_ref: object) -> list[SentMessage]:
        """Every accepted message in the chat, oldest first."""
        with self.api.lock:
            return self.api.chats.messages(chat_ref)

    def texts(self, chat_ref: object) -> list[str]:
        return [m.text for m in self.messages(chat_ref)]

    def calls(self, method: str | None = None) -> list[Call]:
        with self.api.lock:
            return [c for c in self.api.calls if method is None or c.method == method]

    @property
    def unknown_params(self) -> list[tuple[str, str]]:
        return [(c.method, name) for c in self.calls() for name in c.unknown]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed mid-request (the crash tests do that) is not the server's error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out as two writes; without this, Nagle + delayed ACK add ~40 ms a call
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # quiet: URLs hold the token
        return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake: FakeTelegram = self.server.fake  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = PATH_RE.match(split.path)
        if match is None:
            return self._send(404, ApiError(404, "Not Found").body())
        if match["token"] != fake.token:
            return self._send(401, UNAUTHORIZED.body())
        try:
            params, uploads = _parse_body(self.headers.get("Content-Type", ""), body)
        except ValueError as exc:
            return self._send(400, ApiError(400, f"Bad Request: {exc}").body())
        params = {**dict(parse_qsl(split.query, keep_blank_values=True)), **params}
        outcome = fake.api.call(match["method"], params, uploads)
        if outcome.body is None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self._send(outcome.status, outcome.body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Return (parameters, uploaded files by part name) for any body the Bot API accepts."""
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return {}, {}
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}
    if kind == "multipart/form-data":
        return _parse_multipart(content_type, body)
    return dict(parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True)), {}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if not isinstance(name, str):
            continue
        if part.get_filename() is not None:
            uploads[name] = payload
            params[name] = payload
        else:
            params[name] = payload.decode(part.get_content_charset() or "utf-8")
    return params, uploads
