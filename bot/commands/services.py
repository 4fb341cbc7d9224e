"""What command handlers may reach in the running bot: store, settings, chat controls, the
watchlist and routing holders, delivery, sources and the app's queue.

Everything is looked up on the assembled runtime (:class:`~bot.registry.Runtime`, seen here
through the :class:`Assembled` protocol so that ``bot.commands`` does not import the registry)
when a command runs, so the commands component can be wired before delivery and before the CLI
adds replay sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.alerts.routing import Routing
from bot.commands.controls import Controls
from bot.config import Settings, watchlists_dir
from bot.models import utcnow
from bot.sources.base import Source
from bot.store.db import Store
from bot.watchlist.filewatch import FileHolder

if TYPE_CHECKING:
    from bot.alerts.channels import RoutingHolder
    from bot.alerts.delivery import Delivery
    from bot.app import App
    from bot.pipeline.enrich import Enrichment, EnrichmentHolder
    from bot.pipeline.watchlist_reload import WatchlistHolder


class Assembled(Protocol):
    """What commands read of :class:`bot.registry.Runtime` (which satisfies it)."""

    settings: Settings
    store: Store
    sources: list[Source]
    watchlist: WatchlistHolder | None
    delivery: Delivery | None
    routing_holder: RoutingHolder | None
    enrichment: Enrichment | EnrichmentHolder | None
    running: App | None


@dataclass
class Services:
    runtime: Assembled
    controls: Controls
    routing: Callable[[], Routing]  # channels.yaml with the chat's subscriptions and mutes
    clock: Callable[[], datetime] = utcnow
    started_at: datetime = field(default_factory=utcnow)

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def watchlists(self) -> Path:
        return watchlists_dir(self.settings)

    @property
    def watchlist(self) -> WatchlistHolder | None:
        return self.runtime.watchlist

    @property
    def routing_holder(self) -> RoutingHolder | None:
        return self.runtime.routing_holder

    @property
    def events_holder(self) -> FileHolder[Enrichment] | None:
        """``events.yaml`` as the running bot reloads it (None when it was read once)."""
        found = self.runtime.enrichment
        return found if isinstance(found, FileHolder) else None

    @property
    def delivery(self) -> Delivery | None:
        return self.runtime.delivery

    @property
    def app(self) -> App | None:
        return self.runtime.running

    @property
    def sources(self) -> Sequence[Source]:
        return self.runtime.sources

    def topics(self) -> list[str]:
        """The topic names chat users may name (``internal:`` topics are never shown)."""
        holder = self.watchlist
        return sorted(t.name for t in holder.watchlist.topics if t.shown is not None) if holder else []

    def queue_depth(self) -> int:
        app = self.app
        return app.queue.qsize() if app is not None and app.queue is not None else 0
