"""`sahelwatch sources --check` tries each Telegram channel, the Bluesky stream and each Mastodon instance once."""

from __future__ import annotations

import subprocess

from tests.conftest import SAHELWATCH, cli_env
from tests.fakes.bsky_api import FakeBlueskyApi
from tests.fakes.jetstream import FakeJetstream
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.tg_web import FakeChannelWeb
from tests.sources_e2e import watchlists

SOURCES = """\
accounts:
  telegram: [SahelInfo, ClosedChan]
  bluesky: [fama.bsky.social]
  mastodon: [fama@sahel.social, ghost@sahel.social]
"""


def test_check_reports_what_each_collector_found_and_what_failed(tmp_path):
    with FakeChannelWeb() as web, FakeJetstream() as js, FakeBlueskyApi({"fama.bsky.social": "did:plc:fama"}) as api, \
            FakeMastodon("sahel.social") as m:
        web.add_channel("SahelInfo", title="Sahel Info")
        web.post("SahelInfo", "Premier message")
        web.add_channel("ClosedChan", preview=False)
        m.add_account("fama")
        env = cli_env(SAHELWATCH_WATCHLISTS=str(watchlists(tmp_path, SOURCES)), SAHELWATCH_TELEGRAM_WEB_URL=web.url,
                      SAHELWATCH_BLUESKY_JETSTREAM_URL=js.url, SAHELWATCH_BLUESKY_API_URL=api.url,
                      SAHELWATCH_MASTODON_URL=m.url, SAHELWATCH_HTTP_HOST_INTERVAL="0",
                      SAHELWATCH_BLUESKY_CHECK_SECONDS="0.2")
        checked = subprocess.run([*SAHELWATCH, "sources", "--db", str(tmp_path / "s.db"), "--check"], env=env,
                                 capture_output=True, text=True, timeout=120)
    out = checked.stdout
    assert checked.returncode == 1, checked.stderr
    assert "ok   telegram:sahelinfo: 'Sahel Info': 1 messages on the first page, newest https://t.me/SahelInfo/1" in out
    assert "FAIL telegram:closedchan: PollError: channel ClosedChan has no public preview" in out
    assert "ok   bluesky: 1 account(s) resolved; Jetstream connected, 0 events in 0.2 s" in out
    assert "FAIL mastodon:sahel.social: PollError: no account ghost@sahel.social" in out
    assert js.connections[0]["wantedCollections"] == ["app.bsky.feed.post"]
