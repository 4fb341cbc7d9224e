"""Who wrote a kept Bluesky post: handle and display name from ``app.bsky.actor.getProfile``, cached.

Jetstream names authors by DID only. For listed accounts the handle is known from resolution;
for anyone else whose post matched a topic, the AppView (``SAHELWATCH_BLUESKY_API_URL``) is
asked once per author (kept posts are rare: a few per hour, never the whole stream). When it
cannot answer, the post keeps its DID as the author's name, so the alert still says who.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import httpx
from pydantic import Field

from bot.models import Post
from bot.sources.payload import Payload, PayloadError, Short, loads, validate

log = logging.getLogger(__name__)
PATH = "/xrpc/app.bsky.actor.getProfile"


class Profile(Payload):
    did: Short
    handle: Short = Field(min_length=1)
    displayName: Short = ""


class Profiles:
    def __init__(self, api_url: str, size: int = 5000) -> None:
        self.api_url, self.size = api_url.rstrip("/"), size
        self._known: OrderedDict[str, tuple[str, str]] = OrderedDict()

    async def named(self, client: httpx.AsyncClient, post: Post) -> Post:
        """``post`` with its author's handle and name (the DID as name when unknown)."""
        if post.author_name:
            return post
        found = self._known.get(post.author_id) or await self._ask(client, post.author_id)
        handle, name = found or (post.author_handle, post.author_id)
        return post.with_(author_handle=post.author_handle or handle, author_name=name)

    async def _ask(self, client: httpx.AsyncClient, did: str) -> tuple[str, str] | None:
        try:
            response = await client.get(f"{self.api_url}{PATH}", params={"actor": did})
            if response.status_code != 200:
                raise PayloadError(f"HTTP {response.status_code}")
            profile = validate(Profile, loads(response.content), what="profile")
        except (httpx.HTTPError, PayloadError) as exc:
            log.info("bluesky profile not read", extra={"did": did, "error": str(exc)[:200]})
            return None
        self._known[did] = (profile.handle, profile.displayName or profile.handle)
        if len(self._known) > self.size:
            self._known.popitem(last=False)
        return self._known[did]
