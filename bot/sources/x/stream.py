"""The X filtered-stream source: rules in sync, one connection at a time, reconnects, no gaps.

A supervisor task syncs the rules, connects, and after every ending waits as X's policy says
(:class:`~bot.sources.backoff.Backoff`, on the injectable clock) before connecting again;
409 (no rules) waits for a watchlist change instead of retrying, 401 stops the collector and
403 raises :class:`StreamForbidden` (``XSource`` then polls). Every ending opens a *gap*;
after the next connect a backfill by recent search from the last stored id closes it. While
a gap is open posts are yielded without a cursor, so the stored cursor never passes posts
that were missed: a restart backfills from it again. The store absorbs duplicates.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bot.models import Post
from bot.sources.backoff import Backoff, Kind
from bot.sources.base import Collected
from bot.sources.clock import pause
from bot.sources.x.clients import FIELDS
from bot.sources.x.connection import Connection, Ending
from bot.sources.x.convert import parse_line
from bot.sources.x.ruleset import Shared, StreamForbidden
from bot.sources.x.search import Backfill, GapMark, id_at

log = logging.getLogger(__name__)
RETRY_KINDS: dict[str, Kind] = {"closed": "closed", "network": "network", "rate": "rate"}
__all__ = ["StreamForbidden", "XStreamSource"]


class XStreamSource:
    def __init__(self, shared: Shared) -> None:
        self.name, self.options, self.clock = shared.name, shared.options, shared.clock
        self.health, self.keeper = shared.health, shared.keeper
        options = shared.options
        self.backoff = Backoff()
        self.connection = Connection(
            options.token, options.base_url, self.clock, options.stall_seconds, options.check_seconds
        )
        self.backfill = Backfill(options, self.keeper, self.clock)
        self._out: asyncio.Queue[Post | GapMark] = asyncio.Queue()
        self._generation = 0
        self.skipped = 0
        """Malformed lines skipped (each logged once with its reason)."""
        self.since_id: str | None = None
        """The newest id stored with a cursor (or the first connect time): where backfills start."""

    # --- consumer side: what the app stores, with which cursor ------------------------------
    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        self.since_id = newest_id(cursor)
        if self.since_id is not None:
            self._open_gap()  # a restart: backfill from the stored cursor
        supervisor = asyncio.create_task(self._supervise(stop), name=f"{self.name}-supervisor")
        gap, opened, newest = False, 0, int(self.since_id or 0)
        try:
            while (item := await self._next(supervisor)) is not None:
                if isinstance(item, GapMark):
                    opened = item.generation if item.opened else opened
                    gap = item.opened or (gap and item.generation != opened)
                    continue
                newest = max(newest, int(item.platform_id))
                if not gap:
                    self.since_id = str(newest)
                yield Collected(item, None if gap else str(newest))
        finally:
            self.connection.abort()
            self.backfill.cancel()
            supervisor.cancel()
            self.health.connected = False

    async def _next(self, supervisor: asyncio.Task[None]) -> Post | GapMark | None:
        while self._out.empty():
            if supervisor.done():
                supervisor.result()  # re-raises StreamForbidden
                return None
            getter = asyncio.ensure_future(self._out.get())
            await asyncio.wait({getter, supervisor}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                return getter.result()
            getter.cancel()
        return self._out.get_nowait()

    # --- connection callbacks (event loop) ----------------------------------------------------
    def _open_gap(self) -> None:
        self._generation += 1
        self.backfill.cancel()
        self._out.put_nowait(GapMark(True, self._generation))

    def _connected(self) -> None:
        self.health.connected = True
        log.info("x stream connected", extra={"source": self.name})
        if self.since_id is None:  # nothing stored yet: a gap starts no earlier than now
            self.since_id = id_at(datetime.fromtimestamp(self.clock.wall(), UTC))
        if self._generation > self.backfill.closed_generation:
            self.backfill.start(self.since_id, self._generation, self._out.put_nowait)

    def _line(self, raw: bytes) -> None:
        """One line from the connection. Never raises: a bad line is logged, counted and skipped,
        and the connection stays up (a reconnect would cost X's 429 penalty)."""
        line = parse_line(raw, self.options.payload)
        if line.kind == "post" and line.post is not None:
            self.health.item()
            if line.problem:
                log.warning("x stream line: parts left out", extra={"source": self.name, "post": line.post.key,
                                                                     "problem": line.problem[:500]})
            if line.original is not None:
                self._out.put_nowait(line.original)
            self._out.put_nowait(line.post)
        elif line.kind == "errors":
            titles = [str(e.get("title"))[:200] for e in line.errors]
            log.warning("x stream error object", extra={"source": self.name, "errors": titles})
            self.health.error("stream errors: " + ", ".join(titles))
        elif line.kind == "malformed":
            self.skipped += 1
            log.warning(
                "malformed x stream line skipped",
                extra={"source": self.name, "problem": line.problem[:500], "bytes": len(raw),
                       "line": raw[:200].decode("utf-8", "replace")},
            )
            self.health.error(f"malformed line: {line.problem}"[:500])
        else:
            log.debug("x stream line ignored", extra={"source": self.name, "problem": line.problem})

    def _alive(self) -> None:
        self.health.alive()
        self.backoff.reset()

    # --- supervisor -----------------------------------------------------------------------------
    async def _supervise(self, stop: asyncio.Event) -> None:
        watcher = asyncio.create_task(self.keeper.watch(stop), name=f"{self.name}-rules")
        try:
            while await self.keeper.ensure(stop):
                ending = await self.connection.run(FIELDS, stop, self._connected, self._line, self._alive)
                self.health.connected = False
                if ending.kind == "stopped" or stop.is_set():
                    return
                self._open_gap()
                if await self._after(ending, stop):
                    return
            self.health.finished = self.keeper.refused
        finally:
            watcher.cancel()

    async def _after(self, ending: Ending, stop: asyncio.Event) -> bool:
        """Log, count and wait after an ending; True when the stream must stop."""
        self.health.error(f"{ending.kind}: {ending.detail}"[:500])
        if ending.kind == "forbidden":
            raise StreamForbidden(ending.detail)
        if ending.kind == "unauthorized":
            log.error("X refused the bearer token (401); X collector stopped", extra={"source": self.name})
            self.health.finished = True
            return True
        if ending.kind == "no-rules":
            log.error("x stream has no rules (409); waiting for a watchlist change", extra={"source": self.name})
            self.keeper.invalidate()
            return await self.keeper.wait_for_change(stop, idle=True)
        delay = self.backoff.next(RETRY_KINDS.get(ending.kind, "http"))
        self.health.reconnects += 1
        log.info(
            "x stream reconnecting",
            extra={"source": self.name, "reason": ending.kind, "delay_s": delay, "detail": ending.detail[:200]},
        )
        self.health.alive()  # a chosen wait, not a hang (the watchdog reads last activity)
        return await pause(self.clock, delay, stop)


def newest_id(cursor: str | None) -> str | None:
    """A stream cursor is a post id; a poll cursor (JSON of ids per query/account) gives its newest."""
    if not cursor:
        return None
    if cursor.isdigit():
        return cursor
    try:
        ids = [v for part in json.loads(cursor).values() for v in part.values()]
    except (ValueError, AttributeError, TypeError):
        return None
    return max((i for i in ids if str(i).isdigit()), key=int, default=None)
