"""Registration of the public Telegram channel collector: one source per ``accounts.telegram`` entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sources.kit import Kit, SourcePlugin

if TYPE_CHECKING:
    from bot.sources.base import Source


def build(kit: Kit) -> list[Source]:
    from bot.sources.payload import PayloadLimits  # only when switched on (selectolax, httpx)
    from bot.sources.telegram_web.source import ChannelOptions, ChannelSource

    s = kit.settings
    options = ChannelOptions(s.telegram_web_url, s.telegram_channels_every, s.telegram_channels_backfill,
                             limits=PayloadLimits.from_settings(s))
    return [ChannelSource(channel, kit, options) for channel in kit.config().telegram]


PLUGIN = SourcePlugin(name="telegram", switch="telegram_channels", wanted=lambda kit: bool(kit.config().telegram),
                      build=build, reloads=True)
