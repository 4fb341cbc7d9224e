"""The one interface every source implements.

A source is an async iterator of :class:`Collected` items. Each item carries the Post and
the cursor value that covers it; the store commits both in one transaction, so a restart
resumes exactly after the last stored post. Sources never raise out of ``collect``: they log,
record the error in their :class:`SourceHealth`, back off and go on, until ``stop`` is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.models import Post, utcnow


@dataclass(frozen=True)
class Collected:
    """A Post plus the cursor to store with it (``None``: leave the cursor unchanged)."""

    post: Post
    cursor: str | None = None


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

    def item(self) -> None:
        self.items += 1
        self.last_item_at = self.last_activity_at = utcnow()

    def alive(self) -> None:
        """Record a sign of life without an item (keep-alive, empty poll)."""
        self.last_activity_at = utcnow()

    def error(self, message: str) -> None:
        self.errors += 1
        self.last_error = message
        self.last_activity_at = utcnow()

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
