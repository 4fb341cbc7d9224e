"""The admin-notify hook: anything may tell the admin chat without importing the alerts package.

Sources, the supervisor's monitor and components call ``await notifier("text")``; the
Telegram delivery component subscribes its ``Delivery.report`` (which sends plain text, once
per distinct message). With no subscriber (delivery off, one-shot commands) the message is
only logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
Listener = Callable[[str], Awaitable[None]]


class Notifier:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def __call__(self, message: str) -> None:
        """Hand ``message`` to every listener; a failing listener is logged, never raised."""
        if not self._listeners:
            log.warning("admin notice (no admin chat configured): %s", message)
        for listener in self._listeners:
            try:
                await listener(message)
            except Exception as exc:  # telling the admin must never take the caller down
                log.error("admin notice not delivered", extra={"error": repr(exc)})
