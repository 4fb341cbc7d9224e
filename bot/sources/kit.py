"""The collection kit: how a source plugs into SahelWatch, and what it is given.

**Registering.** A source is a module named once, in ``SOURCES`` of :mod:`bot.registry`, with its
switch (so a source switched ``off`` is never imported; Datasette's default-plugins pattern). The
module defines ``PLUGIN``, a :class:`SourcePlugin`::

    PLUGIN = SourcePlugin(
        name="feeds",                      # also the prefix of its sources' names ("feed:...")
        switch="feeds",                    # Settings field: SAHELWATCH_FEEDS = auto | on | off
        wanted=lambda kit: bool(kit.config().feeds),   # "auto" turns it on when this is true
        build=deferred("bot.sources.feeds:build"),     # (kit) -> list of Source objects
    )

Keep the plugin module light: ``wanted`` is asked of every source not switched ``off``, so the
source itself and its libraries are imported by ``build`` (:func:`deferred`), once it is on.

The sources component (:mod:`bot.components.sources`) calls ``build(kit)`` for every plugin
that is switched on, in live runs only (``sahelwatch run``); ``on`` with nothing to watch is a
:class:`~bot.errors.ConfigError`. Nothing in a source imports the runtime or another source.
A plugin whose sources come from ``sources.yaml`` says ``reloads=True``: when the file changes,
``build`` runs again and the running sources follow it (:mod:`bot.sources.reconcile`); a source
may then have a ``spec`` (what it was built from, hashable): the same name with another spec is
restarted with the new one.

**What a source gets** (:class:`Kit`): ``settings`` (every ``SAHELWATCH_*`` value), ``store``
(read-only use: ``bot.store.sources.known`` for remembered ids; never write outside items),
``config()`` (the last good ``watchlists/sources.yaml``, :class:`~bot.sources.sources_file.SourcesConfig`),
``watchlist`` (the hot-reloading watchlist holder; ``.matcher``, ``.watchlist``,
``.on_reloaded``), ``clock`` (injectable; wait only with :func:`bot.sources.clock.pause` or
:func:`bot.sources.polling.wait`), ``poller`` (the shared polite HTTP poller,
:class:`~bot.sources.poller.Poller`), ``notify`` (``await kit.notify("text")`` tells the admin
chat), and :meth:`Kit.is_news` for the first-poll age rule.

**Checking** (optional): a source with ``async def check(self) -> str`` (:class:`Checkable`) is
tried once by ``sahelwatch sources --check``: return a one-line summary of what it found, raise
when it fails (the message is shown).

**What a source is** (:class:`~bot.sources.base.Source`): ``name``, ``health``
(:class:`~bot.sources.base.SourceHealth`) and ``collect(cursor, stop)``, an async iterator of
:class:`~bot.sources.base.Collected`. Each item carries its Post (or ``None`` for a cursor-only
update), the cursor covering it, ``alert`` (False for history) and ``seen`` (an id to remember);
the ingest task stores post, cursor and seen id in ONE transaction, in queue order.

**Rules.** Call ``health.alive()`` after every successful connect or poll (even empty),
``health.item()`` for each item yielded, ``health.skip(msg)`` for a bad item (skipped, counted,
logged with where it was), ``health.error(msg)`` for a failed attempt.
Let unexpected exceptions escape: the supervisor logs them with the source's name, counts
them and restarts ``collect`` from the stored cursor with jittered back-off (1 s to 5 min);
failing longer than ``SAHELWATCH_SOURCE_ALERT_AFTER`` is told once to the admin chat, and once
more on recovery. For polling use :func:`bot.sources.polling.poll_loop`; for streams
:class:`bot.sources.websocket.WebSocketReader`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.config import Settings
from bot.models import utcnow
from bot.notify import Notifier
from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.sources.base import Source
from bot.sources.clock import Clock
from bot.sources.poller import Poller
from bot.sources.sources_file import SourcesConfig
from bot.store.db import Store


@dataclass
class Kit:
    settings: Settings
    store: Store
    config: Callable[[], SourcesConfig]
    watchlist: WatchlistHolder | None
    clock: Clock
    poller: Poller
    notify: Notifier

    def is_news(self, created_at: datetime, first_poll: bool, now: datetime | None = None) -> bool:
        """False for an item found on the first poll of a new feed/channel and older than the limit."""
        if not first_poll:
            return True
        limit = timedelta(seconds=self.settings.new_source_alert_age)
        return (now or utcnow()) - created_at <= limit


@runtime_checkable
class Checkable(Protocol):
    """A source that can be tried once for ``sahelwatch sources --check`` (optional)."""

    async def check(self) -> str:
        """Fetch once and say what was found; raise (any exception) when it fails."""
        ...


@dataclass(frozen=True)
class SourcePlugin:
    name: str
    switch: str
    """The Settings field of its ``auto|on|off`` switch (``feeds`` -> ``SAHELWATCH_FEEDS``)."""
    wanted: Callable[[Kit], bool]
    """True when it has something to watch (``auto`` is then on)."""
    build: Callable[[Kit], Sequence[Source]]
    reloads: bool = False
    """True when its sources come from ``sources.yaml``: they are built again when the file changes
    and the running ones follow it (:mod:`bot.sources.reconcile`; ``build`` must then have no side
    effect beyond making the source objects)."""


def deferred(target: str) -> Callable[[Kit], Sequence[Source]]:
    """A ``build`` that imports ``"module:function"`` when it is first called: a plugin module stays
    light, and a source that is not switched on costs no import (its parsers, httpx, websockets,
    tweepy: ~25 MB a ``run`` never uses)."""
    module, name = target.split(":")

    def build(kit: Kit) -> Sequence[Source]:
        built: Sequence[Source] = getattr(importlib.import_module(module), name)(kit)
        return built

    return build
