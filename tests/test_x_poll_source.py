"""Poll mode: recent search per query and timelines per account, cursors in SQLite, rate limits."""

from __future__ import annotations

import json
import logging

import pytest

from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.sources.x.source import XSource
from bot.store.state import get_cursor
from tests.fakes.x_payloads import quirk_set, tweet
from tests.fakes.x_server import FakeX
from tests.x_helpers import AppRun, ManualClock, drive, options, stored, write_watchlist


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def fake(clock):
    with FakeX(clock=clock.wall) as server:  # the fake's rate-limit windows follow the test's clock
        users, media, named = quirk_set()
        server.store.seed(users, media, named.values())
        server.named = named
        yield server


@pytest.fixture
def holder(tmp_path):
    return WatchlistHolder(write_watchlist(tmp_path / "watchlists"), debounce=0)


async def one_cycle(fake, holder, store, clock) -> AppRun:
    source = XSource(options(fake, mode="poll"), lambda: holder.watchlist, store=store, clock=clock)
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: source.poll.cycles == 1, auto=False)
    await run.finish()
    return run


async def test_poll_stores_matching_posts_and_followed_timelines(fake, holder, store, clock, caplog):
    caplog.set_level(logging.WARNING)
    await one_cycle(fake, holder, store, clock)
    ids = {r["platform_id"] for r in stored(store)}
    named = {name: item["id"] for name, item in fake.named.items()}
    assert {named["original"], named["plain_menaka"], named["arabic"], named["hausa"]} <= ids  # search
    assert named["long"] in ids  # sahel_news's timeline: no keyword needed
    assert named["retweet"] not in ids  # keyword search returns no reposts
    assert {r.path for r in fake.requests} == {"/2/users/by", "/2/tweets/search/recent", "/2/users/42/tweets"}
    assert any(getattr(r, "handle", None) == "no_such_account" for r in caplog.records)


async def test_cursors_persist_across_a_restart_and_nothing_is_stored_twice(fake, holder, store, clock):
    await one_cycle(fake, holder, store, clock)
    cursor = json.loads(get_cursor(store, "x"))
    before = len(stored(store))
    assert set(cursor["u"]) == {"42"} and len(cursor["q"]) == 2
    fresh = [tweet("Ménaka : nouvelle attaque signalée", "44"), tweet("Communiqué du soir", "42")]
    fake.store.add_tweet(*fresh)
    requests_before = len(fake.requests)

    second = await one_cycle(fake, holder, store, clock)
    assert len(stored(store)) == before + 2
    assert {r["platform_id"] for r in stored(store)[-2:]} == {t["id"] for t in fresh}
    assert second.app.summary.already_stored == 0
    since = [r.params.get("since_id") for r in fake.requests[requests_before:] if r.path != "/2/users/by"]
    assert sorted(since) == sorted([*cursor["q"].values(), cursor["u"]["42"]])


async def test_a_429_waits_until_the_reset_time_then_goes_on(fake, holder, store, clock):
    fake.limits.set_remaining("search", 0)
    source = XSource(options(fake, mode="poll"), lambda: holder.watchlist, store=store, clock=clock)
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: clock.waiting, auto=False)
    assert 899 <= clock.sleeps[0] <= 900  # x-rate-limit-reset, not a fixed guess
    assert stored(store) == []
    await drive(clock, lambda: source.poll.cycles == 1)
    await run.finish()
    assert [r.status for r in fake.requests_to("/2/tweets/search/recent")][:2] == [429, 200]
    assert len(stored(store)) >= 5
