"""The polite HTTP poller every polling source uses (feeds, Telegram previews, Mastodon).

:meth:`Poller.get` fetches one URL with httpx and returns the body bytes, or raises
:class:`PollError` with a ``kind`` the caller's back-off understands:

* **Conditional GET** (RFC 9110 §13): pass the :class:`Validators` of the last answer; they go
  back verbatim as ``If-None-Match`` / ``If-Modified-Since``. A ``304`` returns
  ``not_modified=True`` with no body and the validators kept (updated from the 304's headers).
* **Per-host pacing**: at most one request at a time per host, ``host_interval`` seconds apart
  (``SAHELWATCH_HTTP_HOST_INTERVAL``), shared by every source using this poller.
* **Retry-After** (seconds or an HTTP date) on 429/503 holds the whole host back that long and is
  returned in the error (``retry_after``), so the source waits at least as long. A 429 without it
  is read from ``X-RateLimit-Reset`` (Mastodon's ISO time, or Unix/delta seconds).
* **Limits**: connect/read timeouts (``SAHELWATCH_HTTP_TIMEOUT``), a body cap counted on the
  decompressed bytes (``SAHELWATCH_HTTP_MAX_BYTES``; gzip/deflate are decoded by httpx),
  http(s) only (also after redirects, at most 5), a descriptive User-Agent.

Waiting is done on the injectable clock. The ``transport`` argument is httpx's seam (tests
use real servers on 127.0.0.1 instead).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from bot.sources.clock import Clock, SystemClock

if TYPE_CHECKING:  # imported when the first request is made: a run with no HTTP source never loads it
    import httpx

ErrorKind = Literal["network", "http", "rate", "too_large", "refused", "invalid"]
"""``invalid``: the answer came but is not what the source reads (an HTML page instead of a feed)."""
RETRY_STATUSES = (429, 503)


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        sent = {}
        if self.etag:
            sent["If-None-Match"] = self.etag
        if self.last_modified:
            sent["If-Modified-Since"] = self.last_modified
        return sent

    def updated(self, headers: httpx.Headers) -> Validators:
        return Validators(headers.get("etag") or self.etag, headers.get("last-modified") or self.last_modified)

    def dumps(self) -> str:
        return json.dumps({"etag": self.etag, "last_modified": self.last_modified})

    @classmethod
    def loads(cls, text: str | None) -> Validators:
        try:
            data = json.loads(text or "{}")
            return cls(data.get("etag"), data.get("last_modified"))
        except (ValueError, AttributeError):
            return cls()


@dataclass(frozen=True)
class Fetched:
    url: str
    """The final URL (after redirects)."""
    status: int
    body: bytes
    headers: httpx.Headers
    validators: Validators
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class PollError(Exception):
    """A fetch failed; ``kind`` tells the back-off how, ``retry_after`` how long the server asked."""

    def __init__(self, kind: ErrorKind, message: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind, self.status, self.retry_after = kind, status, retry_after


@dataclass
class Poller:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    host_interval: float = 2.0
    user_agent: str = "SahelWatch"
    clock: Clock = field(default_factory=SystemClock)
    transport: httpx.AsyncBaseTransport | None = None

    def __post_init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._next: dict[str, float] = {}

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout), follow_redirects=True, max_redirects=5,
                headers={"User-Agent": self.user_agent}, transport=self.transport)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, validators: Validators | None = None,
                  headers: Mapping[str, str] | None = None) -> Fetched:
        """Fetch ``url`` politely; raises :class:`PollError`."""
        host = _host(url)
        validators = validators or Validators()
        async with self._locks.setdefault(host, asyncio.Lock()):
            wait = self._next.get(host, 0.0) - self.clock.now()
            if wait > 0:
                await self.clock.sleep(wait)
            try:
                return await self._fetch(url, {**validators.headers(), **(headers or {})}, validators)
            finally:
                self._next[host] = max(self._next.get(host, 0.0), self.clock.now() + self.host_interval)

    async def _fetch(self, url: str, headers: dict[str, str], validators: Validators) -> Fetched:
        import httpx  # (loaded by client() already: a name for the except clauses)

        try:
            async with self.client().stream("GET", url, headers=headers) as response:
                _check_scheme(str(response.url))
                if response.status_code == 304:
                    return Fetched(str(response.url), 304, b"", response.headers,
                                   validators.updated(response.headers), not_modified=True)
                if response.status_code >= 400:
                    raise self._status_error(response, _host(url))
                body = await self._read(response)
                return Fetched(str(response.url), response.status_code, body, response.headers,
                               validators.updated(response.headers))
        except httpx.UnsupportedProtocol as exc:
            raise PollError("refused", f"unsupported URL: {exc}") from None
        except (httpx.TimeoutException, httpx.TransportError, httpx.DecodingError,
                httpx.TooManyRedirects) as exc:
            raise PollError("network", f"{type(exc).__name__}: {exc}"[:300]) from None

    async def _read(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise PollError("too_large", f"body of {declared} bytes is over the {self.max_bytes}-byte limit")
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise PollError("too_large", f"body over the {self.max_bytes}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    def _status_error(self, response: httpx.Response, host: str) -> PollError:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock)
        if retry_after is None and status == 429:
            retry_after = parse_rate_reset(response.headers.get("x-ratelimit-reset"), self.clock)
        if retry_after is not None:
            self._next[host] = max(self._next.get(host, 0.0), self.clock.now() + retry_after)
        kind: ErrorKind = "rate" if status in RETRY_STATUSES else "http"
        return PollError(kind, f"HTTP {status} {response.reason_phrase}", status, retry_after)


def parse_retry_after(value: str | None, clock: Clock) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - clock.wall())


def parse_rate_reset(value: str | None, clock: Clock) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (a 429 without ``Retry-After``): an ISO 8601 time
    (Mastodon), a Unix time or delta-seconds (GitHub, GoToSocial)."""
    value = (value or "").strip()
    if value.isdigit():
        number = float(value)
        return max(0.0, number - clock.wall()) if number > 1e9 else number
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, when.timestamp() - clock.wall()) if when.tzinfo is not None else None


def _host(url: str) -> str:
    _check_scheme(url)
    return urlsplit(url).netloc.lower()


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PollError("refused", f"only http(s) URLs are fetched, not {url[:200]!r}")
