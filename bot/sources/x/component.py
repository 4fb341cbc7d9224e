"""The X source's plugin: on when ``SAHELWATCH_X`` is on, or ``auto`` with a bearer token
(:func:`bot.sources.x.source.build`, imported only then: tweepy is ~7 MB)."""

from __future__ import annotations

from bot.sources.kit import SourcePlugin, deferred

PLUGIN = SourcePlugin(name="x", switch="x", wanted=lambda kit: bool(kit.settings.x_bearer_token),
                      build=deferred("bot.sources.x.source:build"))
