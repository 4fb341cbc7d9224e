"""Polling mode (plans without stream access): recent search per query, a timeline per account.

Every ``poll_seconds``: each compiled query (512 characters) is searched and each followed
account's timeline read, from its own since_id. The cursor is JSON ``{"q": {query key: id},
"u": {user id: id}, "base": id}`` stored with the last post of each batch, so a restart
resumes every query where it stopped (``base``: a stream cursor, used for queries without
their own). A first read fetches one page only. A 429 waits until ``x-rate-limit-reset``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import tweepy

from bot.sources.backoff import Backoff
from bot.sources.base import Collected
from bot.sources.clock import pause
from bot.sources.x.ruleset import Shared
from bot.sources.x.search import Fetched, search_since, timeline_since

log = logging.getLogger(__name__)


class PollCursor:
    def __init__(self, raw: str | None) -> None:
        self.state: dict[str, Any] = {"q": {}, "u": {}}
        if raw and raw.isdigit():
            self.state["base"] = raw
        elif raw:
            try:
                loaded = json.loads(raw)
                self.state.update({k: loaded[k] for k in ("q", "u", "base") if k in loaded})
            except (ValueError, TypeError):
                log.warning("x poll cursor unreadable; starting fresh", extra={"cursor": raw[:100]})

    def since(self, part: str, key: str) -> str | None:
        return self.state[part].get(key) or self.state.get("base")

    def advance(self, part: str, key: str, newest: str) -> None:
        old = self.state[part].get(key)
        if old is None or int(newest) > int(old):
            self.state[part][key] = newest

    def dump(self) -> str:
        return json.dumps(self.state, sort_keys=True)


def query_key(query: str) -> str:
    return hashlib.sha1(query.encode()).hexdigest()[:12]


class XPollSource:
    def __init__(self, shared: Shared) -> None:
        self.name, self.options, self.clock = shared.name, shared.options, shared.clock
        self.health, self.keeper = shared.health, shared.keeper
        self.cycles = 0

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        state = PollCursor(cursor)
        self.health.connected = True
        while not stop.is_set():
            async for item in self.cycle(state, stop):
                yield item
            self.cycles += 1
            self.health.alive()  # a chosen wait (the watchdog reads last activity)
            if await pause(self.clock, self.options.poll_seconds, stop):
                break
        self.health.connected = False

    async def cycle(self, state: PollCursor, stop: asyncio.Event) -> AsyncIterator[Collected]:
        """One pass over every query and account timeline."""
        ids = await self.keeper.resolve_accounts()
        now = datetime.fromtimestamp(self.clock.wall(), UTC)
        jobs: list[tuple[str, str, Callable[[str | None, int], Awaitable[Fetched]]]] = []
        for query in self.keeper.queries(accounts=False):
            jobs.append(
                (
                    "q",
                    query_key(query),
                    lambda since, pages, q=query: search_since(
                        self.keeper.rest, q, since, max_pages=pages, now=now, limits=self.options.payload
                    ),
                )
            )
        for user_id in dict.fromkeys(ids.values()):
            jobs.append(
                (
                    "u",
                    user_id,
                    lambda since, pages, u=user_id: timeline_since(
                        self.keeper.rest, u, since, max_pages=pages, limits=self.options.payload
                    ),
                )
            )
        for part, key, fetch in jobs:
            fetched = await self._fetch(fetch, state.since(part, key), stop)
            if fetched is None:
                return
            if part == "u" and any(e.get("resource_type") == "user" for e in fetched.errors):
                self.keeper.forget_account(key)
            for n, post in enumerate(fetched.posts, start=1):
                last = n == len(fetched.posts)
                if last and fetched.newest_id and not fetched.rate_limited:
                    state.advance(part, key, fetched.newest_id)
                self.health.item()
                yield Collected(post, state.dump() if last else None)

    async def _fetch(
        self, fetch: Callable[[str | None, int], Awaitable[Fetched]], since: str | None, stop: asyncio.Event
    ) -> Fetched | None:
        """One query or timeline read, waiting out rate limits; None when stopped."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                fetched = await fetch(since, self.options.max_pages if since else 1)
            except (tweepy.TweepyException, OSError) as exc:
                delay = backoff.next("http")
                self.health.error(repr(exc)[:300])
                log.warning("x poll request failed; retrying", extra={"error": repr(exc)[:300], "delay_s": delay})
            else:
                self._report(fetched)
                if not fetched.rate_limited or fetched.posts:
                    return fetched
                delay = backoff.next("rate")
                if fetched.reset_at is not None:
                    delay = max(1.0, fetched.reset_at - self.clock.wall())
                log.warning("x poll rate limited; waiting", extra={"source": self.name, "delay_s": delay})
            self.health.alive()
            if await pause(self.clock, delay, stop):
                return None
        return None

    def _report(self, fetched: Fetched) -> None:
        self.health.alive()
        for error in fetched.errors:
            log.warning("x poll partial error", extra={"source": self.name, "error": error.get("detail")})
        for problem in fetched.skipped:
            log.warning("x post skipped", extra={"source": self.name, "problem": problem})
        if fetched.truncated:
            log.warning("x poll hit its page limit; older posts not fetched", extra={"source": self.name})
