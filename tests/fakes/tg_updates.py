"""``getUpdates``: a queue of updates with long polling, as telegram-bot-api serves it.

``offset`` confirms (drops) every update with a lower ``update_id``; ``timeout`` holds an empty
poll up to that many (real) seconds, ended early by a new update. A poll that has to wait while
another is held terminates the held one with 409 ``Conflict: terminated by other getUpdates
request; …`` (two bot instances polling one token).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.fakes.tg_errors import ApiError

CONFLICT = ApiError(
    409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


class UpdateQueue:
    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._updates: list[dict[str, Any]] = []
        self._next_id = 1
        self._holder = 0  # ticket of the poll currently held; 0 = none
        self._tickets = 0
        self.closing = False

    def push(self, update: dict[str, Any]) -> int:
        """Queue ``update`` (its ``update_id`` is assigned here) and wake a held poll."""
        with self._cond:
            update_id = self._next_id
            self._next_id += 1
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    @property
    def held(self) -> bool:
        """True while a long poll is waiting for updates."""
        with self._cond:
            return self._holder != 0

    def pending(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._updates)

    def clear(self) -> None:
        with self._cond:
            self._updates.clear()

    def poll(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        with self._cond:
            self._confirm(offset)
            limit = min(max(limit or 100, 1), 100)
            if self._updates or timeout <= 0 or self.closing:
                return self._updates[:limit]
            return self._hold(limit, min(timeout, 50.0))

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _hold(self, limit: int, timeout: float) -> list[dict[str, Any]]:
        self._tickets += 1
        ticket = self._holder = self._tickets
        self._cond.notify_all()  # a poll already held sees it lost its place
        deadline = time.monotonic() + timeout
        while not self._updates and not self.closing:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._cond.wait(left)
            if self._holder != ticket:
                raise CONFLICT
        if self._holder == ticket:
            self._holder = 0
        return self._updates[:limit]
