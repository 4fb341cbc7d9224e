"""The feeds source: every RSS 2.0 / Atom / RDF feed listed in ``sources.yaml``, one source each.

Each feed is its own :class:`FeedSource` (``feed:<url>``), so its health, cursor and back-off
are its own: a broken feed (bad XML, an HTML page, 404, 500, a timeout) backs off (jittered,
1 min doubling to 1 h, never before ``Retry-After``) and shows as failing, while the others go
on. A poll runs at start and then every ``every`` (default 10 min) give or take 10 %.

* The cursor is the feed's validators (ETag, Last-Modified), sent back on the next poll: a
  ``304`` costs no parsing and no writes. It is stored after the poll's posts, in queue order.
* Entries already handed on are remembered in SQLite (``source_seen``, the newest
  :data:`SEEN_KEEP` per feed), so a restart, a server ignoring validators or a feed that
  reorders never ingests an entry twice. Each id is written in its post's transaction.
* On the first poll of a newly added feed every entry is stored, but only those newer than
  ``SAHELWATCH_NEW_SOURCE_ALERT_AGE`` alert.
* A malformed entry is skipped (counted, logged with the feed and the entry's position); a
  feed parsed with errors (``bozo``) keeps what could be read and says so in the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from bot.sources.backoff import Jittered
from bot.sources.base import Collected, Source, SourceHealth
from bot.sources.feed_entries import NotAFeed, Parsed, entry_id, entry_post, parse_feed
from bot.sources.kit import Kit
from bot.sources.payload import PayloadLimits
from bot.sources.poller import PollError, Validators
from bot.sources.polling import poll_loop
from bot.sources.sources_file import Feed
from bot.store.sources import forget_oldest, known

log = logging.getLogger(__name__)
SEEN_KEEP = 2000
PRUNE_EVERY = 50
BACKOFF = (60.0, 3600.0)


@dataclass
class PollState:
    validators: Validators
    first: bool
    polls: int = 0


class FeedSource:
    def __init__(self, feed: Feed, kit: Kit) -> None:
        self.feed, self.kit = feed, kit
        self.name = f"feed:{feed.url}"
        self.spec = replace(feed, where="")  # where the entry is in the file is not what to poll
        self.health = SourceHealth(self.name)
        self.limits = PayloadLimits.from_settings(kit.settings)

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        state = PollState(Validators.loads(cursor), first=cursor is None)
        async for item in poll_loop(self.name, self.health, self.kit.clock, stop, lambda: self.feed.every,
                                    lambda: self.poll(state), Jittered(*BACKOFF)):
            yield item

    async def poll(self, state: PollState) -> AsyncIterator[Collected]:
        """One poll: fetch (conditional), parse, hand on the entries not seen before, then the cursor."""
        fetched = await self.kit.poller.get(self.feed.url, state.validators)
        if not fetched.not_modified:
            try:
                parsed = parse_feed(fetched.body, fetched.content_type, fetched.url)
            except NotAFeed as exc:
                raise PollError("invalid", str(exc), fetched.status) from None
            if parsed.degraded:
                log.warning("feed malformed, kept what parsed", extra={"source": self.name, "error": parsed.degraded})
            for item in self._new_items(parsed, state.first):
                yield item
        if fetched.validators != state.validators or state.first:
            yield Collected(None, cursor=fetched.validators.dumps())
        state.validators, state.first, state.polls = fetched.validators, False, state.polls + 1
        if state.polls % PRUNE_EVERY == 0:
            forget_oldest(self.kit.store, self.name, SEEN_KEEP)

    async def check(self) -> str:
        """``sahelwatch sources --check``: fetch once (no validators), parse, summarise."""
        fetched = await self.kit.poller.get(self.feed.url)
        try:
            parsed = parse_feed(fetched.body, fetched.content_type, fetched.url)
        except NotAFeed as exc:
            raise PollError("invalid", str(exc), fetched.status) from None
        dates = [p for e in parsed.entries if (p := e.get("published") or e.get("updated"))]
        newest = f", first entry dated {dates[0]}" if dates else ""
        degraded = f" (malformed, kept what parsed: {parsed.degraded})" if parsed.degraded else ""
        return f"'{parsed.title}': {len(parsed.entries)} entries{newest}{degraded}"

    def _new_items(self, parsed: Parsed, first: bool) -> list[Collected]:
        name = self.feed.name or parsed.title or urlsplit(self.feed.url).hostname or self.feed.url
        language = self.feed.language or parsed.language
        entries = list(enumerate(parsed.entries))
        ids = {i: entry_id(e) for i, e in entries}
        done = known(self.kit.store, self.name, [x for x in ids.values() if x])
        items: list[Collected] = []
        for index, entry in reversed(entries):  # feeds list newest first: alert oldest first
            ident = ids[index]
            if ident in done:
                continue
            done.add(ident or "")
            items.append(self._item(entry, ident, index, name, language, first))
        return items

    def _item(self, entry: Any, ident: str | None, index: int, name: str, language: str | None,
              first: bool) -> Collected:
        """The entry's item; a malformed entry becomes an id-only item (remembered, never retried)."""
        try:
            if ident is None:
                raise ValueError("entry has no id, link or title")
            post = entry_post(entry, ident, self.feed.url, name, language, self.limits)
        except (ValueError, TypeError, AttributeError) as exc:
            self.health.skip(f"entry {index + 1}: {exc}")
            log.warning("feed entry skipped", extra={"source": self.name, "entry": index + 1, "error": str(exc)})
            return Collected(None, seen=ident)
        self.health.item()
        return Collected(post, alert=self.kit.is_news(post.created_at, first), seen=ident)


def build(kit: Kit) -> list[Source]:
    return [FeedSource(feed, kit) for feed in kit.config().feeds]

