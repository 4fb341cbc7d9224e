"""Bluesky end to end: fake Jetstream + fake AppView -> `sahelwatch run` -> fake alert channel."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import wait_for
from tests.fakes.bsky_api import FakeBlueskyApi
from tests.fakes.jetstream import FakeJetstream
from tests.sources_e2e import alerts, fake_telegram, media, posts, rows, run_env, running, wait_alerts, watchlists

FAMA, STRANGER = "did:plc:fama0000000000000000000", "did:plc:stranger00000000000000"
CDN = "https://cdn.bsky.test"
IMAGE = {"$type": "app.bsky.embed.images", "images": [
    {"image": {"$type": "blob", "ref": {"$link": "bafkreiembuscade"}, "mimeType": "image/jpeg", "size": 90_000},
     "alt": "véhicule incendié"}]}
PHOTO = f"{CDN}/img/feed_fullsize/plain/{STRANGER}/bafkreiembuscade@jpeg"


def test_matching_posts_and_listed_accounts_are_stored_alerted_once_and_resumed_after_a_restart(tmp_path):
    db = tmp_path / "run.db"
    tg = fake_telegram()
    tg.add_media(PHOTO, "image/jpeg", 90_000, width=1000, height=750)
    with FakeJetstream() as js, FakeBlueskyApi({"fama.bsky.social": FAMA, "stranger.bsky.social": STRANGER},
                                                     names={FAMA: "Fama Diallo"}) as api:
        env = run_env(tg, watchlists(tmp_path, "accounts:\n  bluesky: [fama.bsky.social]\n"),
                      SAHELWATCH_BLUESKY_JETSTREAM_URL=js.url, SAHELWATCH_BLUESKY_API_URL=api.url,
                      SAHELWATCH_BLUESKY_CDN_URL=CDN)
        with running(env, db) as first:
            assert wait_for(lambda: js.connections, 60)
            js.identity(STRANGER, "stranger.bsky.social")
            js.post(STRANGER, "Un beau match de football hier soir au stade")  # nobody listed, no topic
            js.publish('{"did": "did:plc:x", "time_us": "soon", "kind": "commit"}')  # malformed
            gone = js.post(STRANGER, "Attaque à Kidal, post supprimé")
            js.delete(STRANGER, gone["rkey"])
            hit = js.post(STRANGER, "Embuscade meurtrière près de Ménaka : plusieurs soldats tués selon des "
                                    "sources locales", langs=["fr"], embed=IMAGE)
            js.account(STRANGER)
            js.post(FAMA, "Bonjour à toutes et à tous, nouvelle semaine de travail")  # listed account
            assert wait_alerts(tg, 2)
            assert wait_for(lambda: len(posts(db, "bluesky")) >= 3)
        stored = {p["platform_id"]: p for p in posts(db, "bluesky")}
        assert len(stored) == 3  # the football post was never queued; the deleted one was already stored
        shown = stored[hit["uri"]]
        assert shown["url"] == f"https://bsky.app/profile/{STRANGER}/post/{hit['rkey']}"
        assert shown["lang"] == "fr" and shown["text"].startswith("Embuscade meurtrière")
        assert shown["author_handle"] == "stranger.bsky.social"  # named from its profile
        assert datetime.fromisoformat(shown["created_at"]).year >= 2026
        assert media(db, shown["id"]) == [{"kind": "photo", "url": PHOTO}]
        fama = next(p for p in stored.values() if FAMA in p["platform_id"])
        assert fama["author_handle"] == "fama.bsky.social" and fama["author_name"] == "Fama Diallo"
        assert fama["topics"] == "[]"
        assert {a.kind for a in alerts(tg)} == {"photo", "text"}
        assert len(first.logged("bluesky event skipped")) == 1

        later = js.post(STRANGER, "Nouvelle attaque contre un convoi près de Tombouctou", langs=["fr"])
        with running(env, db):
            assert wait_alerts(tg, 3)
            assert wait_for(lambda: len(posts(db, "bluesky")) >= 4)
        resumed_from = int(js.connections[-1]["cursor"][0])
    tg.stop()
    stored = posts(db, "bluesky")
    assert len(stored) == len({p["platform_id"] for p in stored}) == 4
    assert len(alerts(tg)) == 3 and "Tombouctou" in alerts(tg)[-1].text
    assert resumed_from < later["time_us"]  # the restart asked Jetstream to replay from before the gap
    (cursor,) = rows(db, "SELECT value FROM cursors WHERE source = 'bluesky'")
    assert int(cursor["value"]) >= later["time_us"]
