"""Digests on an injected clock: one per period, across restarts, split at Telegram's limit."""

from __future__ import annotations

from datetime import timedelta

from bot.alerts.digest import run_due
from bot.alerts.routing import ChannelRule, Routing
from tests.alerts_support import EN, Bench, bench_fixture, post  # noqa: F401

HOUR = timedelta(hours=1)


def hourly(bench: Bench) -> None:
    bench.routing = Routing((ChannelRule(str(EN), None, None, digest=HOUR),), admin_chat_id=None)


async def at(bench: Bench, minutes: float) -> None:
    """Move the clock to 06:00 + ``minutes`` and let delivery run (builds due digests)."""
    bench.clock.now = bench.origin + minutes * 60
    await bench.drain()


async def test_routine_posts_wait_for_the_digest_urgent_ones_do_not(bench: Bench) -> None:
    hourly(bench)
    await at(bench, 0)  # first run: the schedule starts with the current period
    bench.clock.advance(600)
    bench.store_post(post(1, "Attack on a checkpoint near Gao", terms=["attack"], severity="routine", minutes=9))
    bench.store_post(post(2, "Russian instructors seen in Bamako", topics=("russia",), severity="routine",
                          lang="fr", minutes=12))
    bench.store_post(post(3, "attack on a checkpoint near Gao", severity="routine", duplicate_of="x:1",
                          minutes=15))
    bench.store_post(post(4, "Convoy ambushed <b>now</b>", severity="urgent", minutes=20))
    await at(bench, 30)
    assert [t.split("\n")[1] for t in bench.fake.texts(EN)] == ["Convoy ambushed <b>now</b>"]
    await at(bench, 61)
    digest = bench.fake.messages(EN)[-1]
    lines = digest.text.split("\n")
    assert lines[:3] == ["🗞 Digest 2026-11-20 06:00–07:00 UTC · 3 posts", "Topics: Attack 2 · Russia 1",
                         "Languages: en 2 · fr 1"]
    assert lines[4:] == [  # grouped by country; these posts have no resolved place
        "Place not known", "• 06:12 @reporter: Russian instructors seen in Bamako · link",
        "• 06:09 @reporter: Attack on a checkpoint near Gao · link · +1 similar",
    ]
    assert digest.spans("bold") == ["🗞 Digest 2026-11-20 06:00–07:00 UTC", "Place not known", "Attack"]


async def test_a_restart_mid_period_still_gives_exactly_one_digest(bench: Bench) -> None:
    hourly(bench)
    await at(bench, 0)
    bench.clock.advance(600)
    bench.store_post(post(1, "attack one", severity="routine"))
    await at(bench, 30)
    bench.restart()  # a new process: new store connection and delivery, same database file
    bench.clock.advance(600)
    bench.store_post(post(2, "attack two", severity="routine", minutes=40))
    await at(bench, 59)
    assert bench.fake.texts(EN) == []
    await at(bench, 60)
    bench.restart()
    await at(bench, 75)
    await at(bench, 119)
    [digest] = bench.fake.texts(EN)
    assert "· 2 posts" in digest and "attack one" in digest and "attack two" in digest


async def test_a_crash_after_building_before_sending_sends_it_once(bench: Bench) -> None:
    hourly(bench)
    await at(bench, 0)
    bench.store_post(post(1, "attack", severity="routine"))
    bench.clock.now = bench.origin + 3600
    assert run_due(bench.store, bench.routing, bench.wall()) == 1  # built, then the process dies
    bench.restart()
    await at(bench, 61)
    await at(bench, 62)
    assert len(bench.fake.texts(EN)) == 1


async def test_an_empty_period_sends_nothing(bench: Bench) -> None:
    hourly(bench)
    await at(bench, 0)
    await at(bench, 61)
    await at(bench, 200)
    assert bench.fake.texts(EN) == []
    assert bench.store.scalar("SELECT value FROM state WHERE key = ?", (f"digest:{EN}",)) == (
        "2026-11-20T09:00:00+00:00"
    )


async def test_a_long_digest_is_split_without_breaking_html(bench: Bench) -> None:
    hourly(bench)
    await at(bench, 0)
    for n in range(120):
        bench.store_post(post(n, f"attack & <ambush> report number {n} " + "detail " * 20, terms=["attack"],
                              severity="routine", minutes=n % 60))
    await at(bench, 61)
    shown = bench.fake.messages(EN)
    assert len(shown) > 1 and all(len(m.text) <= 4096 for m in shown)
    assert 400 not in [c.status for c in bench.fake.calls("sendMessage")]
    assert shown[1].text.startswith("Digest 2026-11-20 06:00–07:00 UTC, continued")
    text = "\n".join(m.text for m in shown)
    assert all(text.count(f"report number {n} ") == 1 for n in range(120))
