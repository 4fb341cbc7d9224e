"""One public Telegram channel, read from its web preview (``{SAHELWATCH_TELEGRAM_WEB_URL}/s/<channel>``).

No account and no API: the kit's polite poller fetches the preview page every
``SAHELWATCH_TELEGRAM_CHANNELS_EVERY`` seconds (jittered, see :func:`bot.sources.polling.poll_loop`).
The cursor is the highest message id stored. Each poll reads the newest page and goes back
with ``?before=`` until it reaches the cursor (at most ``max_pages`` pages), so a restart or
a busy hour misses nothing; the first poll of a channel stores its last ``backfill`` messages,
alerting only those newer than ``SAHELWATCH_NEW_SOURCE_ALERT_AGE``. A channel without a
preview (private, disabled, unknown) redirects to ``/<channel>``: that is an error in the
source's health, retried with back-off. Malformed messages are skipped and counted once each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from bot.models import Post
from bot.sources.base import Collected, SourceHealth
from bot.sources.kit import Kit
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits
from bot.sources.poller import PollError
from bot.sources.polling import poll_loop
from bot.sources.telegram_web.parse import Page, message_id, parse_page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelOptions:
    web_url: str = "https://t.me"
    every: float = 300.0
    backfill: int = 50
    max_pages: int = 50
    limits: PayloadLimits = DEFAULT_LIMITS


class ChannelSource:
    def __init__(self, channel: str, kit: Kit, options: ChannelOptions) -> None:
        self.channel, self.kit, self.options = channel, kit, options
        self.name = f"telegram:{channel.lower()}"
        self.health = SourceHealth(self.name)
        self._reported: set[str] = set()

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        state = {"last": int(cursor) if cursor and cursor.isdigit() else None}
        async for item in poll_loop(self.name, self.health, self.kit.clock, stop, lambda: self.options.every,
                                    lambda: self.once(state)):
            yield item

    async def check(self) -> str:
        """``sahelwatch sources --check``: read the newest preview page once and summarise it."""
        page = await self.page(None)
        if not page.posts:
            return f"preview readable, no message on its first page ({len(page.skipped)} unreadable)"
        newest = page.posts[-1]
        skipped = f", {len(page.skipped)} unreadable" if page.skipped else ""
        return (f"'{newest.author_name}': {len(page.posts)} messages on the first page{skipped}, newest "
                f"{newest.url} dated {newest.created_at:%Y-%m-%d %H:%M} UTC")

    async def once(self, state: dict[str, int | None]) -> AsyncIterator[Collected]:
        """One poll: every message after ``state["last"]``, oldest first, each with its cursor."""
        first = state["last"] is None
        for post in await self.fetch_new(state["last"]):
            number = message_id(post)
            state["last"] = number
            self.health.item()
            yield Collected(post, cursor=str(number), alert=self.kit.is_news(post.created_at, first))

    async def fetch_new(self, last: int | None) -> list[Post]:
        found: dict[int, Post] = {}
        before: int | None = None
        for _ in range(self.options.max_pages):
            page = await self.page(before)
            found.update((message_id(p), p) for p in page.posts if last is None or message_id(p) > last)
            reached = last is not None and any(message_id(p) <= last for p in page.posts)
            if reached or page.before is None or (last is None and len(found) >= self.options.backfill):
                break
            before = page.before
        else:
            log.warning("telegram channel: page limit reached; older messages not read",
                        extra={"source": self.name, "pages": self.options.max_pages})
        posts = [found[n] for n in sorted(found)]
        return posts[-self.options.backfill:] if last is None else posts

    async def page(self, before: int | None) -> Page:
        path = f"/s/{quote(self.channel)}"
        url = f"{self.options.web_url.rstrip('/')}{path}" + (f"?before={before}" if before else "")
        fetched = await self.kit.poller.get(url)
        final = urlsplit(fetched.url).path.rstrip("/")
        if final.lower() != path.lower():
            raise PollError("http", f"channel {self.channel} has no public preview (redirected to {final[:100]})")
        page = parse_page(fetched.body.decode("utf-8", "replace"), self.channel, self.options.limits)
        for problem in page.skipped:
            self._skip(problem)
        return page

    def _skip(self, problem: str) -> None:
        if problem in self._reported:  # the same page is read again at every poll: count it once
            return
        if len(self._reported) < 10_000:
            self._reported.add(problem)
        self.health.skip(problem)
        log.warning("telegram message skipped", extra={"source": self.name, "problem": problem[:300]})
