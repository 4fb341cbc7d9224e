"""Replay source: posts from a JSONL file (the format ``sahelwatch export`` writes).

The cursor is the number of the last line consumed, so a restarted run resumes after it.
With ``speed`` set, posts are paced at their original ``created_at`` gaps divided by
``speed`` (``speed=60``: one hour of posts in one minute). Malformed lines are logged with
their line number and skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from bot.sources.base import Collected, SourceHealth
from bot.sources.jsonl import read_lines
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


def sample_path() -> Path:
    """The bundled demo data set (synthetic posts; no network needed)."""
    return Path(str(resources.files("bot") / "data" / "sample.jsonl"))


class ReplaySource:
    def __init__(self, path: str | Path, *, speed: float | None = None, name: str | None = None,
                 sleep: Sleep = asyncio.sleep, limits: PayloadLimits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        self.skipped: list[tuple[int, str]] = []
        """(line number, reason) of every line skipped."""
        self.speed = speed
        self.name = name or f"replay:{self.path.name}"
        self.health = SourceHealth(self.name)
        self._sleep = sleep

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        start_after = int(cursor) if cursor and cursor.isdigit() else 0
        previous: datetime | None = None
        self.health.connected = True
        with self.path.open("rb") as stream:
            for line in read_lines(stream, start_after=start_after, limits=self.limits):
                if stop.is_set():
                    break
                if line.post is None:
                    log.warning("malformed line skipped", extra={"source": self.name, "file": str(self.path),
                                                                  "line": line.number, "error": line.error})
                    self.health.error(f"line {line.number}: {line.error}")
                    self.skipped.append((line.number, str(line.error)))
                    continue
                await self._pace(previous, line.post.created_at)
                previous = line.post.created_at
                self.health.item()
                yield Collected(line.post, str(line.number))
        self.health.connected = False
        self.health.finished = True

    async def _pace(self, previous: datetime | None, current: datetime) -> None:
        if not self.speed or previous is None:
            await asyncio.sleep(0)
            return
        gap = (current - previous).total_seconds() / self.speed
        if gap > 0:
            await self._sleep(gap)
