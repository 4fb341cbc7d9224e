"""A deployment behind an HTTP proxy: `sahelwatch run` reaches Bluesky's Jetstream (a CONNECT tunnel)
and API (absolute-form requests) only through ``HTTP_PROXY``/``HTTPS_PROXY``, while the Bot API on a
loopback address is reached directly. The names below resolve nowhere but in the fake proxy."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.conftest import wait_for
from tests.fakes.bsky_api import FakeBlueskyApi
from tests.fakes.http_proxy import FakeProxy
from tests.fakes.jetstream import FakeJetstream
from tests.sources_e2e import alerts, fake_telegram, posts, run_env, running, wait_alerts, watchlists

FAMA = "did:plc:fama0000000000000000000"


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 80


def test_bluesky_is_read_through_the_environments_proxy(tmp_path):
    db = tmp_path / "run.db"
    tg = fake_telegram()
    with FakeJetstream() as js, FakeBlueskyApi({"fama.bsky.social": FAMA}, names={FAMA: "Fama Diallo"}) as api, \
            FakeProxy({"jetstream.invalid": address(js.url), "bsky-api.invalid": address(api.url)}) as proxy:
        env = run_env(tg, watchlists(tmp_path, "accounts:\n  bluesky: [fama.bsky.social]\n"),
                      SAHELWATCH_BLUESKY_JETSTREAM_URL="ws://jetstream.invalid/subscribe",
                      SAHELWATCH_BLUESKY_API_URL="http://bsky-api.invalid",
                      HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url, http_proxy=proxy.url, https_proxy=proxy.url,
                      NO_PROXY="", no_proxy="")
        with running(env, db):
            assert wait_for(lambda: js.connections, 60), "Jetstream never reached through the proxy"
            js.post(FAMA, "Bonjour à toutes et à tous, nouvelle semaine de travail")  # listed: stored, no alert
            js.post(FAMA, "Embuscade meurtrière près de Ménaka : plusieurs soldats tués", langs=["fr"])
            assert wait_alerts(tg, 1)
            assert wait_for(lambda: len(posts(db, "bluesky")) == 2)
    tg.stop()
    stored = posts(db, "bluesky")
    assert {p["author_name"] for p in stored} == {"Fama Diallo"}  # the profile came through the proxy
    assert "Ménaka" in alerts(tg)[0].text
    assert "CONNECT jetstream.invalid:80" in proxy.seen
    assert "GET http://bsky-api.invalid/xrpc/com.atproto.identity.resolveHandle?handle=fama.bsky.social" in proxy.seen
    assert not [line for line in proxy.seen if "127.0.0.1" in line]  # the loopback Bot API went direct
