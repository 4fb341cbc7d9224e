"""Bluesky handles → DIDs through ``com.atproto.identity.resolveHandle``, cached.

Jetstream events name authors by DID only, so the handles listed in ``accounts.bluesky`` are
resolved once at start (``SAHELWATCH_BLUESKY_API_URL``, default ``https://public.api.bsky.app``:
no auth, cached by Bluesky) and again after ``ttl`` seconds (a handle can move to another
account). ``did:`` entries need no lookup. An unknown handle (``HandleNotFound``) is logged once
and skipped; a network or server error keeps the last answer and is retried on the next call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

from bot.sources.bluesky.events import DID
from bot.sources.clock import Clock, SystemClock

log = logging.getLogger(__name__)
PATH = "/xrpc/com.atproto.identity.resolveHandle"


class ResolveError(Exception):
    """The API could not answer now (network, 5xx, 429, not JSON): try again later."""


class Resolver:
    def __init__(self, api_url: str, *, ttl: float = 6 * 3600.0, clock: Clock | None = None) -> None:
        self.api_url, self.ttl = api_url.rstrip("/"), ttl
        self.clock = clock or SystemClock()
        self._cache: dict[str, tuple[str | None, float]] = {}

    async def resolve(self, client: httpx.AsyncClient, handle: str) -> str | None:
        """The DID of ``handle`` (or ``handle`` itself when it is a DID); None when it does not exist."""
        if handle.startswith("did:"):
            return handle if DID.fullmatch(handle) else None
        cached = self._cache.get(handle.lower())
        if cached is not None and cached[1] > self.clock.now():
            return cached[0]
        try:
            did = await self._ask(client, handle)
        except ResolveError:
            if cached is not None:
                return cached[0]
            raise
        self._cache[handle.lower()] = (did, self.clock.now() + self.ttl)
        return did

    async def resolve_all(self, client: httpx.AsyncClient, handles: Iterable[str]) -> tuple[dict[str, str], list[str]]:
        """``({did: handle}, [handles that failed now])``; unknown handles are left out, logged."""
        found: dict[str, str] = {}
        failed: list[str] = []
        for handle in handles:
            try:
                did = await self.resolve(client, handle)
            except ResolveError as exc:
                failed.append(handle)
                log.warning("bluesky handle not resolved now", extra={"handle": handle, "error": str(exc)})
                continue
            if did is None:
                log.warning("bluesky handle does not exist", extra={"handle": handle})
            else:
                found[did] = handle if not handle.startswith("did:") else ""
        return found, failed

    async def _ask(self, client: httpx.AsyncClient, handle: str) -> str | None:
        try:
            response = await client.get(f"{self.api_url}{PATH}", params={"handle": handle})
        except httpx.HTTPError as exc:
            raise ResolveError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code == 400:  # {"error": "HandleNotFound" | "InvalidRequest", "message": …}
            return None
        if response.status_code != 200:
            raise ResolveError(f"HTTP {response.status_code}")
        try:
            did = response.json().get("did")
        except (ValueError, AttributeError):
            raise ResolveError("answer is not a JSON object") from None
        if not isinstance(did, str) or not DID.fullmatch(did):
            raise ResolveError("answer has no valid did")
        return did
