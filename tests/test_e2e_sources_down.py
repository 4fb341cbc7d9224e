"""One collector's server is down: it backs off, the other collectors' alerts keep coming."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for
from tests.fakes.bsky_api import FakeBlueskyApi
from tests.fakes.jetstream import FakeJetstream
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.tg_web import FakeChannelWeb
from tests.sources_e2e import alerts, fake_telegram, posts, run_env, running, watchlists

SOURCES = """\
accounts:
  telegram: [SahelInfo]
  bluesky: [fama.bsky.social]
  mastodon: [fama@sahel.social]
"""
TEXTS = {  # distinct stories (places, wording): one story would be one alert
    "telegram": "Embuscade près de Ménaka contre une patrouille, trois véhicules détruits (telegram)",
    "bluesky": "Attack on a convoy near Timbuktu this morning, several soldiers killed (bluesky)",
    "mastodon": "Attaque d'un poste de gendarmerie à Tillabéri au Niger dans la nuit de mardi (mastodon)",
}
DID = "did:plc:fama0000000000000000000"
FAILED = {"telegram": "poll failed", "mastodon": "poll failed", "bluesky": "websocket dropped; reconnecting"}


@pytest.mark.parametrize("down", ["telegram", "bluesky", "mastodon"])
def test_a_source_whose_server_is_down_backs_off_and_the_others_still_alert(tmp_path, down):
    db = tmp_path / "run.db"
    tg = fake_telegram()
    with FakeChannelWeb() as web, FakeJetstream() as js, FakeBlueskyApi({"fama.bsky.social": DID}) as api, \
            FakeMastodon("sahel.social") as m:
        web.add_channel("SahelInfo")
        web.post("SahelInfo", TEXTS["telegram"])
        m.add_account("fama")
        m.status("fama", f"<p>{TEXTS['mastodon']}</p>")
        {"telegram": web, "bluesky": js, "mastodon": m}[down].down = True
        env = run_env(tg, watchlists(tmp_path, SOURCES), SAHELWATCH_TELEGRAM_WEB_URL=web.url,
                      SAHELWATCH_BLUESKY_JETSTREAM_URL=js.url, SAHELWATCH_BLUESKY_API_URL=api.url,
                      SAHELWATCH_MASTODON_URL=m.url)
        with running(env, db) as run:
            if down != "bluesky":
                assert wait_for(lambda: js.connections, 60)
                js.post(DID, TEXTS["bluesky"])
            assert wait_for(lambda: len(alerts(tg)) >= 2, 60)
        web_calls, mastodon_calls = len(web.requests_to("/s/")), len(m.requests_to("/api/"))
    tg.stop()
    up = {"telegram", "bluesky", "mastodon"} - {down}
    assert all(posts(db, name) for name in up)
    assert posts(db, down) == []
    assert all(any(name in a.text for a in alerts(tg)) for name in up)
    failures = [e for e in run.logged(FAILED[down]) if e.get("source", "").startswith(down)]
    assert failures and all(e["retry_in_s"] > 0 for e in failures)
    if down == "telegram":
        assert web_calls <= 2  # backing off (30 s and more), not hammering the server
    if down == "mastodon":
        assert mastodon_calls <= 2
