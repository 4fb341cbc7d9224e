"""Registration of the Bluesky collector (one Jetstream connection for the whole network).

``auto`` turns it on when ``accounts.bluesky`` lists someone; ``on`` also runs it with no listed
account, keeping the posts that match a topic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sources.kit import Kit, SourcePlugin

if TYPE_CHECKING:
    from bot.sources.base import Source


def build(kit: Kit) -> list[Source]:
    from bot.sources.bluesky.events import MediaHosts  # only when switched on (websockets)
    from bot.sources.bluesky.source import BlueskyOptions, BlueskySource
    from bot.sources.payload import PayloadLimits

    s = kit.settings
    options = BlueskyOptions(s.bluesky_jetstream_url, s.bluesky_api_url,
                             MediaHosts(s.bluesky_cdn_url.rstrip("/"), s.bluesky_video_url.rstrip("/")),
                             rewind=s.bluesky_rewind_seconds, check=s.bluesky_check_seconds)
    return [BlueskySource(kit, options, PayloadLimits.from_settings(s))]


def wanted(kit: Kit) -> bool:
    """Listed accounts turn it on (``auto``); ``SAHELWATCH_BLUESKY=on`` also streams for the topics alone."""
    topics = kit.watchlist is not None and bool(kit.watchlist.watchlist.topics)
    return bool(kit.config().bluesky) or (kit.settings.bluesky == "on" and topics)


PLUGIN = SourcePlugin(name="bluesky", switch="bluesky", wanted=wanted, build=build, reloads=True)
