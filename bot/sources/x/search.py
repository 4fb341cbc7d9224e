"""Paged REST reads with since_id: recent search (backfill, polling) and user timelines.

Pages are fetched newest-first (tweepy's Paginator, one blocking page per thread hop) down to
``since_id``, then returned oldest-first so a cursor stored with the last post covers all of
them. Recent search only reaches 7 days back: an older ``since_id`` is replaced by a
``start_time`` and the loss is reported. Rate limits: a 429 (or ``x-rate-limit-remaining: 0``)
raises :class:`RateLimited` carrying the reset time, so callers wait, never hammer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy

from bot.models import Post
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits
from bot.sources.x.clients import FIELDS
from bot.sources.x.lines import parse_page

log = logging.getLogger(__name__)
TWITTER_EPOCH_MS = 1_288_834_974_657
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)


class RateLimited(Exception):
    """X said 429 (or no requests remain); ``reset_at`` is Unix time, None when X did not say."""

    def __init__(self, reset_at: float | None) -> None:
        super().__init__(f"rate limited until {reset_at}")
        self.reset_at = reset_at


@dataclass
class Fetched:
    """Posts oldest-first and ``newest_id`` for the cursor.

    ``rate_limited`` (with ``reset_at``): X stopped us before ``since_id`` was reached, so the
    cursor must not move. ``truncated``: more than ``max_pages`` were waiting; the cursor moves
    on and the skipped posts are reported (a backlog that size cannot be caught up anyway).
    """

    posts: list[Post] = field(default_factory=list)
    newest_id: str | None = None
    rate_limited: bool = False
    reset_at: float | None = None
    truncated: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def id_at(when: datetime) -> str:
    """The smallest snowflake id X could mint at ``when`` (a since_id "from this moment")."""
    return str((int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22)


def id_time(post_id: str) -> datetime:
    """When X minted a snowflake id."""
    return datetime.fromtimestamp(((int(post_id) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)


def search_window(since_id: str | None, now: datetime) -> dict[str, Any]:
    """``since_id``, or a ``start_time`` 7 days back when the id is older than search reaches."""
    oldest = now - SEARCH_WINDOW
    if since_id and since_id.isdigit() and id_time(since_id) > oldest:
        return {"since_id": since_id}
    if since_id:
        log.warning(
            "x backfill cannot reach back to the stored cursor (7-day search window)",
            extra={"since_id": since_id, "from": oldest.isoformat()},
        )
    return {"start_time": oldest}


class BadPage(Exception):
    """A page tweepy could not read (its Paginator parses every body for ``meta``)."""


def _next_page(pages: Any) -> requests.Response | None:
    try:
        return next(pages, None)
    except tweepy.TooManyRequests as exc:
        raise RateLimited(float(exc.reset_time) if exc.reset_time else None) from exc
    except (ValueError, RecursionError, AttributeError, TypeError) as exc:  # hostile body: not JSON, too deep
        raise BadPage(f"page not readable: {type(exc).__name__}: {str(exc)[:200]}") from None


def _reset_header(response: requests.Response) -> float | None:
    reset = response.headers.get("x-rate-limit-reset", "")
    return float(reset) if reset.isdigit() else None


def _add(fetched: Fetched, body: bytes, newest_first: list[list[Post]], limits: PayloadLimits) -> bool:
    """Add one page; True when X says more pages follow."""
    page = parse_page(body, limits)
    fetched.newest_id = fetched.newest_id or page.meta.get("newest_id")
    fetched.errors += page.errors
    fetched.skipped += page.skipped
    newest_first.append(page.posts)
    return "next_token" in page.meta


async def fetch_pages(
    method: Callable[..., Any], *args: Any, max_pages: int, limits: PayloadLimits = DEFAULT_LIMITS, **params: Any
) -> Fetched:
    """All pages newer than ``since_id`` (at most ``max_pages``), oldest-first. Never raises 429.

    A page that cannot be read ends the paging there: its posts are reported skipped and,
    with no ``newest_id`` read, the cursor does not move past them.
    """
    pages = iter(tweepy.Paginator(method, *args, **FIELDS, **params))
    fetched, newest_first = Fetched(), []
    for number in range(max_pages):
        try:
            response = await asyncio.to_thread(_next_page, pages)
        except RateLimited as exc:
            fetched.rate_limited, fetched.reset_at = True, exc.reset_at
            break
        except BadPage as exc:
            fetched.skipped.append(str(exc))
            break
        if response is None or not _add(fetched, response.content, newest_first, limits):
            break
        if response.headers.get("x-rate-limit-remaining") == "0":
            fetched.rate_limited, fetched.reset_at = True, _reset_header(response)
            break
        fetched.truncated = number == max_pages - 1
    fetched.posts = [post for posts in reversed(newest_first) for post in posts]
    return fetched


async def search_since(
    client: tweepy.Client, query: str, since_id: str | None, *, max_pages: int, now: datetime,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> Fetched:
    window = search_window(since_id, now)
    return await fetch_pages(
        client.search_recent_tweets, query, max_results=100, max_pages=max_pages, limits=limits, **window
    )


async def timeline_since(
    client: tweepy.Client, user_id: str, since_id: str | None, *, max_pages: int,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> Fetched:
    window = {"since_id": since_id} if since_id else {}
    return await fetch_pages(
        client.get_users_tweets, user_id, max_results=100, max_pages=max_pages, limits=limits, **window
    )
