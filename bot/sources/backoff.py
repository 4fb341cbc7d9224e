"""Back-off schedules for sources (all in seconds; the waiting is done on the injectable clock).

* :class:`Backoff` is X's documented streaming policy
  (https://docs.x.com/x-api/fundamentals/handling-disconnections): network errors and stalls
  linear from 0 s, +0.25 s per try, at most 16 s;
  HTTP errors exponential from 5 s, doubling, at most 320 s; HTTP 429 exponential from 60 s,
  doubling (X states no maximum, we stop at 960 s, past one 15-minute rate-limit window). An
  established stream that the server closes is reconnected at once. Success resets it.
* :class:`Jittered` is the supervisor's and the poller's: exponential from ``start`` to ``cap``
  with full "equal jitter" (each delay drawn in ``[d/2, d]``), so sources that fail together
  do not retry together.
"""

from __future__ import annotations

import random
from typing import Literal

Kind = Literal["closed", "network", "http", "rate"]
NETWORK_STEP, NETWORK_MAX = 0.25, 16.0
HTTP_START, HTTP_MAX = 5.0, 320.0
RATE_START, RATE_MAX = 60.0, 960.0


class Backoff:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._network = 0.0
        self._http = HTTP_START
        self._rate = RATE_START

    def next(self, kind: Kind) -> float:
        """The delay before the next attempt after a failure of ``kind``."""
        if kind == "closed":
            return 0.0
        if kind == "network":
            delay, self._network = self._network, min(self._network + NETWORK_STEP, NETWORK_MAX)
            return delay
        if kind == "rate":
            delay = max(self._rate, self._http)
            self._rate = min(delay * 2, RATE_MAX)
            self._http = min(delay * 2, HTTP_MAX)
            return delay
        delay, self._http = self._http, min(self._http * 2, HTTP_MAX)
        return delay


class Jittered:
    """Exponential back-off with jitter: ``start``, ``2*start``, ... up to ``cap``, each in ``[d/2, d]``."""

    def __init__(self, start: float = 1.0, cap: float = 300.0, rng: random.Random | None = None) -> None:
        if not 0 < start <= cap:
            raise ValueError("back-off needs 0 < start <= cap")
        self.start, self.cap = start, cap
        self._rng = rng or random.Random()
        self.failures = 0

    def reset(self) -> None:
        self.failures = 0

    def next(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        delay = min(self.cap, self.start * 2 ** min(self.failures, 60))
        self.failures += 1
        return delay / 2 + self._rng.random() * delay / 2


def jitter(seconds: float, rng: random.Random | None = None, spread: float = 0.1) -> float:
    """``seconds`` moved at random by up to ``spread`` of itself (polls that do not bunch up)."""
    return seconds * (1 + spread * (2 * (rng or random).random() - 1))
