"""Mastodon end to end: fake instance (account + hashtag timelines) -> `sahelwatch run` -> fake alert channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import wait_for
from tests.fakes.mastodon import FakeMastodon
from tests.sources_e2e import alerts, fake_telegram, media, posts, run_env, running, wait_alerts, watchlists

PHOTO = "https://files.sahel.social/media/embuscade.jpg"
SOURCES = "accounts:\n  mastodon: [fama@sahel.social]\nhashtags:\n  mastodon: [Sahel]\n"


def test_statuses_are_stored_alerted_once_and_read_forward_after_a_restart(tmp_path):
    db = tmp_path / "run.db"
    tg = fake_telegram()
    tg.add_media(PHOTO, "image/jpeg", 200_000, width=1600, height=900)
    with FakeMastodon("sahel.social") as m:
        m.add_account("fama", "Fama Diallo")
        m.add_account("relay", "Relais Sahel")
        days_ago = datetime.now(UTC) - timedelta(days=3)
        m.status("fama", "<p>Attaque à Kidal la semaine dernière</p>", created_at=days_ago)
        m.broken(m.status("fama", "<p>cassé</p>")["id"])
        hit = m.status("fama", "<p>Embuscade près de <a href=\"https://sahel.social/tags/M%C3%A9naka\" class=\"mention "
                               "hashtag\">#<span>Ménaka</span></a> : plusieurs soldats tués selon des sources locales"
                               "</p>", media=[m.image(PHOTO, "véhicule incendié")])
        tagged = m.status("relay", "<p>Revue de presse du jour <a href=\"https://sahel.social/tags/Sahel\">#Sahel</a>"
                                   "</p>", tags=["Sahel"])
        env = run_env(tg, watchlists(tmp_path, SOURCES), SAHELWATCH_MASTODON_URL=m.url)
        with running(env, db) as first:
            assert wait_alerts(tg, 1)
            assert wait_for(lambda: len(posts(db, "mastodon")) >= 3)
        stored = {p["platform_id"]: p for p in posts(db, "mastodon")}
        assert len(stored) == 3 and tagged["uri"] in stored  # the hashtag timeline was read too
        shown = stored[hit["uri"]]
        assert shown["url"] == hit["url"] and shown["author_handle"] == "fama@sahel.social"
        assert shown["author_name"] == "Fama Diallo" and shown["lang"] == "fr"
        assert shown["text"] == "Embuscade près de #Ménaka : plusieurs soldats tués selon des sources locales"
        assert datetime.fromisoformat(shown["created_at"]) == datetime.fromisoformat(hit["created_at"])
        assert media(db, shown["id"]) == [{"kind": "photo", "url": PHOTO}]
        (alert,) = alerts(tg)  # the 3-day-old match is history: stored, not alerted
        assert alert.kind == "photo" and hit["url"] in alert.links
        assert len(first.logged("mastodon status skipped")) == 1

        for n in range(45):  # more than one page (40) published while the bot was down
            m.status("fama", f"<p>Bulletin numéro {n} de la radio communautaire</p>")
        m.status("fama", "<p>Nouvelle attaque signalée près de Tombouctou</p>")
        with running(env, db):
            assert wait_alerts(tg, 2)
            assert wait_for(lambda: len(posts(db, "mastodon")) >= 3 + 46)
        min_ids = [r.arg("min_id") for r in m.requests_to("/api/v1/accounts/") if r.arg("min_id")]
    tg.stop()
    stored = posts(db, "mastodon")
    assert len(stored) == len({p["platform_id"] for p in stored}) == 49
    assert len(alerts(tg)) == 2 and "Tombouctou" in alerts(tg)[-1].text
    assert len(min_ids) >= 2  # read forward page by page, never "the newest 40" (which would leave a gap)
