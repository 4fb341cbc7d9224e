"""Paged REST reads with since_id: recent search (backfill, polling) and user timelines.

Pages are fetched newest-first (tweepy's Paginator, one blocking page per thread hop) down to
``since_id``, then returned oldest-first so a cursor stored with the last post covers all of
them. Recent search only reaches 7 days back: an older ``since_id`` is replaced by a
``start_time`` and the loss is reported. Rate limits: a 429 (or ``x-rate-limit-remaining: 0``)
raises :class:`RateLimited` carrying the reset time, so callers wait, never hammer.

``backfill``: Backfill after (re)connecting: recent search from the last stored id, for every query.

One run at a time (a new gap cancels the running one). Posts go out oldest-first per query;
when every query reached ``since_id`` a :class:`GapMark` closes the gap, so the stream's
cursor may move again. A 429 leaves the gap open: the next reconnect (or restart) backfills
from the same stored id. At most ``max_pages`` pages per query (quota); more is reported.
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
from bot.sources.clock import Clock
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits
from bot.sources.x.clients import FIELDS
from bot.sources.x.convert import parse_page
from bot.sources.x.ruleset import RuleKeeper, XOptions

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


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GapMark:
    """In the source's queue: a gap ``opened`` (a connection ended) or closed by a backfill."""

    opened: bool
    generation: int


Emit = Callable[[Post | GapMark], None]


class Backfill:
    def __init__(self, options: XOptions, keeper: RuleKeeper, clock: Clock) -> None:
        self.options, self.keeper, self.clock = options, keeper, clock
        self.task: asyncio.Task[None] | None = None
        self.closed_generation = 0
        self.runs = 0

    def start(self, since_id: str | None, generation: int, emit: Emit) -> None:
        self.cancel()
        self.task = asyncio.create_task(self._run(since_id, generation, emit), name="x-backfill")

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def _run(self, since_id: str | None, generation: int, emit: Emit) -> None:
        self.runs += 1
        try:
            await self._search(since_id, generation, emit)
        except (tweepy.TweepyException, OSError) as exc:
            log.warning("x backfill failed; gap stays open until the next attempt", extra={"error": repr(exc)[:300]})

    async def _search(self, since_id: str | None, generation: int, emit: Emit) -> None:
        now = datetime.fromtimestamp(self.clock.wall(), UTC)
        found = 0
        for query in self.keeper.queries():
            fetched = await search_since(
                self.keeper.rest, query, since_id, max_pages=self.options.max_pages, now=now,
                limits=self.options.payload,
            )
            for post in fetched.posts:
                emit(post)
            found += len(fetched.posts)
            if fetched.truncated:
                log.warning(
                    "x backfill hit its page limit; older posts in the gap were not fetched",
                    extra={"query": query[:80], "pages": self.options.max_pages},
                )
            if fetched.rate_limited:
                log.warning(
                    "x backfill rate limited; gap stays open until the next attempt",
                    extra={"query": query[:80], "reset_at": fetched.reset_at},
                )
                return
        self.closed_generation = generation
        emit(GapMark(False, generation))
        log.info("x backfill done", extra={"since_id": since_id, "posts": found})
