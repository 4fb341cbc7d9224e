"""Flood control and scripted failures for the fake Bot API.

Sliding windows over an injectable clock (so tests never sleep): 20 messages per 60 s per group
or channel, 1 per second per private chat, 30 per second overall. A send over a window gets 429
``Too Many Requests: retry after N`` with ``parameters.retry_after = N`` (whole seconds until a slot
frees). :class:`FaultScript` queues failures a test wants on the next matching calls.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.tg_errors import ApiError, too_many_requests

Clock = Callable[[], float]


class ManualClock:
    """A clock that only moves when told: ``clock.advance(60)``."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class FloodLimits:
    """``(messages, seconds)`` per window; ``enabled=False`` turns flood control off."""

    group: tuple[int, float] = (20, 60.0)
    private: tuple[int, float] = (1, 1.0)
    overall: tuple[int, float] = (30, 1.0)
    enabled: bool = True


class FloodControl:
    def __init__(self, clock: Clock = time.monotonic, limits: FloodLimits | None = None) -> None:
        self.clock = clock
        self.limits = limits or FloodLimits()
        self._windows: dict[object, deque[float]] = {}

    def take(self, chat_id: int, chat_type: str, count: int = 1) -> None:
        """Count ``count`` messages to ``chat_id`` now, or raise 429 without counting any."""
        if not self.limits.enabled:
            return
        now = self.clock()
        per_chat = self.limits.private if chat_type == "private" else self.limits.group
        checks = [(("chat", chat_id), per_chat), ("overall", self.limits.overall)]
        waits = [self._wait(key, limit, count, now) for key, limit in checks]
        if max(waits) > 0:
            raise too_many_requests(max(waits))
        for key, _ in checks:
            self._windows[key].extend([now] * count)

    def _wait(self, key: object, limit: tuple[int, float], count: int, now: float) -> int:
        most, period = limit
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - period:
            window.popleft()
        excess = len(window) + count - most
        if excess <= 0:
            return 0
        if count > most:
            return math.ceil(period)
        return max(1, math.ceil(window[excess - 1] + period - now))


@dataclass
class Fault:
    """What to do to the next ``times`` calls of ``method`` (to ``chat_id``, when given).

    ``error``: answer with it. ``disconnect``: close the connection without an answer (a network
    error). ``after_delivery``: deliver the message, then close without an answer (the client
    cannot tell it was sent).
    """

    method: str
    chat_id: int | None = None
    error: ApiError | None = None
    times: int = 1
    disconnect: bool = False
    after_delivery: bool = False


class FaultScript:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        """Use up one matching fault (first added first), or return None."""
        for fault in self._faults:
            same_chat = fault.chat_id is None or fault.chat_id == chat_id
            if fault.method.lower() == method.lower() and same_chat and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def pending(self) -> int:
        return sum(f.times for f in self._faults)
