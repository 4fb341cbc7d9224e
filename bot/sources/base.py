"""The one interface every source implements.

A source is an async iterator of :class:`Collected` items. Each item carries the Post and
the cursor value that covers it; the store commits both in one transaction, so a restart
resumes exactly after the last stored post. Sources should not raise out of ``collect``: they
log, record the error in their :class:`SourceHealth`, back off and go on, until ``stop`` is
set. When one does raise anyway, the supervisor (:mod:`bot.sources.supervisor`) logs and
counts it and restarts the source from its stored cursor after a jittered back-off.

``SourceHealth.failing`` is what the admin-chat report reads: ``error()`` sets it, ``item()``
and ``alive()`` (a successful connect, an empty poll, a keep-alive) clear it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from bot.models import Post, utcnow


@dataclass(frozen=True)
class Collected:
    """A Post plus the cursor to store with it (``None``: leave the cursor unchanged).

    ``post`` may be ``None`` for a cursor-only item (a poll that found nothing new but got new
    validators): it goes through the queue so it is stored after the posts before it.
    """

    post: Post | None
    cursor: str | None = None
    alert: bool = True
    """False: store the post but alert nobody (history found on the first poll of a new feed)."""
    seen: str | None = None
    """An item id the source remembers (``bot.store.sources.known``), committed with the post."""


State = Literal["starting", "running", "backing off", "stopped"]


@dataclass
class SourceHealth:
    """What ``sahelwatch stats``, the heartbeat and the watchdog read about a source."""

    name: str
    connected: bool = False
    started_at: datetime = field(default_factory=utcnow)
    last_item_at: datetime | None = None
    last_activity_at: datetime | None = None
    items: int = 0
    errors: int = 0
    reconnects: int = 0
    last_error: str | None = None
    finished: bool = False
    state: State = "starting"
    restarts: int = 0
    skipped: int = 0
    failing: bool = False

    def item(self) -> None:
        self.items += 1
        self.last_item_at = self.last_activity_at = utcnow()
        self.failing = False

    def alive(self) -> None:
        """Record a sign of life without an item (keep-alive, empty poll, successful connect)."""
        self.last_activity_at = utcnow()
        self.failing = False

    def waiting(self) -> None:
        """A planned wait (back-off, Retry-After) goes on: shown to the watchdog, ``failing`` unchanged."""
        self.last_activity_at = utcnow()

    def error(self, message: str) -> None:
        self.errors += 1
        self.last_error = message[:500]
        self.last_activity_at = utcnow()
        self.failing = True

    def skip(self, message: str) -> None:
        """Count a bad item that was skipped; the source itself is fine (not ``failing``)."""
        self.skipped += 1
        self.last_error = message[:500]

    def as_dict(self) -> dict[str, object]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(self).items()}


@runtime_checkable
class Source(Protocol):
    """A named producer of Posts that resumes from a stored cursor."""

    name: str
    health: SourceHealth

    def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        """Yield items after ``cursor`` until exhausted or ``stop`` is set."""
        ...
