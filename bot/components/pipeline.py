"""Wiring for the language, dedupe and enrich stages.

- :func:`language_component` loads the configured detector while the runtime is assembled
  (the model takes ~0.5 s to load: before any source starts, not during ingestion).
- :func:`dedupe_component` adds the prune task that keeps the dedupe index to its window:
  every ``every`` seconds (and once at start) it deletes index rows for posts created more
  than ``window`` before the newest indexed post, or before now if that is earlier
  (:func:`bot.pipeline.dedupe_index.prune`), in its own write transaction: an archive replayed
  through ``run --replay`` keeps its own window instead of being pruned by today's clock.
  Stored posts and their ``duplicate_of`` are never touched. Every command that writes
  (demo, replay, analyze too) also prunes every 10,000 stored posts relative to the newest
  post it has seen (replayed posts carry their own time).
- :func:`enrich_component` loads the gazetteer (~0.5 s) and ``events.yaml`` while the runtime
  is assembled, for the same reason as the language model; ``run`` reloads ``events.yaml``
  when it changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.app import Task
from bot.models import utcnow
from bot.pipeline.dedupe import DedupeSettings
from bot.pipeline.dedupe_index import WindowPrune, newest_indexed, prune
from bot.pipeline.enrich import enrichment_holder, load_enrichment
from bot.pipeline.language import LanguageSettings, tagger_for
from bot.store.db import Store

if TYPE_CHECKING:
    from bot.registry import Runtime

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 3600.0


def prune_task(
    store: Store, window: timedelta, every: float = PRUNE_EVERY_S, now: Callable[[], datetime] = utcnow
) -> Task:
    async def run(stop: asyncio.Event) -> None:
        while True:
            with store.write() as db:
                newest = newest_indexed(db)
                dropped = 0 if newest is None else prune(db, min(now(), newest) - window)
            log.info("dedupe index pruned", extra={"dropped": dropped, "window_days": window.days})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if stop.is_set():
                return

    return run


def dedupe_component(runtime: Runtime) -> None:
    """Component: the hourly prune task for ``run``; in every command that writes, a prune every
    10,000 stored posts relative to the newest post seen (:class:`WindowPrune`)."""
    window = DedupeSettings.from_settings(runtime.settings).window
    runtime.sinks.append(WindowPrune(runtime.store, window))
    if runtime.live:
        runtime.tasks.append(prune_task(runtime.store, window))


def language_component(runtime: Runtime) -> None:
    """Component: the language tagger, shared with the pipeline."""
    runtime.language = tagger_for(LanguageSettings.from_settings(runtime.settings))


def enrich_component(runtime: Runtime) -> None:
    """Component: the gazetteer and event rules (loaded now, before any source starts); a live run
    reloads ``events.yaml`` when it changes, and tells the admin chat about a refused edit."""
    if not runtime.live:
        runtime.enrichment = load_enrichment(runtime.settings)
        return
    holder = enrichment_holder(runtime.settings)
    holder.tell_rejections(runtime.notify, "events.yaml change rejected, the last good event rules stay:")
    runtime.enrichment = holder
    runtime.tasks.append(holder.watch)


def register(runtime: Runtime) -> None:
    language_component(runtime)
    dedupe_component(runtime)
    enrich_component(runtime)
