"""Who may do what, and how often.

Admins are the numeric ids under ``admins:`` in ``channels.yaml``; analysts are the admins plus
``analysts:`` (ids, or ``any``: everyone). Anyone else is a stranger: one polite refusal, then
silence for :data:`REFUSAL_QUIET` seconds. Each user gets at most ``per_minute`` commands a
minute (strangers too); the first command over the limit is answered once, the rest ignored.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from bot.alerts.routing import Routing
from bot.commands.base import Role

REFUSAL_QUIET = 3600.0
Verdict = Literal["ok", "first_denial", "denied"]


def role_of(user_id: int, routing: Routing) -> Role | None:
    if user_id in routing.admins:
        return "admin"
    if routing.analysts_any or user_id in routing.analysts:
        return "analyst"
    return None


class RateLimit:
    """A sliding one-minute window per user, on an injectable monotonic clock."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - 60.0:
            hits.popleft()
        if len(hits) < self.per_minute:
            hits.append(now)
            self._told.pop(user_id, None)
            self._prune(now)
            return "ok"
        if user_id in self._told:
            return "denied"
        self._told[user_id] = now
        return "first_denial"

    def wait(self, user_id: int) -> float:
        hits = self._hits.get(user_id)
        return max(0.0, hits[0] + 60.0 - self.clock()) if hits else 0.0

    def _prune(self, now: float) -> None:
        if len(self._hits) > 10_000:  # many one-off users: forget the quiet ones
            self._hits = {u: h for u, h in self._hits.items() if h and h[-1] > now - 60.0}


class Refusals:
    """Strangers: True the first time (refuse politely), then False for ``quiet`` seconds."""

    def __init__(self, quiet: float = REFUSAL_QUIET, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self.clock = clock
        self._last: dict[int, float] = {}

    def first(self, user_id: int) -> bool:
        now = self.clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.quiet:
            return False
        if len(self._last) > 10_000:
            self._last = {u: t for u, t in self._last.items() if now - t < self.quiet}
        self._last[user_id] = now
        return True
