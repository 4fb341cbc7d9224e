"""X's documented reconnect policy ("Handling disconnections"; reference §7).

Network errors and stalls: linear from 0 s, +0.25 s per try, at most 16 s. HTTP errors:
exponential from 5 s, doubling, at most 320 s. HTTP 429: exponential from 60 s, doubling;
X states no maximum, we stop doubling at 960 s (past one 15-minute rate-limit window). An
established stream that X closes is reconnected at once. A successful connection resets it.
"""

from __future__ import annotations

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
