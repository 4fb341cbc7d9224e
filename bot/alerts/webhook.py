"""The webhook transport: one HTTP POST of a JSON document per alert (httpx).

The document (``Content-Type: application/json``, UTF-8)::

    {"key": "alert:webhook:ops:x:123",   the outbox row's key: the same on every retry and restart,
                                         so a receiver can drop a repeat (also the Idempotency-Key header)
     "kind": "alert",                    alert, similar (an edit of an earlier alert) or digest
     "channel": "webhook:ops",
     "edits": null,                      for an edit: the reference the receiver gave the alert it edits
     "text": "…", "html": "…",           the alert as plain text, and as Telegram-style HTML
     "media": [{"kind": "photo", "url": "…"}],
     "links": ["https://x.com/…"]}

With ``secret_env``/``secret_file``, ``X-SahelWatch-Signature-256: sha256=<hex>`` is the
HMAC-SHA256 of the raw body with that secret (verify it before trusting the document).

The receiver's answer: 2xx → delivered; the reference kept for edits is the JSON body's ``id``
when it has one, else the key. 429, 408 and 5xx → retried after ``Retry-After`` (seconds or an
HTTP date, at most an hour) or the sender's backoff; network errors and timeouts → retried
(at-least-once). 401, 403, 404, 410 and redirects (not followed) → the channel pauses with
its alerts kept (a wrong URL or secret refuses every alert alike) and the admin chat is told;
any other 4xx → the alert is failed with the status and the start of the body as its reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from bot.alerts.outgoing import content
from bot.alerts.transport import Pace, Parcel, Refused, RetryLater, Unreachable
from bot.alerts.webhook_target import WebhookTarget
from bot.loopback import is_loopback

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-SahelWatch-Signature-256"
RETRY_STATUSES = frozenset({408, 429})
PAUSE_STATUSES = frozenset({401, 403, 404, 410})
MAX_RETRY_AFTER = 3600.0
BODY_SHOWN = 200  # characters of a refusal's body kept as its reason
BODY_READ = 65536  # bytes of an answer read at most
PACE = Pace(1.0, 1.0, 1000)  # one POST a second per webhook by default (SAHELWATCH_WEBHOOK_PACE)


class WebhookTransport:
    name = "webhook"

    def __init__(self, *, timeout: float = 10.0, pace: Pace = PACE, user_agent: str = "SahelWatch",
                 environ: Mapping[str, str] = os.environ) -> None:
        self.timeout, self.pace, self.user_agent, self.environ = timeout, pace, user_agent, environ
        self._clients: dict[bool, httpx.AsyncClient] = {}

    async def start(self, stop: asyncio.Event) -> bool:
        return True  # nothing to check up front: each destination answers for itself

    async def send(self, parcel: Parcel) -> str:
        target = parcel.target
        if not isinstance(target, WebhookTarget):
            raise Unreachable(f"{parcel.channel} is no longer in channels.yaml", "webhook")
        body = document(parcel)
        headers = {"Content-Type": "application/json", "User-Agent": self.user_agent, "Idempotency-Key": parcel.key}
        secret = self._secret(target)
        if secret is not None:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        try:
            async with self._client(target.url).stream("POST", target.url, content=body, headers=headers) as answer:
                raw = await _read(answer)
        except httpx.HTTPError as exc:
            raise RetryLater(str(exc) or type(exc).__name__, type(exc).__name__) from exc
        return reference(answer, raw, parcel.key)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    def _client(self, url: str) -> httpx.AsyncClient:
        trust_env = not is_loopback(url)  # proxies, as for the Bot API: never for a local receiver
        if trust_env not in self._clients:
            self._clients[trust_env] = httpx.AsyncClient(timeout=self.timeout, trust_env=trust_env,
                                                         follow_redirects=False)
        return self._clients[trust_env]

    def _secret(self, target: WebhookTarget) -> bytes | None:
        if target.secret_env is not None:
            value = self.environ.get(target.secret_env)
            if not value:
                raise Unreachable(f"the secret_env variable {target.secret_env} is not set", "webhook")
            return value.encode()
        if target.secret_file is not None:
            try:
                return Path(target.secret_file).read_bytes().strip()
            except OSError as exc:
                raise Unreachable(f"cannot read its secret_file: {exc.strerror or exc}", "webhook") from None
        return None


def document(parcel: Parcel) -> bytes:
    """The JSON body for ``parcel`` in its current form."""
    out, form = parcel.message, parcel.form
    rich = content(out, form)
    media = out.media if form.content == "media" and out.edit_ref is None else ()
    return json.dumps({
        "key": parcel.key, "kind": parcel.kind, "channel": parcel.channel, "edits": out.edit_ref,
        "text": rich.plain, "html": None if form.plain else rich.html,
        "media": [{"kind": m.kind, "url": m.url} for m in media], "links": list(out.links),
    }, ensure_ascii=False).encode("utf-8")


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def reference(answer: httpx.Response, raw: bytes, key: str) -> str:
    """What a 2xx answer names the delivered alert; raises on any other status."""
    status = answer.status_code
    if 200 <= status < 300:
        return _answer_id(raw) or key
    detail, label = _detail(answer, raw), f"HTTP {status}"
    if status in RETRY_STATUSES or status >= 500:
        raise RetryLater(detail, label, retry_after(answer.headers.get("Retry-After")))
    if 300 <= status < 400:
        raise Unreachable("redirected elsewhere (not followed): put the new URL in channels.yaml", label)
    if status in PAUSE_STATUSES:
        raise Unreachable(detail, label)
    raise Refused(detail, label)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), within 0 and an hour; None if absent or odd."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER) if seconds == seconds else None  # NaN


async def _read(answer: httpx.Response) -> bytes:
    raw = b""
    async for chunk in answer.aiter_bytes():
        raw += chunk
        if len(raw) >= BODY_READ:
            break
    return raw[:BODY_READ]


def _answer_id(raw: bytes) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and str(value) else None


def _detail(answer: httpx.Response, raw: bytes) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())[:BODY_SHOWN]
    return text or answer.reason_phrase or "no body"
