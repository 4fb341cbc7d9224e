"""Registration of the Mastodon collector: one source per instance named in ``accounts.mastodon``.

Hashtag timelines (``hashtags.mastodon``) are read on every such instance (each instance sees
the posts it federates, so two instances see more than one).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.sources.kit import Kit, SourcePlugin

if TYPE_CHECKING:
    from bot.sources.base import Source

log = logging.getLogger(__name__)


def tokens(value: str | None) -> dict[str, str]:
    """``MASTODON_TOKENS``: ``instance=token`` pairs separated by commas."""
    found: dict[str, str] = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        instance, sep, token = pair.partition("=")
        if not sep or not instance.strip() or not token.strip():
            raise ConfigError("MASTODON_TOKENS must be instance=token pairs separated by commas")
        found[instance.strip().lower()] = token.strip()
    return found


def by_instance(accounts: tuple[str, ...]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for account in accounts:
        user, _, instance = account.partition("@")
        grouped.setdefault(instance.lower(), []).append(user)
    return grouped


def build(kit: Kit) -> list[Source]:
    from bot.sources.mastodon.source import InstanceOptions, InstanceSource  # only when switched on

    s, config = kit.settings, kit.config()
    keys = tokens(s.mastodon_tokens)
    instances = by_instance(config.mastodon)
    if config.mastodon_hashtags and not instances:
        log.warning("hashtags.mastodon lists hashtags but accounts.mastodon names no instance to read them on")
    return [InstanceSource(instance, users, list(config.mastodon_hashtags), kit,
                           InstanceOptions(s.mastodon_url, s.mastodon_every, keys.get(instance)))
            for instance, users in instances.items()]


PLUGIN = SourcePlugin(name="mastodon", switch="mastodon", wanted=lambda kit: bool(kit.config().mastodon),
                      build=build, reloads=True)
