"""Bluesky through Jetstream: the whole network's post stream, kept when it matters to SahelWatch.

The kit's :class:`~bot.sources.websocket.WebSocketReader` holds one connection to
``SAHELWATCH_BLUESKY_JETSTREAM_URL`` with ``wantedCollections=app.bsky.feed.post``, reconnecting
with back-off. Each frame goes through :class:`~bot.sources.bluesky.select.Selector` (posts of
listed accounts, or matching a watchlist topic). The cursor is Jetstream's ``time_us``, stored
with each kept post and, when nothing is kept, every ``checkpoint`` seconds on its own; every
(re)connection asks for ``cursor = last time_us - rewind`` so a drop or a restart resumes where
it stopped (Jetstream keeps about 36 hours; an older cursor is silently clamped by the server),
and the replayed seconds are dropped by URI. Listed handles are resolved to DIDs at start and
every few hours (:class:`~bot.sources.bluesky.resolve.Resolver`); the authors of other kept posts
are named from their profile (:class:`~bot.sources.bluesky.profiles.Profiles`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
from websockets.asyncio.client import connect

from bot.loopback import is_loopback
from bot.sources.base import Collected, SourceHealth
from bot.sources.bluesky.events import COLLECTION, MediaHosts
from bot.sources.bluesky.profiles import Profiles
from bot.sources.bluesky.resolve import ResolveError, Resolver
from bot.sources.bluesky.select import Selector
from bot.sources.kit import Kit
from bot.sources.payload import PayloadLimits
from bot.sources.websocket import WebSocketReader, proxy_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlueskyOptions:
    jetstream_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"
    api_url: str = "https://public.api.bsky.app"
    hosts: MediaHosts = field(default_factory=MediaHosts)
    rewind: float = 5.0
    checkpoint: float = 10.0
    refresh: float = 6 * 3600.0
    check: float = 3.0
    """Seconds ``sources --check`` reads Jetstream."""


class BlueskySource:
    name = "bluesky"

    def __init__(self, kit: Kit, options: BlueskyOptions, limits: PayloadLimits | None = None) -> None:
        self.kit, self.options = kit, options
        self.health = SourceHealth(self.name)
        self.handles: dict[str, str] = {}
        matcher = (lambda: kit.watchlist.matcher) if kit.watchlist is not None else _no_matcher
        self.selector = Selector(self.name, self.health, matcher, lambda: self.handles, self.handles,
                                 options.hosts, limits or PayloadLimits())
        self.reader = WebSocketReader(self.url_for, self.health, kit.clock, user_agent=kit.settings.http_user_agent)
        self.resolver = Resolver(options.api_url, ttl=options.refresh, clock=kit.clock)
        self.profiles = Profiles(options.api_url)
        self._resolved_at: float | None = None
        self._listed: tuple[str, ...] = ()

    def url_for(self) -> str:
        params = [("wantedCollections", COLLECTION)]
        if self.selector.time_us:
            params.append(("cursor", str(max(1, self.selector.time_us - int(self.options.rewind * 1e6)))))
        return f"{self.options.jetstream_url}?{urlencode(params)}"

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        self.selector.time_us = int(cursor) if cursor and cursor.isdigit() else 0
        async with self._api(timeout=5.0) as client:
            await self.resolve(client)
            async for item in self.stream(client, stop):
                yield item

    async def stream(self, client: httpx.AsyncClient, stop: asyncio.Event) -> AsyncIterator[Collected]:
        saved_us, saved_at = self.selector.time_us, self.kit.clock.now()
        async for frame in self.reader.frames(stop):
            item = self.selector.handle(frame)
            if item is not None and item.post is not None:
                self.health.item()
                saved_us, saved_at = self.selector.time_us, self.kit.clock.now()
                yield Collected(await self.profiles.named(client, item.post), item.cursor)
            elif self.kit.clock.now() - saved_at >= self.options.checkpoint:
                saved_at = self.kit.clock.now()
                self.health.alive()
                if self.selector.time_us != saved_us:
                    saved_us = self.selector.time_us
                    yield Collected(None, cursor=str(saved_us))
                await self.resolve(client)

    async def check(self) -> str:
        """``sahelwatch sources --check``: resolve the listed handles, then read Jetstream for a few seconds."""
        listed = self.kit.config().bluesky
        async with self._api(timeout=10.0) as client:
            found, failed = await self.resolver.resolve_all(client, listed)
        if failed or len(found) < len(listed):
            missing = [h for h in listed if h not in found.values() and h not in found]
            raise ResolveError(f"cannot resolve {', '.join(missing)[:300]}")
        frames = 0
        url = self.url_for()
        async with connect(url, open_timeout=10.0, max_size=1_048_576, proxy=proxy_for(url)) as ws:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.options.check):
                    async for _ in ws:
                        frames += 1
        return f"{len(found)} account(s) resolved; Jetstream connected, {frames} events in {self.options.check:g} s"

    def _api(self, timeout: float) -> httpx.AsyncClient:
        """A client for the Bluesky API: through the environment's proxy (``HTTPS_PROXY``...), as
        every client of the bot, except to a loopback URL (:mod:`bot.loopback`)."""
        return httpx.AsyncClient(timeout=timeout, trust_env=not is_loopback(self.options.api_url),
                                 headers={"User-Agent": self.kit.settings.http_user_agent})

    async def resolve(self, client: httpx.AsyncClient) -> None:
        """(Re)resolve the listed handles when due or changed; failures are retried at the next checkpoint."""
        listed = self.kit.config().bluesky
        now = self.kit.clock.now()
        if listed == self._listed and self._resolved_at is not None and now - self._resolved_at < self.options.refresh:
            return
        found, failed = await self.resolver.resolve_all(client, listed)
        self.handles.clear()
        self.handles.update(found)
        self._listed = listed
        if failed:
            self.health.error(f"could not resolve {len(failed)} Bluesky handle(s) now: {', '.join(failed)[:200]}")
        else:
            self._resolved_at = now
        log.info("bluesky accounts", extra={"source": self.name, "listed": len(listed), "resolved": len(found)})


def _no_matcher() -> object:
    raise RuntimeError("the Bluesky source needs the watchlist")
