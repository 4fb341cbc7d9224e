"""Our own flood control: space sends so Telegram never has to refuse them.

Telegram allows about 20 messages a minute in a group or channel, one a second in a private
chat and 30 a second overall. A :class:`Pacer` keeps one message per ``channel_interval``
(3 s → 20/min) per channel, one per ``private_interval`` per private chat, and at most
``overall`` per second in total; an album of N counts N. The clock and sleep are injectable,
so tests run on virtual time. A 429 still gets through now and then (other bots on the same
token, slow mode): the sender waits ``retry_after`` and tries again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


def is_private(chat_id: str) -> bool:
    return chat_id.isdigit()


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep, *,
                 channel_interval: float = 3.0, private_interval: float = 1.0, overall: int = 30) -> None:
        self.clock = clock
        self.sleep = sleep
        self.channel_interval = channel_interval
        self.private_interval = private_interval
        self.overall = overall
        self._next: dict[str, float] = {}
        self._recent: deque[float] = deque()

    async def acquire(self, chat_id: str, count: int = 1, stop: asyncio.Event | None = None) -> bool:
        """Wait until ``count`` messages may go to ``chat_id`` and count them as sent.

        Returns False, counting nothing, when ``stop`` is set while waiting.
        """
        while (wait := self._wait(chat_id, count)) > 0:
            if stop is not None and stop.is_set():
                return False
            await sleep_unless(stop, self.sleep, wait)
        now = self.clock()
        interval = self.private_interval if is_private(chat_id) else self.channel_interval
        self._next[chat_id] = now + interval * count
        self._recent.extend([now] * count)
        return True

    def hold(self, chat_id: str, seconds: float) -> None:
        """Telegram said "retry after": nothing more to ``chat_id`` for ``seconds``."""
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), self.clock() + seconds)

    def _wait(self, chat_id: str, count: int) -> float:
        now = self.clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        excess = len(self._recent) + min(count, self.overall) - self.overall
        overall_wait = self._recent[excess - 1] + 1.0 - now if excess > 0 else 0.0
        return max(self._next.get(chat_id, 0.0) - now, overall_wait)


async def sleep_unless(stop: asyncio.Event | None, sleep: Sleep, seconds: float, *wake: asyncio.Event) -> None:
    """``sleep(seconds)``, cut short when ``stop`` or one of the ``wake`` events is set."""
    events = [event for event in (stop, *wake) if event is not None]
    if not events:
        await sleep(seconds)
        return
    waits = [asyncio.ensure_future(sleep(seconds)), *(asyncio.ensure_future(event.wait()) for event in events)]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
