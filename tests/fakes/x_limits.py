"""Rate limits (15-minute windows per endpoint family, per app) and scripted failures."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.x_problems import Failure, too_many_requests

WINDOW_SECONDS = 900
# Per-app limits for Bearer-token auth (https://docs.x.com/x-api/fundamentals/rate-limits).
DEFAULT_LIMITS = {
    "stream": 50,
    "rules_get": 450,
    "rules_post": 100,
    "search": 450,
    "timeline": 10_000,
    "users": 300,
}


@dataclass
class Window:
    limit: int
    remaining: int
    reset_at: int


class RateLimits:
    """Counts requests per family; over the limit → 429 until the window resets on the fake's clock."""

    def __init__(self, clock: Callable[[], float], limits: dict[str, int] | None = None) -> None:
        self.clock = clock
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.lock = threading.Lock()
        self.windows: dict[str, Window] = {}
        self.failures: dict[str, deque[Failure]] = {}

    def _window(self, family: str) -> Window:
        now = int(self.clock())
        window = self.windows.get(family)
        if window is None or now >= window.reset_at:
            limit = self.limits[family]
            window = self.windows[family] = Window(limit, limit, now + WINDOW_SECONDS)
        return window

    def set_remaining(self, family: str, remaining: int) -> None:
        """Script an almost-used budget: ``remaining`` more requests pass before a 429."""
        with self.lock:
            self._window(family).remaining = remaining

    def fail_next(self, family: str, failure: Failure, times: int = 1) -> None:
        with self.lock:
            self.failures.setdefault(family, deque()).extend([failure] * times)

    def take(self, family: str) -> tuple[Failure | None, dict[str, str]]:
        """Count one request; return the failure to send (if any) and the rate-limit headers."""
        with self.lock:
            window = self._window(family)
            scripted = self.failures.get(family)
            failure = scripted.popleft() if scripted else None
            if failure is None and window.remaining <= 0:
                failure = too_many_requests()
            if failure is None:
                window.remaining -= 1
            headers = {
                "x-rate-limit-limit": str(window.limit),
                "x-rate-limit-remaining": str(window.remaining),
            }
            if failure is None or failure.reset_header:
                headers["x-rate-limit-reset"] = str(window.reset_at)
            return failure, headers

    def headers(self, family: str) -> dict[str, str]:
        with self.lock:
            window = self._window(family)
            return {
                "x-rate-limit-limit": str(window.limit),
                "x-rate-limit-remaining": str(window.remaining),
                "x-rate-limit-reset": str(window.reset_at),
            }
