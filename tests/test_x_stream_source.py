"""The X stream source end to end: real tweepy against the fake X API, the real app and store."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.sources.x.rules import Limits, compile_rules
from bot.sources.x.source import XSource
from bot.store.state import get_cursor
from tests.fakes import x_problems as problems
from tests.fakes.x_clients import stream_for
from tests.fakes.x_payloads import matching_rule, photo, quirk_set, tweet, video
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Close, Drop, KeepAlive, Line, OperationalDisconnect, Post, Raw, Stall
from tests.x_helpers import WATCHLIST, AppRun, ManualClock, drive, options, stored, write_watchlist

fake_x = fake_x_fixture()


@pytest.fixture
def posts(fake_x):
    users, media, named = quirk_set()
    fake_x.store.seed(users, media, named.values())
    return named


@pytest.fixture
def holder(tmp_path):
    return WatchlistHolder(write_watchlist(tmp_path / "watchlists"), debounce=0)


def make_source(fake, holder, store, clock, **changes):
    source = XSource(options(fake, **changes), lambda: holder.watchlist, store=store, clock=clock)
    holder.on_reloaded.append(source.watchlist_changed)
    return source


def count(store) -> int:
    return len(stored(store))


def new_posts(fake, n, text="Ménaka: point de situation {}", author="44"):
    items = [tweet(text.format(i), author) for i in range(n)]
    fake.store.add_tweet(*items)
    return [item["id"] for item in items]


async def test_streamed_posts_are_stored_with_media_references_and_topics(fake_x, posts, holder, store):
    fake_x.store.add_media(photo("3_500"), video("7_600"))
    convoy = tweet("Ménaka : le convoi après l'embuscade", "44", media_keys=["3_500", "3_404", "7_600"])
    fake_x.store.add_tweet(convoy)
    delivered = ["original", "retweet", "quote", "long", "arabic", "plain_menaka", "hausa"]
    fake_x.stream.script([Post(posts[name]["id"]) for name in delivered] + [KeepAlive(), Post(convoy["id"])])
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: count(store) == 8)
    await run.finish()

    rows = {r["platform_id"]: r for r in stored(store)}
    topics = {name: json.loads(rows[posts[name]["id"]]["topics"]) for name in delivered}
    assert topics == {
        "original": ["mali_attacks"],
        "retweet": ["mali_attacks"],
        "quote": [],
        "long": [],
        "arabic": ["mali_attacks"],
        "plain_menaka": ["mali_attacks"],
        "hausa": ["niger"],
    }
    assert rows[posts["retweet"]["id"]]["repost_of"] == posts["original"]["id"]
    assert rows[posts["quote"]["id"]]["quote_of"] == posts["original"]["id"]
    assert rows[posts["retweet"]["id"]]["text"].startswith("RT @sahel_news: Embuscade")
    assert rows[posts["long"]["id"]]["text"] == posts["long"]["note_tweet"]["text"]
    assert rows[convoy["id"]]["url"] == f"https://x.com/bamako_direct/status/{convoy['id']}"
    media = store.query("SELECT kind, url, preview_url FROM media ORDER BY position")
    assert media == [
        {"kind": "photo", "url": "https://pbs.example.test/media/3_500.jpg", "preview_url": None},
        {
            "kind": "video",
            "url": "https://video.example.test/7_600/2176000.mp4",
            "preview_url": "https://pbs.example.test/preview/7_600.jpg",
        },
    ]
    assert fake_x.stream.undelivered == [] and run.app.summary.errors == 0


async def test_rules_on_x_follow_the_watchlist_at_start_and_after_an_edit(fake_x, posts, holder, store, tmp_path):
    fake_x.rules.add("stale rule", tag="sahelwatch:old:1")
    foreign = fake_x.rules.add("someone else's rule", tag="other-tool")
    clock = ManualClock()
    source = make_source(fake_x, holder, store, clock)
    run = AppRun(store, holder, source).start()
    expected = compile_rules(holder.watchlist, Limits(), {"sahel_news": "42"}).pairs()
    await drive(clock, lambda: fake_x.stream.open_count == 1)
    assert fake_x.rules.values() == expected | {(foreign.value, foreign.tag)}
    assert ("(from:42 OR from:no_such_account)", "sahelwatch:accounts:1") in expected

    write_watchlist(tmp_path / "watchlists", WATCHLIST.replace("[Tillabéri]", "[Djibo, Tillabéri]"))
    holder.check_now()
    edited = compile_rules(holder.watchlist, Limits(), {"sahel_news": "42"}).pairs()
    await drive(clock, lambda: fake_x.rules.values() == edited | {(foreign.value, foreign.tag)})
    assert ("(Djibo OR Tillabéri OR tillaberi)", "sahelwatch:niger:1") in edited
    assert fake_x.stream.connects == 1  # X applies rule changes to the open stream
    await run.finish()


async def test_disconnect_then_backfill_leaves_no_gap_and_no_duplicate(fake_x, posts, holder, store):
    a, b, c, d, e, f = new_posts(fake_x, 6)
    fake_x.store.tweets.pop(f)  # F is posted only after the reconnect
    fake_x.stream.script([Post(a), Post(b), Drop()], [Post(b), Post(e)])
    clock = ManualClock()
    source = make_source(fake_x, holder, store, clock)
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: source.stream.backfill.closed_generation == 1 and count(store) == 5)
    backfills = {r.params["since_id"] for r in fake_x.requests_to("/2/tweets/search/recent")}
    assert backfills == {b}  # from the newest stored id, for every query
    assert get_cursor(store, "x") == b  # the gap was open: E did not move the cursor
    fake_x.store.add_tweet(tweet("Ménaka: après la reconnexion", "44", tweet_id=f))
    fake_x.stream.push(Post(f))
    await drive(clock, lambda: get_cursor(store, "x") == f)
    await run.finish()
    ids = [r["platform_id"] for r in stored(store)]
    assert sorted(ids) == sorted([a, b, c, d, e, f]) and len(ids) == len(set(ids))
    assert clock.sleeps == [0.0]  # an established stream that dropped: reconnect at once
    assert fake_x.stream.max_active == 1


async def test_reconnect_delays_follow_x_policy_and_never_two_connections(fake_x, posts, holder, store):
    fake_x.limits.fail_next("stream", problems.service_unavailable(), times=2)
    fake_x.limits.fail_next("stream", problems.too_many_requests())
    one = new_posts(fake_x, 1)[0]
    fake_x.stream.script([Drop()], [Drop()], [Drop()], [Post(one), Close()], [Stall()])
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: fake_x.stream.connects == 5)
    assert clock.sleeps == [5.0, 10.0, 60.0, 0.0, 0.25, 0.5, 0.0]
    assert [r.status for r in fake_x.requests_to("/2/tweets/search/stream")][:3] == [503, 503, 429]
    assert fake_x.stream.max_active == 1
    await run.finish()


async def test_a_held_connection_elsewhere_means_429_and_doubling_waits(fake_x, posts, holder, store):
    fake_x.rules.add("Gao", tag="another-app")
    fake_x.stream.script([Stall()])
    other = stream_for(fake_x)
    thread = other.filter(threaded=True)
    assert other.connected.wait(5)
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: clock.waiting, auto=False)
    assert [r.status for r in fake_x.requests_to("/2/tweets/search/stream")] == [200, 429]
    clock.advance(60)
    await drive(clock, lambda: len(clock.sleeps) == 2, auto=False)
    assert clock.sleeps == [60.0, 120.0]
    fake_x.stream.release()
    fake_x.stream.push(Close())
    thread.join(5)
    clock.advance(120)
    await drive(clock, lambda: fake_x.stream.connects == 2, auto=False)
    assert fake_x.stream.max_active == 1
    await run.finish()


async def test_bad_lines_errors_keepalives_and_a_stall_are_survived(fake_x, posts, holder, store, caplog):
    caplog.set_level(logging.INFO)
    a, b, c = new_posts(fake_x, 3)
    fake_x.stream.script(
        [
            Post(a),
            Raw(b'{"data": {"id": "19\r\n'),
            Line({"errors": [{"title": "odd"}]}),
            Line([1, 2]),
            Post(b, matching_rules=[matching_rule(7, ""), matching_rule("8", with_tag=False)]),
            KeepAlive(),
            Stall(),
        ],
        [Post(c), OperationalDisconnect()],
        [Stall()],
    )
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: count(store) == 2, auto=False)
    assert fake_x.stream.connects == 1
    clock.advance(91)  # no line, no keep-alive for more than 90 s
    await drive(clock, lambda: fake_x.stream.connects == 3)
    await drive(clock, lambda: count(store) == 3)
    await run.finish()
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("malformed x stream line skipped") == 2
    assert "x stream error object" in messages and "x stream stalled; reconnecting" in messages
    assert [c.outcome for c in fake_x.stream.connections[:2]] == ["client gone", "operational disconnect"]
    assert run.app.summary.errors == 0


async def test_403_not_enrolled_falls_back_to_polling(fake_x, posts, holder, store):
    fake_x.stream_enrolled = False
    clock = ManualClock()
    source = make_source(fake_x, holder, store, clock)
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: count(store) >= 5, auto=False)
    await run.finish()
    assert source.mode == "poll" and fake_x.stream.attempts == 0
    assert {r["platform_id"] for r in stored(store)} >= {posts["original"]["id"], posts["hausa"]["id"]}


async def test_409_no_rules_waits_for_a_watchlist_change_instead_of_retrying(fake_x, posts, holder, store, tmp_path):
    fake_x.stream.script([Stall(), Close()])
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: fake_x.stream.open_count == 1)
    fake_x.rules.rules.clear()  # someone deleted every rule; the closed stream reconnects into a 409
    fake_x.stream.release()
    await drive(clock, lambda: fake_x.stream.attempts == 2)
    await quiet(clock)
    assert fake_x.stream.attempts == 2  # a configuration error, not a retry loop
    write_watchlist(tmp_path / "watchlists", WATCHLIST.replace("[Tillabéri]", "[Djibo]"))
    holder.check_now()
    await drive(clock, lambda: fake_x.stream.open_count == 1)
    await run.finish()


async def test_a_watchlist_without_terms_or_accounts_leaves_the_stream_idle(fake_x, store, tmp_path):
    holder = WatchlistHolder(write_watchlist(tmp_path / "w", "topics: {}\naccounts:\n  x: []\n"), debounce=0)
    clock = ManualClock()
    run = AppRun(store, holder, make_source(fake_x, holder, store, clock)).start()
    await drive(clock, lambda: len(fake_x.requests_to("/2/tweets/search/stream/rules")) >= 1)
    await quiet(clock)
    assert fake_x.stream.attempts == 0 and fake_x.rules.values() == set()
    write_watchlist(tmp_path / "w", WATCHLIST)
    holder.check_now()
    await drive(clock, lambda: fake_x.stream.open_count == 1)
    await run.finish()


async def quiet(clock, rounds: int = 40) -> None:
    """Let the loop run a while, skipping any clock sleep: a retry, if scheduled, would happen."""
    for _ in range(rounds):
        if clock.waiting:
            clock.advance_to_next()
        await asyncio.sleep(0.005)


async def test_a_refused_token_stops_the_collector_with_one_clear_error(fake_x, posts, holder, store, caplog):
    clock = ManualClock()
    source = XSource(options(fake_x, token="not-the-token"), lambda: holder.watchlist, store=store, clock=clock)
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: "X refused the bearer token (401); X collector stopped" in caplog.text)
    await quiet(clock)
    await run.finish()
    assert fake_x.stream.attempts == 0
    assert [r.status for r in fake_x.requests] == [401, 401]  # user lookup, then the rules: no retry loop
