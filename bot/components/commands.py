"""Component: the chat's controls for routing and sources, and the commands' polling task when
Telegram is on (:class:`~bot.commands.polling.CommandBot`).

PTB's application (``telegram.ext``, ~20 MB with the scheduler) and the routing layer are
imported only when Telegram delivery is on; the stored controls (a source paused with
``/pause``) apply either way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.commands.controls import Controls
from bot.components import alerts

if TYPE_CHECKING:
    from bot.registry import Runtime

log = logging.getLogger(__name__)


def register(runtime: Runtime) -> None:
    """Component: controls for routing and sources; the polling task when Telegram is on."""
    if not runtime.live or runtime.settings.commands == "off":
        return
    controls = Controls(runtime.store)
    runtime.source_paused = controls.source_paused
    if not alerts.wanted(runtime, alerts.channels_file(runtime)):
        if runtime.settings.commands == "on":  # asked for, and not possible: say why
            log.warning("telegram commands off: Telegram delivery is off (token or channels.yaml missing)")
        return
    from bot.commands.layer import routing_with
    from bot.commands.polling import CommandBot

    runtime.routing_layer = lambda base: routing_with(base, controls)
    runtime.commands = CommandBot(runtime, controls)
    runtime.tasks.append(runtime.commands.run)
