"""A public Telegram channel, end to end: fake t.me preview -> `sahelwatch run` -> fake alert channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import wait_for
from tests.fakes.tg_web import FakeChannelWeb
from tests.sources_e2e import alerts, fake_telegram, media, posts, rows, run_env, running, wait_alerts, watchlists

PHOTO = "https://cdn4.telesco.pe/file/embuscade.jpg"


def test_channel_messages_are_stored_alerted_once_and_caught_up_after_a_restart(tmp_path):
    db = tmp_path / "run.db"
    tg = fake_telegram()
    tg.add_media(PHOTO, "image/jpeg", 150_000, width=1280, height=720)
    with FakeChannelWeb(page_size=10) as web:
        web.add_channel("SahelInfo", title="Sahel Info", first_id=100)
        old = web.post("SahelInfo", "Attaque à Kidal il y a trois jours", date=datetime.now(UTC) - timedelta(days=3))
        web.post("SahelInfo", "message sans date", broken="time")
        hit = web.post("SahelInfo", "Embuscade près de Ménaka :<br/>plusieurs soldats tués selon des sources "
                                    "locales, d'après les informations recueillies.", photos=[PHOTO])
        web.post("SahelInfo", "Conférence de presse du gouvernement ce matin à Bamako sur le budget")
        env = run_env(tg, watchlists(tmp_path, "accounts:\n  telegram: [SahelInfo]\n"),
                      SAHELWATCH_TELEGRAM_WEB_URL=web.url)

        with running(env, db) as first:
            assert wait_alerts(tg, 1)
            assert wait_for(lambda: len(posts(db, "telegram")) >= 3)
        stored = posts(db, "telegram")
        assert [p["platform_id"] for p in stored] == [f"sahelinfo/{n}" for n in (old.id, hit.id, hit.id + 1)]
        shown = stored[1]
        assert shown["url"] == f"https://t.me/SahelInfo/{hit.id}"
        assert shown["author_handle"] == "SahelInfo" and shown["author_name"] == "Sahel Info"
        assert datetime.fromisoformat(shown["created_at"]) == hit.date.replace(microsecond=0)
        assert shown["lang"] == "fr" and shown["text"].startswith("Embuscade près de Ménaka :\nplusieurs")
        assert media(db, shown["id"]) == [{"kind": "photo", "url": PHOTO}]
        (alert,) = alerts(tg)  # the 3-day-old match is history: stored, not alerted
        assert alert.kind == "photo" and "Embuscade" in alert.text
        assert f"https://t.me/SahelInfo/{hit.id}" in alert.links
        assert len(first.logged("telegram message skipped")) == 1

        # published while the bot was down: more than one preview page
        web.post("SahelInfo", "Nouvelle attaque signalée près de Tombouctou ce soir")
        for n in range(24):
            web.post("SahelInfo", f"Bulletin météo numéro {n} pour la région", skip=1 if n == 5 else 0)
        with running(env, db):
            assert wait_alerts(tg, 2)
            assert wait_for(lambda: len(posts(db, "telegram")) >= 3 + 25)
    tg.stop()
    stored = posts(db, "telegram")
    assert len(stored) == len({p["platform_id"] for p in stored}) == 28
    assert "Tombouctou" in alerts(tg)[1].text and len(alerts(tg)) == 2
    (cursor,) = rows(db, "SELECT value FROM cursors WHERE source = 'telegram:sahelinfo'")
    assert cursor["value"] == stored[-1]["platform_id"].split("/")[1]
