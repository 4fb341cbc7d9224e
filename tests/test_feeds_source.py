"""One feed against the fake feed server: conditional GET, remembered entries, first-poll history,
malformed entries, broken feeds backing off; items stored through the real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.notify import Notifier
from bot.sources.feeds import FeedSource, PollState
from bot.sources.kit import Kit
from bot.sources.poller import Poller, PollError, Validators
from bot.sources.sources_file import Feed, SourcesConfig
from bot.store.posts import save_post, source_state
from bot.store.state import get_cursor
from tests.fakes.feed_samples import Item, rss
from tests.fakes.feeds_server import FakeFeeds
from tests.test_poller import InstantClock
from tests.x_helpers import ManualClock, drive

NOW = datetime.now(UTC)


def item(n: int, age_h: float = 0.1, **kw) -> Item:
    return Item(f"https://n.example.org/{n}", f"Titre {n}", f"<p>Texte {n}</p>", NOW - timedelta(hours=age_h), **kw)


@pytest.fixture
def web():
    with FakeFeeds() as server:
        yield server


def source_for(web, store, clock=None, path="/rss", timeout: float = 2.0) -> FeedSource:
    feed = Feed(web.url(path), every=600.0)
    clock = clock or InstantClock()
    kit = Kit(Settings(), store, lambda: SourcesConfig(feeds=(feed,)), None, clock,
              Poller(timeout=timeout, host_interval=0.0, clock=clock), Notifier())
    return FeedSource(feed, kit)


async def poll(source: FeedSource, state: PollState, store) -> list:
    """One poll, each item stored as the ingest task would (post, cursor and seen id in one transaction)."""
    items = [i async for i in source.poll(state)]
    for i in items:
        if i.post is None:
            with store.write() as db:
                source_state(db, source.name, i.cursor, i.seen)
        else:
            save_post(store, i.post, source=source.name, cursor=i.cursor, alert=i.alert, seen=i.seen)
    return items


async def test_first_poll_stores_history_without_alerts_then_304_costs_nothing(web, store):
    web.serve("/rss", rss("N", [item(2, age_h=0.2), item(1, age_h=5)]))
    source = source_for(web, store)
    state = PollState(Validators(), first=True)
    first = await poll(source, state, store)
    assert [(i.post.platform_id, i.alert) for i in first if i.post] == [
        ("https://n.example.org/1", False), ("https://n.example.org/2", True)]  # oldest first; 5 h old: history
    assert Validators.loads(get_cursor(store, source.name)).etag == web.routes["/rss"].etag
    assert await poll(source, state, store) == []  # 304: nothing parsed, nothing written
    assert web.requests("/rss")[-1]["If-None-Match"] == web.routes["/rss"].etag
    web.serve("/rss", rss("N", [item(3, age_h=9), item(2, age_h=0.2), item(1, age_h=5)]))
    later = await poll(source, state, store)
    assert [(i.post.platform_id, i.alert) for i in later if i.post] == [("https://n.example.org/3", True)]


async def test_remembered_entries_survive_restart_reorder_and_servers_without_validators(web, store):
    web.serve("/rss", rss("N", [item(1), item(2)]), validators=False)
    await poll(source_for(web, store), PollState(Validators(), first=True), store)
    web.serve("/rss", rss("N", [item(2), item(3), item(1)]), validators=False)  # reordered, one new
    restarted = source_for(web, store)  # a new process: only the database remembers
    state = PollState(Validators.loads(get_cursor(store, restarted.name)), first=False)
    items = await poll(restarted, state, store)
    assert [i.post.platform_id for i in items if i.post] == ["https://n.example.org/3"]
    assert store.scalar("SELECT count(*) FROM posts") == 3


async def test_malformed_entry_is_skipped_once_and_the_rest_is_kept(web, store):
    broken = Item(None, "", "")  # no guid, no link, no title: nothing to identify it
    web.serve("/rss", rss("N", [item(1), broken, item(2)]), validators=False)
    source = source_for(web, store)
    items = await poll(source, PollState(Validators(), first=False), store)
    assert [i.post.platform_id for i in items if i.post] == ["https://n.example.org/2", "https://n.example.org/1"]
    assert source.health.skipped == 1 and "entry 2" in source.health.last_error


@pytest.mark.parametrize(("setup", "kind"), [
    (lambda web: web.serve("/rss", "<html><body>Checking your browser</body></html>",
                           content_type="text/html"), "invalid"),
    (lambda web: web.fail("/rss", 500), "http"),
    (lambda web: None, "http"),  # 404
    (lambda web: web.serve("/rss", rss("N", [item(1)]), delay=3.0), "network"),
])
async def test_broken_feeds_raise_poll_errors(web, store, setup, kind):
    setup(web)
    with pytest.raises(PollError) as err:
        source = source_for(web, store, timeout=0.3 if kind == "network" else 2.0)  # the slow feed takes 3 s
        await poll(source, PollState(Validators(), first=True), store)
    assert err.value.kind == kind


async def test_a_broken_feed_backs_off_and_recovers(web, store):
    web.fail("/rss", 500)
    clock, stop = ManualClock(), asyncio.Event()
    source = source_for(web, store, clock)
    got: list = []

    async def run():
        async for i in source.collect(None, stop):
            got.append(i)

    task = asyncio.create_task(run())
    await drive(clock, lambda: source.health.errors >= 3, timeout=30)
    assert source.health.failing and clock.t >= 60  # 30-60 s, then 60-120 s ... before each retry
    web.serve("/rss", rss("N", [item(1)]))
    await drive(clock, lambda: any(i.post for i in got), timeout=30)
    assert not source.health.failing
    stop.set()
    await task
