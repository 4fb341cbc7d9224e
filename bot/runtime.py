"""Assembles a running SahelWatch from settings: store, pipeline, sources, sinks, tasks.

The components and sources are named in :mod:`bot.registry`; this module only runs them in
order on a fresh :class:`~bot.registry.Runtime`. It names no source and no component.
"""

from __future__ import annotations

from bot import heap
from bot.config import Settings, default_watchlists, watchlists_dir
from bot.registry import REGISTRY, Registry, Runtime
from bot.sources.clock import Clock, SystemClock
from bot.store.db import Store

__all__ = ["Runtime", "assemble", "default_watchlists", "watchlists_dir"]


def assemble(settings: Settings, store: Store, *, live: bool = True, clock: Clock | None = None,
             registry: Registry = REGISTRY) -> Runtime:
    runtime = Runtime(settings, store, live=live, clock=clock or SystemClock())
    for register in registry.components(live):
        register(runtime)
    heap.trim()  # what loading the models and lists freed (bot.heap)
    return runtime
