"""What a ``webhook:`` channel of ``channels.yaml`` names, apart from the transport that sends to it
(:mod:`bot.alerts.webhook`, which imports httpx): reading and checking the file never needs it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts.transport import Target


@dataclass(frozen=True)
class WebhookTarget(Target):
    """A ``webhook:`` destination of ``channels.yaml``. The secret itself is read at send time."""

    url: str
    secret_env: str | None = None
    secret_file: str | None = None
