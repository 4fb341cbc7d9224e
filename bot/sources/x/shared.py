"""What the stream and poll modes of one X source share: settings, clock, health, rule keeper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.sources.base import SourceHealth
from bot.sources.clock import Clock, SystemClock
from bot.sources.x.options import XOptions
from bot.sources.x.ruleset import RuleKeeper
from bot.store.db import Store
from bot.watchlist.schema import Watchlist


@dataclass
class Shared:
    name: str
    options: XOptions
    clock: Clock
    health: SourceHealth
    keeper: RuleKeeper

    @classmethod
    def create(
        cls,
        options: XOptions,
        watchlist: Callable[[], Watchlist],
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        name: str = "x",
    ) -> Shared:
        """``watchlist`` returns the current watchlist (the hot-reloading holder's)."""
        clock, health = clock or SystemClock(), SourceHealth(name)
        return cls(name, options, clock, health, RuleKeeper(options, watchlist, store, clock, health.alive))
