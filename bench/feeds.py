"""Feeds polled per second: 200 feeds of 20 entries each on the fake feed server (127.0.0.1).

Run: python bench/feeds.py [--feeds 200] [--entries 20]
Three rounds through the product's own code (FeedSource.poll: the kit's httpx poller, feedparser
on the bytes, HTML to text, the remembered-entries check, and the store writes the ingest task
makes: post + seen id + cursor in one transaction; the pipeline is not included):

1. first poll: every entry is new (parsed and stored);
2. conditional poll: every server answers 304 (ETag);
3. server ignoring validators: full body, parsed, every entry already remembered.

All feeds sit on one host, so the poller's one-request-at-a-time-per-host rule applies (with
``host_interval`` 0): the worst case. Prints feeds/s and entries/s per round.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' fake feed server

from bot.config import Settings
from bot.notify import Notifier
from bot.sources.clock import SystemClock
from bot.sources.feeds import FeedSource, PollState
from bot.sources.kit import Kit
from bot.sources.poller import Poller, Validators
from bot.sources.sources_file import Feed, SourcesConfig
from bot.store.db import Store
from bot.store.posts import save_post, source_state
from tests.fakes.feed_samples import Item, rss
from tests.fakes.feeds_server import FakeFeeds

TEXT = ("<p>Des hommes armés ont attaqué le poste de <a href='/x'>Djibo</a> ce matin.<br>"
        "Le bilan reste provisoire selon des sources locales.</p>")


def feed_doc(f: int, entries: int) -> str:
    now = datetime.now(UTC)
    return rss(f"Feed {f}", [Item(f"https://f{f}.example.org/{e}", f"Titre {f}-{e}", TEXT,
                                  now - timedelta(minutes=e), thumbnail=f"https://cdn.example.org/{f}/{e}.jpg")
                             for e in range(entries)])


async def round_(sources: list[FeedSource], states: list[PollState], store: Store) -> tuple[float, int]:
    start, n = time.perf_counter(), 0

    async def one(source: FeedSource, state: PollState) -> int:
        count = 0
        async for item in source.poll(state):
            if item.post is None:
                with store.write() as db:
                    source_state(db, source.name, item.cursor, item.seen)
            else:
                save_post(store, item.post, source=source.name, alert=item.alert, seen=item.seen)
                count += 1
        return count

    n = sum(await asyncio.gather(*(one(s, st) for s, st in zip(sources, states, strict=True))))
    return time.perf_counter() - start, n


async def main(feeds: int, entries: int) -> None:
    with FakeFeeds() as web, tempfile.TemporaryDirectory() as tmp:
        for f in range(feeds):
            web.serve(f"/f{f}", feed_doc(f, entries))
        store = Store(Path(tmp) / "bench.db")
        clock = SystemClock()
        poller = Poller(timeout=30.0, host_interval=0.0, clock=clock)
        listed = tuple(Feed(web.url(f"/f{f}")) for f in range(feeds))
        kit = Kit(Settings(), store, lambda: SourcesConfig(feeds=listed), None, clock, poller, Notifier())
        sources = [FeedSource(feed, kit) for feed in listed]
        states = [PollState(Validators(), first=True) for _ in sources]
        for label in ("first poll (all new)", "conditional poll (304)"):
            seconds, stored = await round_(sources, states, store)
            print(f"{label:34s} {feeds / seconds:8.1f} feeds/s  {stored / seconds:8.1f} new entries/s  "
                  f"({seconds:.2f} s, {stored} stored)")
        for f in range(feeds):
            web.serve(f"/f{f}", feed_doc(f, entries), validators=False)
        states = [PollState(Validators(), first=False) for _ in sources]
        seconds, stored = await round_(sources, states, store)
        print(f"{'no validators (all remembered)':34s} {feeds / seconds:8.1f} feeds/s  "
              f"{feeds * entries / seconds:8.1f} entries checked/s  ({seconds:.2f} s, {stored} stored)")
        await poller.aclose()
        store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.feeds, args.entries))
