"""Delivery under Telegram's refusals: flood limits, 429 bursts, 403, 5xx, dropped connections."""

from __future__ import annotations

from bot.alerts.delivery import REPEAT_AFTER
from bot.alerts.routing import ChannelRule, Routing
from tests.alerts_support import ADMIN, EN, FR, Bench, bench_fixture, post  # noqa: F401


def statuses(bench: Bench, method: str = "sendMessage") -> list[int]:
    return [c.status for c in bench.fake.calls(method)]


def body_lines(bench: Bench, chat: int) -> list[str]:
    return [t.split("\n")[1] for t in bench.fake.texts(chat)]


async def test_pacing_stays_inside_telegrams_flood_windows(bench: Bench) -> None:
    for n in range(30):
        bench.store_post(post(n, f"attack report {n}"))
    start = bench.clock.now
    await bench.drain()
    assert body_lines(bench, EN) == [f"attack report {n}" for n in range(30)]
    assert 429 not in statuses(bench)  # the fake enforces 20 per 60 s per channel
    assert bench.clock.now - start >= 29 * 3  # one message per 3 s (virtual time)


async def test_429_bursts_delay_but_never_drop_or_reorder(bench: Bench) -> None:
    bench.fake.flood_next("sendMessage", retry_after=7, times=3, chat_id=EN)
    bench.fake.flood_next("sendMessage", retry_after=2, times=2, chat_id=FR)
    for n in range(6):
        bench.store_post(post(n, f"attack wave {n}", lang="fr"))
    await bench.drain()
    assert body_lines(bench, EN) == [f"attack wave {n}" for n in range(6)]
    assert body_lines(bench, FR) == [f"attack wave {n}" for n in range(6)]
    assert statuses(bench).count(429) == 5
    assert {r["state"] for r in bench.outbox()} == {"sent"}


async def test_403_pauses_one_channel_tells_the_admins_and_keeps_its_alerts(bench: Bench) -> None:
    bench.fake.set_status(FR, "kicked")
    for n in range(3):
        bench.store_post(post(n, f"attaque {n}", lang="fr"))
    await bench.drain()
    assert body_lines(bench, EN) == ["attaque 0", "attaque 1", "attaque 2"]
    assert bench.fake.texts(FR) == []
    [told] = bench.fake.texts(ADMIN)
    assert f"Channel {FR} paused (channels.yaml:6)" in told and "bot was kicked from the channel chat" in told
    assert [r["state"] for r in bench.outbox() if r["channel"] == str(FR)] == ["pending"] * 3
    assert statuses(bench).count(403) == 1  # paused after the first refusal, not retried in a loop

    bench.fake.set_status(FR, "admin")
    await bench.drain()
    assert bench.fake.texts(FR) == []  # still inside the pause
    bench.clock.advance(bench.delivery.pause_seconds)
    await bench.drain()
    assert body_lines(bench, FR) == ["attaque 0", "attaque 1", "attaque 2"]


async def test_not_admin_pauses_and_is_reported(bench: Bench) -> None:
    bench.fake.set_status(EN, "member")  # in the channel, but not admin
    bench.store_post(post(1, "attack"))
    await bench.drain()
    [told] = bench.fake.texts(ADMIN)
    assert "BadRequest: Need administrator rights in the channel chat" in told
    assert bench.outbox()[0]["state"] == "pending"


async def test_unknown_chat_pauses_and_is_reported(bench: Bench) -> None:
    gone = ChannelRule("@no_such_channel", where="channels.yaml:9")
    bench.routing = Routing((*bench.routing.channels, gone), admin_chat_id=bench.routing.admin_chat_id)
    bench.store_post(post(1, "attack"))
    await bench.drain()
    assert len(bench.fake.texts(EN)) == 1
    [told] = bench.fake.texts(ADMIN)
    assert told.startswith("Channel @no_such_channel paused (channels.yaml:9): BadRequest: Chat not found")


async def test_server_errors_and_lost_connections_are_retried(bench: Bench) -> None:
    bench.fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    bench.fake.drop_next("sendMessage")
    bench.store_post(post(1, "attack one"))
    bench.store_post(post(2, "attack two"))
    await bench.drain()
    assert body_lines(bench, EN) == ["attack one", "attack two"]
    assert statuses(bench) == [502, 502, 0, 200, 200]


async def test_an_unconfirmed_send_is_sent_again(bench: Bench) -> None:
    bench.fake.drop_next("sendMessage", after_delivery=True)
    bench.store_post(post(1, "attack once"))
    await bench.drain()
    assert body_lines(bench, EN) == ["attack once", "attack once"]  # at-least-once: one duplicate


async def test_parse_error_resends_as_plain_text(bench: Bench) -> None:
    bench.fake.fail_next("sendMessage", 400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" '
                         "at byte offset 3")
    bench.store_post(post(1, "attack <x>", terms=["attack"]))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.entities == () and shown.text.split("\n")[1] == "attack <x>"
    assert "parse_mode" not in shown.params


async def test_other_400_fails_that_alert_only_and_tells_the_admins(bench: Bench) -> None:
    bench.fake.fail_next("sendMessage", 400, "Bad Request: message thread not found", chat_id=EN)
    bench.store_post(post(1, "attack one"))
    bench.store_post(post(2, "attack two"))
    await bench.drain()
    assert body_lines(bench, EN) == ["attack two"]
    assert [r["state"] for r in bench.outbox()] == ["failed", "sent"]
    assert "could not be delivered" in bench.fake.texts(ADMIN)[0]


async def test_the_same_admin_report_is_sent_once_then_again_ten_minutes_later(bench: Bench) -> None:
    async with bench.bot:
        for _ in range(3):  # e.g. a refusal met by every alert of a channel
            await bench.delivery.report("sources.yaml applied: started: feed:https://a.example/rss.")
        await bench.sleep(REPEAT_AFTER - 1)
        await bench.delivery.report("sources.yaml applied: started: feed:https://a.example/rss.")
        await bench.delivery.report("sources.yaml applied: stopped: feed:https://a.example/rss.")
        await bench.sleep(2)  # the same change made again, eleven minutes after the first
        await bench.delivery.report("sources.yaml applied: started: feed:https://a.example/rss.")
    assert bench.fake.texts(ADMIN) == ["sources.yaml applied: started: feed:https://a.example/rss.",
                                       "sources.yaml applied: stopped: feed:https://a.example/rss.",
                                       "sources.yaml applied: started: feed:https://a.example/rss."]
