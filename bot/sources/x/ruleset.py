"""The rule keeper: compiles the current watchlist and keeps X's stream rules equal to it.

It resolves account handles (cached), learns from recently stored posts which words the
watchlist's prefix terms matched (so X is asked for them too), compiles rules and search
queries, and syncs the
server's rules at start, after a watchlist reload (``changed()``, no reconnect needed: X
applies rule changes to the open stream) and after a 409. Sync failures are retried on the
HTTP back-off; a 403 means the plan has no stream access (:class:`StreamForbidden`).

``options``: The X collector's settings, in one record built from :class:`bot.config.Settings`.

``shared``: What the stream and poll modes of one X source share: settings, clock, health, rule keeper.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import tweepy

from bot.config import Settings
from bot.errors import ConfigError
from bot.sources.backoff import Backoff
from bot.sources.base import SourceHealth
from bot.sources.clock import Clock, SystemClock, pause
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits
from bot.sources.x.clients import DEFAULT_BASE_URL, rest_client, rules_client
from bot.sources.x.rules import ACCOUNTS, TAG_PREFIX, Compiled, Limits, compile_rules
from bot.sources.x.sync import AccountCache, resolve, sync_rules
from bot.sources.x.terms import observed_forms
from bot.store.db import Store
from bot.store.posts import recent_texts
from bot.watchlist.schema import Watchlist

log = logging.getLogger(__name__)
IDLE_TICK = 60.0  # seconds (real time) between signs of life while idle on purpose
RECENT_POSTS = 5000
"""Stored posts read to learn the words prefix terms matched (a few ms of SQL, scanned in a thread)."""


class StreamForbidden(Exception):
    """X refused stream access (403, e.g. ``client-not-enrolled``): poll instead."""


class RuleKeeper:
    def __init__(
        self,
        options: XOptions,
        watchlist: Callable[[], Watchlist],
        store: Store | None,
        clock: Clock,
        alive: Callable[[], None] = lambda: None,
    ) -> None:
        self.options, self.watchlist, self.clock, self.alive = options, watchlist, clock, alive
        self.store = store
        self.rest = rest_client(options.token, options.base_url)
        self.rules_api = rules_client(options.token, options.base_url)
        self.cache = AccountCache(store)
        self.synced: Compiled | None = None
        self.account_ids: dict[str, str] = {}
        self.observed: dict[str, list[str]] = {}
        self.refused = False
        """X refused the token (401): the collector stops (a restart with a good token fixes it)."""
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()

    def changed(self, *_: object) -> None:
        """Watchlist reloaded (a ``WatchlistHolder.on_reloaded`` subscriber)."""
        self._changed.set()

    def invalidate(self) -> None:
        self.synced = None

    async def resolve_accounts(self) -> dict[str, str]:
        handles = self.watchlist().handles("x")
        if handles:
            self.account_ids = (await resolve(self.rest, self.cache, handles)).ids
        return self.account_ids

    def forget_account(self, user_id: str) -> None:
        """A followed account X no longer knows under this id: look its handle up again next time."""
        for handle, known in list(self.account_ids.items()):
            if known == user_id:
                log.warning("x account id not found; re-resolving its handle", extra={"handle": handle})
                self.cache.forget(handle)
                del self.account_ids[handle]

    async def learn_forms(self) -> dict[str, list[str]]:
        """Words recently stored posts show the prefix terms matched (none without a store)."""
        if self.store is not None:
            texts = recent_texts(self.store, RECENT_POSTS)
            self.observed = await asyncio.to_thread(observed_forms, self.watchlist(), texts)
        return self.observed

    async def compile(self) -> Compiled:
        await self.resolve_accounts()
        await self.learn_forms()
        return compile_rules(self.watchlist(), self.options.limits, self.account_ids, self.observed)

    def queries(self, accounts: bool = True) -> list[str]:
        """Search queries for the current watchlist (same atoms, 512-character limit)."""
        compiled = compile_rules(self.watchlist(), self.options.search_limits, self.account_ids, self.observed)
        skip = f"{TAG_PREFIX}{ACCOUNTS}:"
        return [rule.value for rule in compiled.rules if accounts or not rule.tag.startswith(skip)]

    async def sync(self) -> Compiled:
        async with self._lock:
            self._changed.clear()
            compiled = await self.compile()
            try:
                result = await asyncio.to_thread(sync_rules, self.rules_api, compiled)
            except tweepy.Forbidden as exc:
                raise StreamForbidden(str(exc)) from exc
            for item in compiled.left_out:
                log.warning(
                    "x watchlist term left out of the rules",
                    extra={"topic": item.topic, "term": item.term, "reason": item.reason},
                )
            log.info(
                "x rules synced",
                extra={
                    "rules": len(compiled.rules),
                    "added": result.added,
                    "deleted": result.deleted,
                    "kept": result.kept,
                },
            )
            self.synced = compiled
            return compiled

    async def ensure(self, stop: asyncio.Event) -> bool:
        """Rules on X equal the watchlist's and there is at least one; False when stopped first."""
        backoff, need_sync = Backoff(), self.synced is None or self._changed.is_set()
        while not stop.is_set():
            if need_sync:
                try:
                    await self.sync()
                except tweepy.Unauthorized:
                    log.error("X refused the bearer token (401); X collector stopped")
                    self.refused = True
                    return False
                except (tweepy.TweepyException, OSError) as exc:
                    delay = backoff.next("rate" if isinstance(exc, tweepy.TooManyRequests) else "http")
                    log.warning("x rule sync failed; retrying", extra={"error": repr(exc)[:300], "delay_s": delay})
                    self.alive()
                    if await pause(self.clock, delay, stop):
                        return False
                    continue
            if self.synced is not None and self.synced.rules:
                return True
            log.warning("x watchlist compiles to no rules; stream idle until it changes")
            if await self.wait_for_change(stop, idle=True):
                return False
            need_sync = True
        return False

    async def wait_for_change(self, stop: asyncio.Event, idle: bool = False) -> bool:
        """Wait for a watchlist change; True when ``stop`` came first. ``idle``: the source has
        nothing else to do, so it tells the watchdog it is alive while it waits."""
        changed = asyncio.ensure_future(self._changed.wait())
        stopped = asyncio.ensure_future(stop.wait())
        while not (changed.done() or stopped.done()):
            if idle:
                self.alive()
            await asyncio.wait({changed, stopped}, timeout=IDLE_TICK, return_when=asyncio.FIRST_COMPLETED)
        changed.cancel()
        stopped.cancel()
        return stop.is_set()

    async def watch(self, stop: asyncio.Event) -> None:
        """Re-sync after every watchlist change while the stream stays connected."""
        while not await self.wait_for_change(stop):
            try:
                await self.sync()
            except (tweepy.TweepyException, OSError, StreamForbidden) as exc:
                log.warning("x rule re-sync failed; will retry at the next reconnect", extra={"error": repr(exc)})
                self.invalidate()


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
    says to reconnect after 20 s of silence (https://docs.x.com/x-api/fundamentals/handling-disconnections;
    the 90 s an issue once asked for is not in X's docs); 21 s, like tweepy's read timeout, so a
    keep-alive that is just on time never races it."""
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


@dataclass
class Shared:
    name: str
    options: XOptions
    clock: Clock
    health: SourceHealth
    keeper: RuleKeeper

    @classmethod
    def create(
        cls,
        options: XOptions,
        watchlist: Callable[[], Watchlist],
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        name: str = "x",
    ) -> Shared:
        """``watchlist`` returns the current watchlist (the hot-reloading holder's)."""
        clock, health = clock or SystemClock(), SourceHealth(name)
        return cls(name, options, clock, health, RuleKeeper(options, watchlist, store, clock, health.alive))
