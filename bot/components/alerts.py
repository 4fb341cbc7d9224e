"""Component: delivery (Telegram, and the transports of :mod:`bot.alerts.destinations`) in a running
SahelWatch, and hot reload of ``channels.yaml``.

Delivery is on when ``SAHELWATCH_TELEGRAM`` is ``on``, or ``auto`` with a bot token and a
``channels.yaml`` in the watchlists directory, and only for long-running commands (``run``).
An edit of ``channels.yaml`` is picked up within seconds; an invalid edit is logged with its
``file:line:column`` problems, reported to the admin chat, and the last good routing stays.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import watchlists_dir
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.alerts.routing import Routing
    from bot.registry import Runtime


def channels_file(runtime: Runtime) -> Path:
    return watchlists_dir(runtime.settings) / "channels.yaml"


def wanted(runtime: Runtime, path: Path) -> bool:
    settings = runtime.settings
    if settings.telegram == "off" or not runtime.live:
        return False
    if settings.telegram == "on" and not path.is_file():
        raise ConfigError(f"SAHELWATCH_TELEGRAM=on but {path} does not exist")
    return bool(settings.telegram_bot_token) and path.is_file()


def register(runtime: Runtime) -> None:
    """Component: outbox hook on the store, Delivery as sink and task, channels.yaml watcher."""
    path = channels_file(runtime)
    if not wanted(runtime, path):
        return
    from bot.alerts.bot import make_bot  # PTB (~20 MB) only with delivery on
    from bot.alerts.channels import RoutingHolder
    from bot.alerts.delivery import Delivery
    from bot.alerts.destinations import DESTINATIONS
    from bot.alerts.limits import AlertLimits
    from bot.alerts.outbox import enqueue_hook
    from bot.alerts.pacing import Pacer

    watchlist = runtime.watchlist
    settings = runtime.settings
    holder = RoutingHolder(path, (lambda: {t.name for t in watchlist.watchlist.topics}) if watchlist else None,
                           settings.languages,
                           (lambda: {t.name: t.shown for t in watchlist.watchlist.topics}) if watchlist else None)
    layer = runtime.routing_layer  # the chat's subscriptions and mutes (bot.commands)
    route: Callable[[], Routing] = (lambda: layer(holder.get())) if layer else holder.get
    bot = make_bot(str(settings.telegram_bot_token), settings.telegram_api_url)
    limits = AlertLimits(url_chars=settings.alert_max_url_chars)
    pacer = Pacer(channel_interval=settings.telegram_pace, private_interval=settings.telegram_private_pace)
    delivery = Delivery(runtime.store, bot, route, pacer=pacer, limits=limits,
                        transports=[d.build(settings) for d in DESTINATIONS])
    holder.tell_rejections(delivery.report, "channels.yaml change rejected, the last good routing stays:")
    if watchlist is not None:
        watchlist.tell_rejections(delivery.report, "watchlist change rejected, the last good watchlist stays:")
    runtime.notify.subscribe(delivery.report)
    runtime.store.alert_hooks.append(enqueue_hook(route))
    runtime.delivery, runtime.routing_holder = delivery, holder
    runtime.sinks.append(delivery)
    runtime.tasks.extend([delivery.run, holder.watch])
