"""Component: the chat's controls for routing and sources, and the commands' polling task when
Telegram is on (:class:`~bot.commands.polling.CommandBot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.controls import Controls
from bot.commands.layer import routing_with
from bot.commands.polling import CommandBot

if TYPE_CHECKING:
    from bot.registry import Runtime


def register(runtime: Runtime) -> None:
    """Component: controls for routing and sources; the polling task when Telegram is on."""
    if not runtime.live or runtime.settings.commands == "off":
        return
    controls = Controls(runtime.store)
    runtime.routing_layer = lambda base: routing_with(base, controls)
    runtime.source_paused = controls.source_paused
    runtime.commands = CommandBot(runtime, controls)
    runtime.tasks.append(runtime.commands.run)
