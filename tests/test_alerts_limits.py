"""Deliverable alerts: whatever a post holds, the analysts see an alert, or the admins learn why not.

Telegram counts 4,096 (text) / 1,024 (caption) code points after entity parsing and refuses raw
text over 32,768 bytes; the fake enforces both. Each test reads what the fake channel recorded.
"""

from __future__ import annotations

import dataclasses
import json

from click.testing import CliRunner

from bot.cli import main
from bot.models import Media
from tests.alerts_support import ADMIN, EN, Bench, bench_fixture, post  # noqa: F401

LONG_URL = "https://evil.example/" + "a&b" * 13_600  # 40 KB, and every & escapes to 5 bytes


def photos(bench: Bench, count: int) -> tuple[Media, ...]:
    urls = [f"https://pbs.twimg.com/media/{i}.jpg" for i in range(count)]
    for url in urls:
        bench.fake.add_media(url, "image/jpeg", 1000)
    return tuple(Media("photo", u) for u in urls)


async def test_300_photos_make_an_album_of_10_with_the_rest_counted(bench: Bench) -> None:
    bench.store_post(post(1, "attack near Gao " * 200, terms=["attack"], media=photos(bench, 300)))
    await bench.drain()
    shown = bench.fake.messages(EN)
    assert [m.kind for m in shown] == ["photo"] * 10 and len({m.media_group_id for m in shown}) == 1
    caption = shown[0].text
    assert len(caption) <= 1024 and caption.startswith("🔴 URGENT") and "+280 more photos" in caption
    assert "Media: 11 · 12" in caption and len(shown[0].links) == 11  # the post, then media 11-20
    assert [c.status for c in bench.fake.calls()] == [200, 200]  # getMe, one album: no 400 on the way


async def test_a_40kb_url_is_dropped_and_the_alert_still_goes_out(bench: Bench) -> None:
    hostile = dataclasses.replace(post(1, f"attack {LONG_URL}", terms=["attack"]), url=LONG_URL,
                                  media=(Media("photo", LONG_URL),))
    bench.store_post(hostile)
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.kind == "text" and shown.text.startswith("🔴 URGENT") and shown.spans("bold")[1] == "attack"
    assert len(shown.text) <= 4096 and "+1 more photos" in shown.text
    assert shown.links == []  # nothing links to the 40 KB URL
    assert [c.status for c in bench.fake.calls("sendMessage")] == [200]


async def test_too_long_steps_down_to_the_minimal_alert(bench: Bench) -> None:
    bench.fake.fail_next("sendMessage", 400, "Bad Request: message is too long", times=2, chat_id=EN)
    bench.store_post(post(1, "attack on the convoy", terms=["attack"]))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.text == "🔴 URGENT · Attack\nx post by @reporter\nhttps://x.com/reporter/status/1"
    assert "parse_mode" not in shown.params
    assert bench.outbox()[0]["state"] == "sent" and bench.fake.texts(ADMIN) == []


async def test_parse_error_on_a_caption_keeps_the_photo(bench: Bench) -> None:
    [photo] = photos(bench, 1)
    bench.fake.fail_next("sendPhoto", 400, "Bad Request: can't parse entities: Unclosed start tag at byte "
                         "offset 3")
    bench.store_post(post(1, "attack <b>", terms=["attack"], media=(photo,)))
    await bench.drain()
    [shown] = bench.fake.messages(EN)
    assert shown.kind == "photo" and shown.entities == () and "attack <b>" in shown.text


async def test_refused_in_every_form_is_failed_reported_and_listed(bench: Bench, tmp_path) -> None:
    bench.fake.fail_next("sendMessage", 400, "Bad Request: message is too long", times=3, chat_id=EN)
    bench.store_post(post(1, "attack refused", terms=["attack"]))
    bench.store_post(post(2, "attack fine", terms=["attack"]))
    await bench.drain()
    assert [t.split("\n")[1] for t in bench.fake.texts(EN)] == ["attack fine"]
    failed = bench.outbox()[0]
    assert failed["state"] == "failed" and "Message is too long" in failed["error"]
    assert "tried 3 ways" in failed["error"] and "minimal (plain)" in failed["error"]
    [told] = bench.fake.texts(ADMIN)
    assert told.startswith(f"Alert alert:{EN}:x:1 could not be delivered to {EN}: BadRequest: Message is too long")
    result = CliRunner().invoke(main, ["stats", "--json", "--db", str(bench.path)])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)["failed_alerts"]
    assert list(listed) == [f"alert:{EN}:x:1"] and "Message is too long" in listed[f"alert:{EN}:x:1"]
