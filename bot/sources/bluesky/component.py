"""Registration of the Bluesky collector (one Jetstream connection for the whole network)."""

from __future__ import annotations

from bot.sources.base import Source
from bot.sources.bluesky.events import MediaHosts
from bot.sources.bluesky.source import BlueskyOptions, BlueskySource
from bot.sources.kit import Kit, SourcePlugin
from bot.sources.payload import PayloadLimits


def build(kit: Kit) -> list[Source]:
    s = kit.settings
    options = BlueskyOptions(s.bluesky_jetstream_url, s.bluesky_api_url,
                             MediaHosts(s.bluesky_cdn_url.rstrip("/"), s.bluesky_video_url.rstrip("/")),
                             rewind=s.bluesky_rewind_seconds)
    return [BlueskySource(kit, options, PayloadLimits.from_settings(s))]


PLUGIN = SourcePlugin(name="bluesky", switch="bluesky", wanted=lambda kit: bool(kit.config().bluesky), build=build)
