"""Every source runs under one supervisor: a raising source is restarted, never the end of collection.

:func:`supervise` runs ``source.collect`` from the stored cursor and hands each item on. When
``collect`` raises, the error is logged with the source's name, counted in its health
(``errors``, ``restarts``, ``last_error``; ``state`` "backing off"), and the source starts
again from its stored cursor after a jittered exponential back-off (``SAHELWATCH_SOURCE_BACKOFF_MIN``
doubling up to ``..._MAX``: 1 s to 5 min by default), reset once the source shows life again.
Other sources, the pipeline and delivery never notice. A ``collect`` that returns has stopped
for good (a replay reached its end, a source refused by its server for good): state
"stopped", not an error. Waiting is done on the injectable clock.

The monitor (:mod:`bot.sources.monitor`) turns long failures into one admin-chat message.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.models import utcnow
from bot.sources.backoff import Jittered
from bot.sources.base import Collected, Source
from bot.sources.clock import Clock, pause

log = logging.getLogger(__name__)
Emit = Callable[[str, Collected], Awaitable[None]]


@dataclass(frozen=True)
class Supervision:
    backoff_min: float = 1.0
    backoff_max: float = 300.0
    rng: random.Random | None = None


async def supervise(source: Source, emit: Emit, cursor: Callable[[], str | None], clock: Clock,
                    stop: asyncio.Event, policy: Supervision = Supervision()) -> None:
    """Run ``source`` until it ends or ``stop`` is set, restarting it whenever it raises."""
    backoff = Jittered(policy.backoff_min, policy.backoff_max, policy.rng)
    health = source.health
    health.started_at = utcnow()  # silence (watchdog, heartbeat) counts from here, not from when it was built
    while not stop.is_set():
        health.state = "running"
        try:
            await _run_once(source, emit, cursor(), stop)
        except Exception as exc:  # the whole point: one source's bug never ends collection
            if not health.failing:
                backoff.reset()  # it worked since the last failure: start again at the minimum
            delay = backoff.next()
            health.error(f"{type(exc).__name__}: {exc}")
            health.restarts += 1
            health.connected, health.state = False, "backing off"
            log.error("source failed; restarting", exc_info=exc, extra={
                "source": source.name, "error": repr(exc)[:300], "restart_in_s": round(delay, 2),
                "restarts": health.restarts})
            if await pause(clock, delay, stop):
                break
            continue
        health.finished = True
        break
    health.state = "stopped"


async def _run_once(source: Source, emit: Emit, cursor: str | None, stop: asyncio.Event) -> None:
    async for item in source.collect(cursor, stop):
        await emit(source.name, item)
        if stop.is_set():
            return
