"""Assembles a running SahelWatch from settings: store, pipeline, sources, sinks, tasks.

Components are small functions that look at the settings and register what they need on
the :class:`Runtime` (a source, a background task, a store hook, a shared object for the
pipeline). Each lives beside the code it wires; this module only lists them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import App, Sink, Task
from bot.config import Settings
from bot.pipeline import build_pipeline
from bot.sources.base import Source
from bot.store.db import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    sources: list[Source] = field(default_factory=list)
    sinks: list[Sink] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    live: bool = True
    """False for one-shot commands (demo, replay, analyze): no network components."""

    def app(self) -> App:
        pipeline = build_pipeline(self.settings, self.store, **self.extras)
        return App(self.store, pipeline, self.sources, self.sinks, self.tasks, self.settings.queue_size)


Component = Callable[[Runtime], None]


def components() -> list[Component]:
    """Every component, in wiring order (shared objects first, then sources, then delivery)."""
    from bot import watchdog  # these import Runtime from here
    from bot.alerts.component import telegram_delivery
    from bot.pipeline.component import dedupe_component, enrich_component, language_component
    from bot.sources.x.component import x_component
    from bot.watchlist.component import watchlist_component

    return [watchlist_component, language_component, dedupe_component, enrich_component, x_component,
            telegram_delivery, watchdog.component]


def assemble(settings: Settings, store: Store, *, live: bool = True) -> Runtime:
    runtime = Runtime(settings, store, live=live)
    for component in components():
        component(runtime)
    return runtime


def default_watchlists() -> Path:
    """The shipped watchlists: the ``watchlists/`` folder beside the package (repo checkout or image)."""
    return Path(__file__).resolve().parent.parent / "watchlists"


def watchlists_dir(settings: Settings) -> Path:
    """The admin's directory when it exists, else the shipped defaults (zero-config demo)."""
    return settings.watchlists if settings.watchlists.is_dir() else default_watchlists()
