"""The X source the runtime registers: the filtered stream, or polling (``x.mode`` / 403 fallback).

Both modes share one :class:`~bot.sources.x.ruleset.RuleKeeper` (compiled rules and queries,
resolved accounts) and one health record. When the stream answers 403 (plan without stream
access, ``client-not-enrolled``) the source logs it once and goes on polling from the same
cursor; the poll cursor understands the stream's (a post id) and vice versa.

:func:`build` (registered by :mod:`bot.sources.x.component`): its :class:`XSource` follows the
hot-reloading watchlist (rules re-synced on every valid change).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from bot.sources.base import Collected, Source
from bot.sources.clock import Clock
from bot.sources.kit import Kit
from bot.sources.x.poll import XPollSource
from bot.sources.x.ruleset import Shared, StreamForbidden, XOptions, options_from_settings
from bot.sources.x.stream import XStreamSource
from bot.store.db import Store
from bot.watchlist.schema import Watchlist

log = logging.getLogger(__name__)


class XSource:
    def __init__(
        self,
        options: XOptions,
        watchlist: Callable[[], Watchlist],
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        name: str = "x",
    ) -> None:
        shared = Shared.create(options, watchlist, store=store, clock=clock, name=name)
        self.name, self.mode = name, options.mode
        self.health, self.keeper = shared.health, shared.keeper
        self.stream, self.poll = XStreamSource(shared), XPollSource(shared)

    def watchlist_changed(self, *_: object) -> None:
        """Subscriber for ``WatchlistHolder.on_reloaded``: re-sync rules, recompile queries."""
        self.keeper.changed()

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        if self.mode == "stream":
            try:
                async for item in self.stream.collect(cursor, stop):
                    cursor = item.cursor or cursor
                    yield item
                return
            except StreamForbidden as exc:
                log.warning(
                    "x stream not available on this plan (403); polling instead",
                    extra={"source": self.name, "detail": str(exc)[:300]},
                )
                self.mode = "poll"
                cursor = self.stream.since_id or cursor
        async for item in self.poll.collect(cursor, stop):
            yield item


def build(kit: Kit) -> list[Source]:
    holder = kit.watchlist
    if holder is None:
        return []
    source = XSource(options_from_settings(kit.settings), lambda: holder.watchlist, store=kit.store)
    holder.on_reloaded.append(source.watchlist_changed)
    return [source]

