"""The poll schedule shared by HTTP-polling sources: poll, then wait (jittered), back off on errors.

:func:`poll_loop` runs ``once()`` (one poll: an async iterator of items) at start and then
every ``every()`` seconds give or take 10 % (so a hundred feeds do not fire together).
A :class:`~bot.sources.poller.PollError` is logged, recorded in the health (``failing``) and
retried after a jittered exponential back-off from ``backoff``, never sooner than the
server's ``Retry-After``. Any other exception escapes to the supervisor, which restarts the
source. Long waits are cut into slices so the watchdog sees the source waiting, not hung.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from bot.sources.backoff import Jittered, jitter
from bot.sources.base import Collected, SourceHealth
from bot.sources.clock import Clock, pause
from bot.sources.poller import PollError

log = logging.getLogger(__name__)
SLICE_S = 60.0


async def wait(clock: Clock, seconds: float, stop: asyncio.Event, health: SourceHealth) -> bool:
    """Wait ``seconds`` (True when stopped first), telling the watchdog at least every minute."""
    left = seconds
    while left > 0:
        step = min(left, SLICE_S)
        if await pause(clock, step, stop):
            return True
        left -= step
        health.waiting()
    return stop.is_set()


async def poll_loop(
    name: str,
    health: SourceHealth,
    clock: Clock,
    stop: asyncio.Event,
    every: Callable[[], float],
    once: Callable[[], AsyncIterator[Collected]],
    backoff: Jittered | None = None,
) -> AsyncIterator[Collected]:
    backoff = backoff or Jittered(30.0, 3600.0)
    health.connected = True
    while not stop.is_set():
        try:
            async for item in once():
                yield item
            health.alive()
            backoff.reset()
            delay = jitter(every())
        except PollError as exc:
            health.error(f"{exc.kind}: {exc}")
            delay = max(backoff.next(), exc.retry_after or 0.0)
            log.warning("poll failed", extra={"source": name, "error": str(exc)[:300], "kind": exc.kind,
                                              "retry_in_s": round(delay, 1)})
        if await wait(clock, delay, stop, health):
            break
