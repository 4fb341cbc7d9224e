"""The one place that names SahelWatch's components and sources, and the typed object they fill.

Modelled on Datasette's default plugins: :data:`COMPONENTS` and :data:`SOURCES` list module
names; nothing imports those modules statically, so they import this module (for
:class:`Runtime` and :class:`~bot.sources.kit.SourcePlugin`) and never ``bot.runtime``.

* A **component** module defines ``register(runtime: Runtime) -> None``: it looks at the
  settings and adds what it needs (a source, a sink, a background task, a store hook, a typed
  shared object such as the watchlist holder). Components run in the listed order.
* A **source** module defines ``PLUGIN`` (:class:`~bot.sources.kit.SourcePlugin`); the sources
  component builds those switched on (see :mod:`bot.sources.kit` for the kit API).

Tests add a source for the length of a ``with REGISTRY.plugged(plugin):`` block.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.app import App, Sink, Task
from bot.config import Settings
from bot.notify import Notifier
from bot.sources.base import Source
from bot.sources.clock import Clock, SystemClock
from bot.sources.supervisor import Supervision
from bot.store.db import Store

if TYPE_CHECKING:
    from bot.alerts.channels import RoutingHolder
    from bot.alerts.delivery import Delivery
    from bot.alerts.routing import Routing
    from bot.commands.polling import CommandBot
    from bot.pipeline.enrich import Enrichment, EnrichmentHolder
    from bot.pipeline.language import LanguageTagger
    from bot.pipeline.watchlist_reload import WatchlistHolder
    from bot.sources.kit import SourcePlugin

COMPONENTS = (
    "bot.components.watchlist",
    "bot.components.pipeline",
    "bot.components.sources",
    "bot.components.commands",
    "bot.components.alerts",
    "bot.watchdog",
    "bot.components.metrics",
)
LIVE_ONLY = frozenset({
    "bot.components.sources", "bot.components.commands", "bot.components.alerts", "bot.watchdog",
    "bot.components.metrics",
})
"""Components that add nothing to one-shot commands (``live`` False: demo, replay, analyze), so
those never import them. A live run imports only what is switched on as well: each component
and source plugin module is light and imports its parts (tweepy, PTB, httpx, feedparser,
websockets, prometheus_client: ~35 MB in all) once it knows they are wanted
(``tests/test_registry_live.py``)."""
SOURCES = {
    "bot.sources.x.component": "x",
    "bot.sources.feeds_component": "feeds",
    "bot.sources.telegram_web.component": "telegram_channels",
    "bot.sources.bluesky.component": "bluesky",
    "bot.sources.mastodon.component": "mastodon",
}
"""Source module -> its ``PLUGIN.switch`` (the Settings field): a source switched ``off`` is not even
imported (tweepy alone is ~8 MB)."""


@dataclass
class Runtime:
    """What the components assemble: the App's parts plus the typed objects they share."""

    settings: Settings
    store: Store
    live: bool = True
    """False for one-shot commands (demo, replay, analyze): no network components."""
    clock: Clock = field(default_factory=SystemClock)
    notify: Notifier = field(default_factory=Notifier)
    sources: list[Source] = field(default_factory=list)
    sinks: list[Sink] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    watchlist: WatchlistHolder | None = None
    language: LanguageTagger | None = None
    enrichment: Enrichment | EnrichmentHolder | None = None
    routing_layer: Callable[[Routing], Routing] | None = None
    """bot.commands: the chat's subscriptions and mutes laid over channels.yaml's routing."""
    source_paused: Callable[[str], bool] | None = None  # bot.commands: /pause of a source
    delivery: Delivery | None = None
    routing_holder: RoutingHolder | None = None
    commands: CommandBot | None = None
    running: App | None = None
    """The App once built (commands and metrics read its queue and summary)."""

    def app(self) -> App:
        from bot.pipeline import build_pipeline

        shared = {k: v for k, v in (("watchlist", self.watchlist), ("language", self.language),
                                    ("enrichment", self.enrichment)) if v is not None}
        pipeline = build_pipeline(self.settings, self.store, **shared)
        s = self.settings
        self.running = App(self.store, pipeline, self.sources, self.sinks, self.tasks, s.queue_size,
                           clock=self.clock, supervision=Supervision(s.source_backoff_min, s.source_backoff_max),
                           batch_size=s.batch_size, batch_wait_s=s.batch_ms / 1000)
        if self.source_paused is not None:
            self.running.paused = self.source_paused
        return self.running


Component = Callable[[Runtime], None]


class Registry:
    def __init__(self, components: Sequence[str], sources: Mapping[str, str],
                 live_only: frozenset[str] = frozenset()) -> None:
        self._components, self._sources, self._live_only = tuple(components), dict(sources), live_only
        self._plugged: list[SourcePlugin] = []

    def components(self, live: bool = True) -> list[Component]:
        """The components' ``register`` functions in order (for a one-shot command: not the live-only ones)."""
        return [importlib.import_module(name).register for name in self._components
                if live or name not in self._live_only]

    def sources(self, settings: Settings | None = None) -> list[SourcePlugin]:
        """Every source plugin (with ``settings``: but those switched ``off`` there, never imported)."""
        wanted = [name for name, switch in self._sources.items()
                  if settings is None or getattr(settings, switch) != "off"]
        return [importlib.import_module(name).PLUGIN for name in wanted] + self._plugged

    @contextmanager
    def plugged(self, plugin: SourcePlugin) -> Iterator[None]:
        """Add ``plugin`` to the sources for the length of the block (tests)."""
        self._plugged.append(plugin)
        try:
            yield
        finally:
            self._plugged.remove(plugin)


REGISTRY = Registry(COMPONENTS, SOURCES, LIVE_ONLY)
