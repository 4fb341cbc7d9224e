"""The feeds source's plugin: on when ``SAHELWATCH_FEEDS`` is on, or ``auto`` with feeds listed
in ``sources.yaml`` (:func:`bot.sources.feeds.build`, imported only then, with feedparser)."""

from __future__ import annotations

from bot.sources.kit import SourcePlugin, deferred

PLUGIN = SourcePlugin(name="feeds", switch="feeds", wanted=lambda kit: bool(kit.config().feeds),
                      build=deferred("bot.sources.feeds:build"), reloads=True)
