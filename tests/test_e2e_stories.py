"""One incident, one alert: an attack reported in four languages within an hour reaches the
channel ONCE, through the real `sahelwatch run` (fake X stream -> pipeline -> store -> fake Bot
API), and that alert is edited to list the other reports — for a text alert and a photo alert.

The first report is streamed alone; the others only once its alert is in the channel, so what
the channel shows comes from the edit path (``editMessageText`` / ``editMessageCaption``).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from tests.e2e_support import bot_run
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import photo, tweet, user, x_time
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Post

fake_x = fake_x_fixture()
CHANNEL = -1001000000077
PHOTO = "https://pbs.example.test/media/7_1.jpg"
WATCHLIST = """\
topics:
  attack:
    severity: urgent
    terms: [attaque, attack, هجوم, hari, tués, killed, مقتل, kashe]
"""
START = datetime.now(UTC) - timedelta(hours=2)
REPORTS = [  # (lang, text): one attack on the Boulkessi camp, four languages, within the hour
    ("fr", "Mali : au moins 12 soldats tués dans une attaque jihadiste contre le camp de Boulkessi."),
    ("ar", "مقتل 12 جنديا في هجوم على معسكر بولكيسي وسط مالي"),
    ("en", "Jihadist attack on the army camp at Boulkessi, central Mali: at least 12 soldiers killed."),
    ("ha", "'Yan ta'adda sun kai hari a sansanin sojoji na Boulkessi a Mali, sun kashe sojoji 12."),
]


def _posts(link: str | None, media: bool) -> list[dict]:
    posts = []
    for i, (lang, text) in enumerate(REPORTS):
        extra = {"entities": {"urls": [{"start": 0, "end": 23, "url": f"https://t.co/r{i}",
                                        "expanded_url": f"{link}&utm_source=x{i}"}]}} if link else {}
        body = f"{text} https://t.co/r{i}" if link else text
        posts.append(tweet(body, str(40 + i), lang=lang, created_at=x_time(START + timedelta(minutes=12 * i)),
                           media_keys=["7_1"] if media and i == 0 else [], **extra))
    return posts


def _run(tmp_path, fake_x, posts: list[dict]) -> tuple[list, int, str]:
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text(WATCHLIST, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    users = [user(str(40 + i), f"reporter_{lang}", f"Reporter {lang}") for i, (lang, _) in enumerate(REPORTS)]
    fake_x.store.seed(users, [photo("7_1", url=PHOTO)], posts)
    fake_x.stream.script([Post(posts[0]["id"])])
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_media(PHOTO, "image/jpeg", 120_000, width=1200, height=800)
        with bot_run(tmp_path, fake_x, tg, watchlists) as run:
            assert wait_until(lambda: len(tg.messages(CHANNEL)) >= 1, 60)
            fake_x.stream.push(*(Post(p["id"]) for p in posts[1:]))
            assert wait_until(lambda: "+3 reports" in tg.messages(CHANNEL)[0].text, 60)
        messages = tg.messages(CHANNEL)
    err = run.err
    assert run.proc.returncode == 0, err
    with sqlite3.connect(tmp_path / "run.db") as db:
        stories = db.execute("SELECT count(DISTINCT story_id) FROM posts").fetchone()[0]
    return messages, stories, err


def _assert_one_alert_edited(messages: list, stories: int, posts: list[dict], kind: str) -> None:
    assert stories == 1
    [shown] = messages  # one alert, never a second message for the same attack
    assert shown.kind == kind and shown.edits  # the reports came by editing it
    assert "Boulkessi" in shown.text and shown.text.rstrip().endswith("+3 reports: ar, en, ha")
    for i, (lang, _) in enumerate(REPORTS[1:], start=1):
        assert f"https://x.com/reporter_{lang}/status/{posts[i]['id']}" in shown.links


def test_an_attack_in_four_languages_is_one_text_alert_edited_with_the_reports(fake_x, tmp_path):
    posts = _posts(None, media=False)  # no shared link: same place, event type and toll make the story
    messages, stories, _ = _run(tmp_path, fake_x, posts)
    _assert_one_alert_edited(messages, stories, posts, "text")
    assert "📍 Boulkessi" in messages[0].text and "12 killed" in messages[0].text


def test_an_attack_in_four_languages_is_one_photo_alert_with_its_caption_edited(fake_x, tmp_path):
    posts = _posts(None, media=True)
    messages, stories, _ = _run(tmp_path, fake_x, posts)
    _assert_one_alert_edited(messages, stories, posts, "photo")


def test_one_article_linked_in_four_languages_is_one_alert(fake_x, tmp_path):
    posts = [{**p, "text": p["text"].replace("Boulkessi", "the camp").replace("بولكيسي", "المعسكر")}
             for p in _posts("https://m.lefaso.net/spip.php?article1234", media=False)]  # no place to match
    messages, stories, _ = _run(tmp_path, fake_x, posts)
    assert stories == 1 and len(messages) == 1 and messages[0].text.rstrip().endswith("+3 reports: ar, en, ha")
