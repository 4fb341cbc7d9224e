"""Stored posts become Telegram messages: real PTB ExtBot, real SQLite, the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.alerts.bot import make_bot
from bot.alerts.delivery import Delivery
from bot.alerts.outbox import enqueue_hook
from bot.alerts.pacing import Pacer
from bot.alerts.routing import ChannelRule, Routing
from bot.models import Media
from bot.store.db import Store
from bot.store.posts import save_post
from tests.alerts_support import EN, FR, Bench, bench_fixture, post  # noqa: F401
from tests.fakes.tg_server import FakeTelegram

PHOTO = "https://pbs.twimg.com/media/a.jpg"
VIDEO = "https://video.twimg.com/v/1.mp4"


async def test_a_matching_post_becomes_one_message_in_the_right_channel(bench: Bench) -> None:
    bench.fake.add_media(PHOTO, "image/jpeg", 200_000)
    bench.store_post(post(1, "Gunmen attack a convoy near Gao", terms=["attack"],
                          media=(Media("photo", PHOTO),)))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.kind == "photo" and shown.media == {"url": PHOTO, "mime": "image/jpeg"}
    assert "Gunmen attack a convoy near Gao" in shown.text
    assert shown.spans("bold") == ["🔴 URGENT", "attack"]
    assert shown.links == ["https://x.com/reporter/status/1"]
    assert "Field Reporter (@reporter) · en · Gao, Mali · 2026-11-20 06:00 UTC" in shown.text
    assert bench.fake.messages(FR) == []
    assert [r["state"] for r in bench.outbox()] == ["sent"]


async def test_routing_by_topic_and_language(bench: Bench) -> None:
    bench.store_post(post(1, "Attaque près de Ménaka", lang="fr"))
    bench.store_post(post(2, "Election results announced", topics=("politics",), lang="fr"))
    bench.store_post(post(3, "Attack in Kidal", lang="ar"))
    await bench.drain()
    assert ["Attaque près de Ménaka" in t for t in bench.fake.texts(EN)] == [True]
    assert [t.split("\n")[1] for t in bench.fake.texts(FR)] == ["Attaque près de Ménaka", "Election results announced"]


HOSTILE = [
    '<script>alert("pwned")</script> attack',
    "<b>unbalanced attack",
    "AT&T & Co attack &amp; &lt;not a tag&gt;",
    "attack " + "word " * 1000,
    "attack \u202eevil reversed\u202c text with \u2066isolate",
]


async def test_hostile_posts_are_delivered_without_a_400(bench: Bench) -> None:
    for n, text in enumerate(HOSTILE, start=1):
        bench.store_post(post(n, text, terms=["attack"]))
    await bench.drain()
    assert [c.status for c in bench.fake.calls("sendMessage")] == [200] * len(HOSTILE)
    shown = bench.fake.messages(EN)
    assert shown[0].text.split("\n")[1] == '<script>alert("pwned")</script> attack'
    assert shown[1].text.split("\n")[1] == "<b>unbalanced attack"
    assert shown[2].text.split("\n")[1] == "AT&T & Co attack &amp; &lt;not a tag&gt;"
    long = shown[3]
    assert len(long.text) <= 4096 and " word word…\n" in long.text and long.links
    assert "\u202e" not in shown[4].text and "evil reversed" in shown[4].text
    assert all(m.spans("bold")[1] == "attack" for m in shown)


async def test_album_and_more_than_ten_media(bench: Bench) -> None:
    urls = [f"https://pbs.twimg.com/media/{i}.jpg" for i in range(12)]
    for url in urls:
        bench.fake.add_media(url, "image/jpeg", 1000)
    bench.fake.add_media(VIDEO, "video/mp4", 5_000_000)
    bench.store_post(post(1, "attack video", media=(Media("photo", urls[0]), Media("video", VIDEO))))
    bench.store_post(post(2, "attack photos", media=tuple(Media("photo", u) for u in urls)))
    await bench.drain()
    shown = bench.fake.messages(EN)
    assert [m.kind for m in shown] == ["photo", "video"] + ["photo"] * 10
    assert len({m.media_group_id for m in shown[:2]}) == 1 and len({m.media_group_id for m in shown[2:]}) == 1
    assert shown[2].links[-2:] == urls[10:] and "Media: 11 · 12" in shown[2].text


async def test_rejected_media_url_falls_back_to_text_with_links(bench: Bench) -> None:
    bench.fake.add_media(PHOTO, "text/html", 1000)  # a web page, not an image
    bench.store_post(post(1, "attack photo", media=(Media("photo", PHOTO),)))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.kind == "text" and PHOTO in shown.links and "Media: 1" in shown.text
    assert bench.fake.calls("sendPhoto")[0].description == "Bad Request: wrong type of the web page content"


async def test_a_duplicate_never_realerts_but_updates_the_count(bench: Bench) -> None:
    bench.store_post(post(1, "attack on the base at Tessit", terms=["attack"]))
    await bench.drain()
    bench.store_post(post(2, "attack on the base at Tessit (repost)", duplicate_of="x:1"))
    bench.store_post(post(3, "RT attack on the base at Tessit", duplicate_of="x:1"))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.text.endswith("+2 reports: en, en") and len(shown.edits) == 1  # the 2nd edit changed nothing
    assert shown.links.count("https://x.com/reporter/status/2") == 1
    assert [r["kind"] for r in bench.outbox()] == ["alert", "similar", "similar"]


async def test_a_photo_alert_gets_its_caption_edited_with_the_reports(bench: Bench) -> None:
    bench.fake.add_media(PHOTO, "image/jpeg", 200_000)
    bench.store_post(post(1, "attack photo at Tessit", terms=["attack"], media=(Media("photo", PHOTO),)))
    await bench.drain()
    bench.store_post(post(2, "attack photo at Tessit (repost)", duplicate_of="x:1"))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.kind == "photo" and shown.text.endswith("+1 report: en") and len(shown.edits) == 1
    assert len(bench.fake.calls("editMessageCaption")) == 1 and not bench.fake.unknown_params


async def test_a_duplicate_is_new_to_a_channel_that_never_had_the_story(bench: Bench) -> None:
    bench.store_post(post(1, "attack on Tessit", lang="en"))  # EN only (FR takes French)
    bench.store_post(post(2, "attaque contre Tessit", lang="fr", duplicate_of="x:1"))
    await bench.drain()
    assert [t.split("\n")[1] for t in bench.fake.texts(EN)] == ["attack on Tessit"]
    assert [t.split("\n")[1] for t in bench.fake.texts(FR)] == ["attaque contre Tessit"]


async def test_a_post_stored_twice_alerts_once(bench: Bench) -> None:
    bench.store_post(post(1, "attack"))
    bench.store_post(post(1, "attack"))
    await bench.drain()
    await bench.drain()
    assert len(bench.fake.messages(EN)) == 1


async def test_running_delivery_sends_as_posts_arrive_and_stops_cleanly(tmp_path: Path) -> None:
    """Real time, the long-running loop: a stored post wakes its sender; stop ends the task."""
    routing = Routing((ChannelRule(str(EN)),))
    with FakeTelegram() as fake:
        fake.add_channel(EN)
        store = Store(tmp_path / "live.db")
        store.post_hooks.append(enqueue_hook(lambda: routing))
        delivery = Delivery(store, make_bot(fake.token, fake.url), lambda: routing,
                            pacer=Pacer(channel_interval=0.01))
        stop = asyncio.Event()
        task = asyncio.create_task(delivery.run(stop))
        for n in range(3):
            p = post(n, f"attack {n}")
            delivery.emit(p, save_post(store, p))
            await until(lambda n=n: len(fake.texts(EN)) > n)
        stop.set()
        await asyncio.wait_for(task, 10)
        assert [t.split("\n")[1] for t in fake.texts(EN)] == ["attack 0", "attack 1", "attack 2"]
        store.close()


async def until(condition: Callable[[], bool], rounds: int = 1000) -> None:
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not delivered")
