"""The whole product path in real processes: fake X stream -> `sahelwatch run` -> fake Telegram channel.

Real tweepy reads the stream, the real pipeline matches, the real store writes the post with its
outbox row, real PTB sends it. The analyst's view is what the fake channel recorded.
"""

from __future__ import annotations

import json

from tests.e2e_support import bot_run
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import photo, tweet, user
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Post

fake_x = fake_x_fixture()
CHANNEL = -1001000000042
WATCHLIST = """\
topics:
  attack:
    severity: urgent
    terms: [embuscade, ambush, كمين]
  niger:
    terms: [Niger, Tillabéri]
"""


def _setup(tmp_path, fake_x):
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text(WATCHLIST, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    photo_url = "https://pbs.example.test/media/3_1.jpg"
    posts = {
        "hostile": tweet("Embuscade <script>alert(1)</script> près de Tillabéri & <b>Niger", "42",
                         media_keys=["3_1"]),
        "arabic": tweet("كمين مسلح قرب الحدود مع النيجر", "42", lang="ar"),
        "noise": tweet("Le match de football de ce soir au stade", "42"),
    }
    fake_x.store.seed([user("42", "sahel_news", "Sahel News")], [photo("3_1", url=photo_url)], posts.values())
    fake_x.stream.script([Post(posts["hostile"]["id"]), Post(posts["arabic"]["id"]), Post(posts["noise"]["id"])])
    return watchlists, photo_url, posts


def test_matching_x_posts_reach_the_channel_escaped_with_media(fake_x, tmp_path):
    watchlists, photo_url, posts = _setup(tmp_path, fake_x)
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_media(photo_url, "image/jpeg", 120_000, width=1200, height=800)
        with bot_run(tmp_path, fake_x, tg, watchlists) as run:
            assert wait_until(lambda: len(tg.messages(CHANNEL)) >= 2, 60)
        messages = tg.messages(CHANNEL)
    err = run.err
    assert run.proc.returncode == 0, err
    assert len(messages) == 2  # the football post matched nothing and was not sent
    by_kind = {m.kind: m for m in messages}
    shown = by_kind["photo"]
    assert "<script>alert(1)</script>" in shown.text and "& <b>Niger" in shown.text  # shown literally
    assert {"Embuscade", "Tillabéri", "Niger"} <= set(shown.spans("bold"))
    assert f"https://x.com/sahel_news/status/{posts['hostile']['id']}" in shown.links
    assert "كمين" in by_kind["text"].text
    for secret in (tg.token, fake_x.token):
        assert secret not in err
    events = [json.loads(line) for line in err.splitlines()]  # one format from start to exit
    assert events[-1]["event"] == "sahelwatch stopped" and events[-1]["stored"] == 2
    assert not [e["event"] for e in events if "=" in e["event"]]  # fields are fields, not text in the event
