"""The X collector's settings, in one record built from :class:`bot.config.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.config import Settings
from bot.errors import ConfigError
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits
from bot.sources.x.rules import Limits
from bot.sources.x.transport import DEFAULT_BASE_URL

Mode = Literal["stream", "poll"]
MODES: tuple[Mode, ...] = ("stream", "poll")


@dataclass(frozen=True)
class XOptions:
    token: str
    base_url: str = DEFAULT_BASE_URL
    mode: Mode = "stream"
    limits: Limits = field(default_factory=Limits)
    query_length: int = 512
    stall_seconds: float = 21.0
    """No line and no keep-alive for this long → reconnect. X sends a keep-alive every 20 s and
    says to reconnect after 20 s of silence (the issue's 90 s is not in X's docs; the reference
    wins); 21 s, like tweepy's read timeout, so a keep-alive that is just on time never races it."""
    check_seconds: float = 1.0
    """How often (real time) the stall check runs."""
    poll_seconds: float = 300.0
    max_pages: int = 10
    payload: PayloadLimits = DEFAULT_LIMITS
    """Size limits for what X sends (line bytes, JSON depth, text, media, URLs)."""
    """Pages (of 100) per query per backfill or poll; more waiting is reported as a gap."""

    @property
    def search_limits(self) -> Limits:
        """Search queries: one request each, so no count cap beyond the rules'; 512 characters."""
        return Limits(max_rules=self.limits.max_rules, max_length=min(self.query_length, self.limits.max_length))


def options_from_settings(settings: Settings) -> XOptions:
    if not settings.x_bearer_token:
        raise ConfigError("the X collector needs X_BEARER_TOKEN (or X_BEARER_TOKEN_FILE)")
    return XOptions(
        token=settings.x_bearer_token,
        base_url=settings.x_api_url,
        mode=settings.x_mode,  # type: ignore[arg-type]
        limits=Limits(settings.x_max_rules, settings.x_rule_length),
        query_length=settings.x_query_length,
        stall_seconds=settings.x_stall_seconds,
        poll_seconds=settings.x_poll_seconds,
        payload=PayloadLimits.from_settings(settings),
    )
