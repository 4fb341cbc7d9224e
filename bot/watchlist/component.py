"""Wiring: the runtime gets a :class:`WatchlistHolder` for the match stage and, when live, the
background task that hot-reloads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.watchlist.limits import WatchlistLimits
from bot.watchlist.reload import WatchlistHolder

if TYPE_CHECKING:
    from bot.runtime import Runtime


def watchlist_component(runtime: Runtime) -> None:
    from bot.runtime import watchlists_dir

    holder = WatchlistHolder(watchlists_dir(runtime.settings), limits=WatchlistLimits.from_settings(runtime.settings))
    runtime.extras["watchlist"] = holder
    if runtime.live:
        runtime.tasks.append(holder.watch)
