"""Source health as data: persisted per source, failures reported once to the admin chat.

The monitor task wakes every ``interval`` seconds on the injectable clock. For each source it

* writes the health row (``source_health``: state, counters, last item, last error, cursor),
  read by ``sahelwatch stats``, ``health`` and ``sources``;
* tracks how long the source has been ``failing`` (an error with no item or sign of life
  since). Past ``alert_after`` seconds it tells the admin chat once; when the source works
  again it tells once more. A source that stopped for good is not failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import utcnow
from bot.notify import Notifier
from bot.sources.base import Source
from bot.sources.clock import Clock, pause
from bot.store.db import Store
from bot.store.sources import put_health
from bot.store.state import cursors

log = logging.getLogger(__name__)


@dataclass
class Track:
    since: float | None = None
    since_wall: str | None = None
    reported: bool = False


@dataclass
class Monitor:
    store: Store
    sources: Sequence[Source]
    clock: Clock
    notify: Notifier
    alert_after: float
    interval: float = 5.0

    def __post_init__(self) -> None:
        self._tracks: dict[str, Track] = {}

    async def run(self, stop: asyncio.Event) -> None:
        while True:
            await self.check()
            if await pause(self.clock, self.interval, stop):
                break
        await asyncio.sleep(0)  # let the supervisors mark their sources stopped
        self.persist()

    async def check(self) -> None:
        now = self.clock.now()
        for source in list(self.sources):
            await self._follow(source, self._tracks.setdefault(source.name, Track()), now)
        self.persist()

    async def _follow(self, source: Source, track: Track, now: float) -> None:
        health = source.health
        if health.failing and not health.finished:
            if track.since is None:
                track.since, track.since_wall = now, utcnow().isoformat()
            if not track.reported and now - track.since >= self.alert_after:
                track.reported = True
                await self.notify(f"Source {source.name} has been failing for {_span(now - track.since)}; "
                                  f"it keeps retrying. Last error: {(health.last_error or '?')[:300]}")
            return
        if track.reported:
            span = _span(now - (now if track.since is None else track.since))  # a clock may start at 0
            await self.notify(f"Source {source.name} works again after failing for {span}.", logging.INFO)
        track.since, track.since_wall, track.reported = None, None, False

    def persist(self) -> None:
        self._write(list(self.sources))

    def retire(self, source: Source) -> None:
        """``source`` stopped for good while the bot runs (removed from ``sources.yaml``): its last
        health row (state ``stopped``) is written and it is followed no more."""
        self._write([source])
        self._tracks.pop(source.name, None)

    def _write(self, sources: Sequence[Source]) -> None:
        try:
            stored = cursors(self.store)
            with self.store.write() as db:
                for source in sources:
                    track = self._tracks.get(source.name, Track())
                    values = {**source.health.as_dict(), "failing_since": track.since_wall,
                              "reported": int(track.reported), "cursor": stored.get(source.name)}
                    put_health(db, source.name, values)
        except Exception as exc:  # a locked or full database: health goes stale, `health` says so
            log.warning("source health not written", extra={"error": repr(exc)})


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"
