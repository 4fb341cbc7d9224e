"""Registration of the public Telegram channel collector: one source per ``accounts.telegram`` entry."""

from __future__ import annotations

from bot.sources.base import Source
from bot.sources.kit import Kit, SourcePlugin
from bot.sources.payload import PayloadLimits
from bot.sources.telegram_web.source import ChannelOptions, ChannelSource


def build(kit: Kit) -> list[Source]:
    s = kit.settings
    options = ChannelOptions(s.telegram_web_url, s.telegram_channels_every, s.telegram_channels_backfill,
                             limits=PayloadLimits.from_settings(s))
    return [ChannelSource(channel, kit, options) for channel in kit.config().telegram]


PLUGIN = SourcePlugin(name="telegram", switch="telegram_channels", wanted=lambda kit: bool(kit.config().telegram),
                      build=build)
