"""Wiring: the runtime gets a :class:`WatchlistHolder` for the match stage and, when live, the
background task that hot-reloads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import watchlists_dir
from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.watchlist.limits import WatchlistLimits

if TYPE_CHECKING:
    from bot.registry import Runtime


def register(runtime: Runtime) -> None:
    holder = WatchlistHolder(watchlists_dir(runtime.settings), limits=WatchlistLimits.from_settings(runtime.settings))
    runtime.watchlist = holder
    if runtime.live:
        runtime.tasks.append(holder.watch)
