"""Wiring the collectors: sources.yaml, the shared kit, every switched-on source plugin, the monitor.

For live runs each plugin of :data:`bot.registry.SOURCES` (and any plugged in by tests) is
built when its switch (``SAHELWATCH_X``, ``_FEEDS``, ``_TELEGRAM_CHANNELS``, ``_BLUESKY``,
``_MASTODON``) is ``on``, or ``auto`` and it has something to watch. Live runs (``run``, with
its ``--replay`` sources too) get the health monitor, which persists each source's health
and reports long failures to the admin chat through ``runtime.notify``. ``sources.yaml``
edits are checked within seconds; a rejected edit keeps the last good one and is told to the
admin chat; a valid one starts, stops and restarts sources to match it
(:mod:`bot.sources.reconcile`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.config import env_name, watchlists_dir
from bot.errors import ConfigError
from bot.sources.base import Source
from bot.sources.kit import Kit, SourcePlugin
from bot.sources.monitor import Monitor
from bot.sources.poller import Poller
from bot.sources.reconcile import Follower
from bot.sources.sources_file import FILE_NAME, SourcesFileHolder
from bot.store.sources import listed_again, mark_removed

if TYPE_CHECKING:
    from bot.registry import Runtime


def switched_on(plugin: SourcePlugin, kit: Kit) -> bool:
    switch = getattr(kit.settings, plugin.switch)
    if switch == "off":
        return False
    wanted = plugin.wanted(kit)
    if switch == "on" and not wanted:
        raise ConfigError(f"{env_name(plugin.switch)}=on but there is nothing to watch for {plugin.name} "
                          f"(see {FILE_NAME} in the watchlists directory)")
    return wanted


def configured(kit: Kit) -> list[Source]:
    """Every source the switched-on plugins build from ``kit`` (none connects yet)."""
    from bot.registry import REGISTRY

    return [source for _plugin, source in built(kit, REGISTRY.sources(kit.settings))]


def built(kit: Kit, plugins: Sequence[SourcePlugin]) -> list[tuple[SourcePlugin, Source]]:
    """The sources of those of ``plugins`` switched on, each with its plugin."""
    return [(plugin, source) for plugin in plugins if switched_on(plugin, kit) for source in plugin.build(kit)]


def make_kit(runtime: Runtime, holder: SourcesFileHolder) -> Kit:
    settings = runtime.settings
    poller = Poller(timeout=settings.http_timeout, max_bytes=settings.http_max_bytes,
                    host_interval=settings.http_host_interval, user_agent=settings.http_user_agent,
                    clock=runtime.clock)
    return Kit(settings, runtime.store, holder.get, runtime.watchlist, runtime.clock, poller, runtime.notify)


def register(runtime: Runtime) -> None:
    from bot.registry import REGISTRY

    if not runtime.live:
        return
    settings = runtime.settings
    holder = SourcesFileHolder(watchlists_dir(settings) / FILE_NAME)
    kit = make_kit(runtime, holder)
    poller = kit.poller
    plugins = REGISTRY.sources(settings)
    first = built(kit, plugins)
    for plugin, source in first:
        if plugin.reloads:  # listed again while the bot was down: a fresh start
            listed_again(runtime.store, source.name)
    runtime.sources.extend(source for _plugin, source in first)
    holder.tell_rejections(runtime.notify, "sources.yaml change rejected, the last good one stays:")
    runtime.tasks.append(holder.watch)
    monitor = Monitor(runtime.store, runtime.sources, runtime.clock, runtime.notify, settings.source_alert_after,
                      interval=settings.heartbeat_seconds)
    runtime.tasks.append(monitor.run)
    reloading = [plugin for plugin in plugins if plugin.reloads]
    follower = Follower([source for plugin, source in first if plugin.reloads],
                        lambda: [source for _plugin, source in built(kit, reloading)],
                        lambda: runtime.running, monitor.retire, runtime.notify,
                        removed=lambda name: mark_removed(runtime.store, name),
                        added=lambda name: listed_again(runtime.store, name))
    holder.on_reloaded.append(follower.changed)

    async def close_poller(stop: asyncio.Event) -> None:
        await stop.wait()
        await poller.aclose()

    runtime.tasks.append(close_poller)
