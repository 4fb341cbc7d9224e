"""Posts Telegram would refuse as they are still reach the analysts, through `sahelwatch run`.

Fake X stream -> `sahelwatch run` -> fake Bot API, which enforces Telegram's limits (4,096 / 1,024
code points after parsing, 32,768 raw bytes, albums of 2-10). The ingest caps on media and URLs
are raised here so the hostile values reach the alert layer, which must cope on its own.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess

from tests.conftest import REPO, SAHELWATCH, cli_env
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import photo, tweet, user
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Post

fake_x = fake_x_fixture()
CHANNEL = -1001000000043
WATCHLIST = "topics:\n  attack:\n    severity: urgent\n    terms: [embuscade]\n"
LONG_URL = "https://evil.example.test/" + "a&b" * 13_600  # 40 KB
HOSTILE = 'Embuscade <b>gras</b> & <a href="javascript:alert(1)">lien</a> &amp; </i> <tg-spoiler> &nbsp;'


def _posts(fake_x):
    photos = [photo(f"3_{i}") for i in range(300)] + [photo("4_0", url=LONG_URL)]
    posts = [tweet("Embuscade près de Gao, 300 photos", "42", media_keys=[f"3_{i}" for i in range(300)]),
             tweet(f"Embuscade: la vidéo {LONG_URL}", "42", media_keys=["4_0"]),
             tweet(HOSTILE, "42")]
    fake_x.store.seed([user("42", "sahel_news", "Sahel News")], photos, posts)
    fake_x.stream.script([Post(p["id"]) for p in posts])
    return [p["url"] for p in photos]


def test_300_photos_a_40kb_url_and_hostile_html_each_reach_the_channel(fake_x, tmp_path):
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text(WATCHLIST, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    urls = _posts(fake_x)
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        for url in urls[:300]:
            tg.add_media(url, "image/jpeg", 120_000, width=1200, height=800)
        env = cli_env(SAHELWATCH_X_API_URL=fake_x.base_url, X_BEARER_TOKEN=fake_x.token,
                      TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                      SAHELWATCH_TELEGRAM_PACE="0.05", SAHELWATCH_WATCHLISTS=str(watchlists),
                      SAHELWATCH_DB=str(tmp_path / "run.db"), SAHELWATCH_MAX_MEDIA="400",
                      SAHELWATCH_MAX_URL_CHARS="50000")
        proc = subprocess.Popen([*SAHELWATCH, "run"], env=env, cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: len(tg.messages(CHANNEL)) >= 12, 90)
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        messages = tg.messages(CHANNEL)
        refused = [c.description for c in tg.calls() if c.status == 400]
    assert proc.returncode == 0, err[-3000:]
    album, (long_url, hostile) = messages[:10], messages[10:]
    assert [m.kind for m in album] == ["photo"] * 10 and len({m.media_group_id for m in album}) == 1
    assert len(album[0].text) <= 1024 and "+280 more photos" in album[0].text
    assert long_url.kind == "text" and long_url.text.startswith("🔴 URGENT") and "Embuscade" in long_url.spans("bold")
    assert len(long_url.text) <= 4096 and "+1 more photos" in long_url.text
    assert all(len(link) <= 2048 for link in long_url.links)
    assert HOSTILE in hostile.text.split("\n") and hostile.spans("bold") == ["🔴 URGENT", "Embuscade"]
    assert refused == []  # every alert fitted the first time
    with sqlite3.connect(tmp_path / "run.db") as db:
        assert db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall() == [("sent", 3)]
