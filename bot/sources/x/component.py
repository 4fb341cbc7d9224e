"""Wiring: when X is enabled and the run is live, the runtime gets an :class:`XSource` that
follows the hot-reloading watchlist (rules re-synced on every valid change)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sources.x.options import options_from_settings
from bot.sources.x.source import XSource

if TYPE_CHECKING:
    from bot.runtime import Runtime


def x_component(runtime: Runtime) -> None:
    if not runtime.live or not runtime.settings.x_enabled:
        return
    holder = runtime.extras["watchlist"]
    source = XSource(options_from_settings(runtime.settings), lambda: holder.watchlist, store=runtime.store)
    holder.on_reloaded.append(source.watchlist_changed)
    runtime.sources.append(source)
