"""The admin-notify hook: anything may tell the admin chat without importing the alerts package.

Sources, the supervisor's monitor and components call ``await notifier("text")``; the
Telegram delivery component subscribes its ``Delivery.report`` (which sends plain text, once
per distinct message, and logs it). With no subscriber (delivery off, one-shot commands) the
message is only logged. A problem is logged at WARNING (the default); a confirmation (a change
applied, a source working again) passes ``level=logging.INFO``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
Listener = Callable[[str, int], Awaitable[None]]
"""``listener(message, level)``: ``level`` is the logging level the message deserves."""


class Notifier:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def __call__(self, message: str, level: int = logging.WARNING) -> None:
        """Hand ``message`` to every listener; a failing listener is logged, never raised."""
        if not self._listeners:
            log.log(level, "admin notice (no admin chat configured): %s", message)
        for listener in self._listeners:
            try:
                await listener(message, level)
            except Exception as exc:  # telling the admin must never take the caller down
                log.error("admin notice not delivered", extra={"error": repr(exc)})
