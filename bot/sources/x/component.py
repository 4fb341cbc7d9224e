"""The X source's plugin: on when ``SAHELWATCH_X`` is on, or auto with a bearer token; its
:class:`XSource` follows the hot-reloading watchlist (rules re-synced on every valid change)."""

from __future__ import annotations

from bot.sources.base import Source
from bot.sources.kit import Kit, SourcePlugin
from bot.sources.x.options import options_from_settings
from bot.sources.x.source import XSource


def build(kit: Kit) -> list[Source]:
    holder = kit.watchlist
    if holder is None:
        return []
    source = XSource(options_from_settings(kit.settings), lambda: holder.watchlist, store=kit.store)
    holder.on_reloaded.append(source.watchlist_changed)
    return [source]


PLUGIN = SourcePlugin(name="x", switch="x", wanted=lambda kit: bool(kit.settings.x_bearer_token), build=build)
