"""tweepy clients pointed at the configured X API base URL.

REST calls return the raw ``requests.Response`` so callers keep the JSON exactly as sent and
read the ``x-rate-limit-*`` headers. All calls block: run them with ``asyncio.to_thread``.

``transport``: Point tweepy at another X API base URL through requests' transport layer (no monkeypatching).

tweepy 4.x hard-codes ``https://api.twitter.com``. Its ``Client`` and ``StreamingClient`` expose a
public ``requests.Session`` as ``.session``; a transport adapter mounted on that session for the
prefix ``https://api.twitter.com/`` rewrites each request's URL to the configured base URL and
then sends it like the stock adapter. The default base URL leaves the session untouched.
Adapters survive ``session.close()`` (tweepy closes the stream session at every disconnect).

    client = tweepy.Client(token)
    route_session(client.session, settings.x_api_url)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from bot.loopback import is_loopback

REST_TIMEOUT = 30.0  # seconds; tweepy sets none for REST calls
# The fields SahelWatch asks for (https://docs.x.com/x-api/fundamentals/data-dictionary/reference):
# author, media, references, long text, language.
EXPANSIONS = [
    "author_id",
    "attachments.media_keys",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
    "referenced_tweets.id.attachments.media_keys",
]
TWEET_FIELDS = [
    "author_id",
    "created_at",
    "lang",
    "entities",
    "attachments",
    "referenced_tweets",
    "conversation_id",
    "note_tweet",
    "possibly_sensitive",
    "withheld",
    "public_metrics",
]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "variants", "alt_text", "width", "height", "duration_ms"]
USER_FIELDS = ["name", "username", "verified", "verified_type", "profile_image_url", "location"]
FIELDS = {
    "expansions": EXPANSIONS,
    "tweet_fields": TWEET_FIELDS,
    "media_fields": MEDIA_FIELDS,
    "user_fields": USER_FIELDS,
}


def rest_client(token: str, base_url: str) -> tweepy.Client:
    quiet_tweepy_logging()
    client = tweepy.Client(token, return_type=requests.Response, wait_on_rate_limit=False)
    route_session(client.session, base_url, timeout=REST_TIMEOUT)
    return client


def rules_client(token: str, base_url: str) -> tweepy.StreamingClient:
    """A StreamingClient used only for the rules endpoints."""
    quiet_tweepy_logging()
    client = tweepy.StreamingClient(token)
    route_session(client.session, base_url, timeout=REST_TIMEOUT)
    return client


TWEEPY_HOST = "https://api.twitter.com"
DEFAULT_BASE_URL = TWEEPY_HOST


class TimeoutAdapter(HTTPAdapter):
    """Gives requests sent without a timeout this one (tweepy's REST calls set none: a dead
    connection would hang a thread forever). The stream sets its own 21 s, which is kept."""

    def __init__(self, timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None and self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class RewriteAdapter(TimeoutAdapter):
    """Sends requests for ``https://api.twitter.com/…`` to ``<base_url>/…`` instead."""

    def __init__(self, base_url: str, timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(timeout, **kwargs)
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = request.url or ""
        if url.startswith(TWEEPY_HOST + "/"):
            request.url = self.base_url + url[len(TWEEPY_HOST) :]
        if is_loopback(request.url or ""):
            kwargs["proxies"] = {}  # a proxy cannot reach our own loopback address
        return super().send(request, **kwargs)


class RefusingAdapter(HTTPAdapter):
    """Fails every request it receives: mounted where no traffic may go (e.g. in tests)."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        raise requests.ConnectionError(f"refused: {request.method} {urlsplit(request.url or '').netloc} is not routed")


def normalise_base_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"X API base URL must be an http(s) URL, got {base_url!r}")
    return base_url.strip().rstrip("/")


def is_default(base_url: str) -> bool:
    return normalise_base_url(base_url) == DEFAULT_BASE_URL


def route_session(
    session: requests.Session, base_url: str, *, refuse_others: bool = False, timeout: float | None = None
) -> bool:
    """Route tweepy's requests on ``session`` to ``base_url`` (with a default ``timeout``); return
    False when nothing was mounted (default base URL, no timeout: the session stays as tweepy made it).

    ``refuse_others`` also makes every other http(s) request on this session fail (tests use it
    so that a stray call can never reach the real network).
    """
    if refuse_others:
        session.mount("https://", RefusingAdapter())
        session.mount("http://", RefusingAdapter())
    if refuse_others or not is_default(base_url):
        session.mount(TWEEPY_HOST + "/", RewriteAdapter(normalise_base_url(base_url), timeout))
    elif timeout is not None:
        session.mount(TWEEPY_HOST + "/", TimeoutAdapter(timeout))
    else:
        return False
    return True


def quiet_tweepy_logging(loggers: Mapping[str, int] | None = None) -> None:
    """tweepy logs request headers, Bearer token included, at DEBUG: keep its loggers at INFO or above."""
    for name, level in (loggers or {"tweepy": logging.INFO}).items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < level:
            logger.setLevel(level)
