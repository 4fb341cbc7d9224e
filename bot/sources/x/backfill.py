"""Backfill after (re)connecting: recent search from the last stored id, for every query.

One run at a time (a new gap cancels the running one). Posts go out oldest-first per query;
when every query reached ``since_id`` a :class:`GapMark` closes the gap, so the stream's
cursor may move again. A 429 leaves the gap open: the next reconnect (or restart) backfills
from the same stored id. At most ``max_pages`` pages per query (quota); more is reported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import tweepy

from bot.models import Post
from bot.sources.clock import Clock
from bot.sources.x.options import XOptions
from bot.sources.x.ruleset import RuleKeeper
from bot.sources.x.search import search_since

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
