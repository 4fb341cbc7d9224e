"""An admin edits ``sources.yaml`` while `sahelwatch run` runs: a feed added is read and alerts, a
feed removed stops (its health says so), a feed whose settings change restarts with them, a feed
listed again starts afresh like a new one (only its recent entries alert), and nothing is stored or
alerted twice; the admin chat is told each change. Real process, real
feedparser and httpx against the fake feed server, alerts through the fake Bot API."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from tests.conftest import SAHELWATCH, cli_env, wait_for
from tests.fakes.feed_samples import rss
from tests.fakes.feeds_server import FakeFeeds
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.test_e2e_feeds import ADMIN, CHANNEL, TOPICS, entry, health, rows

A_TEXT = "<p>Une attaque contre le poste de Djibo a fait plusieurs victimes ce matin selon des sources locales.</p>"
B_TEXT = "<p>An attack on the market of Ménaka was reported this evening by residents and local officials.</p>"
C_TEXT = "<p>Nouvelle attaque contre le camp de Tessit, les renforts sont arrivés dans la soirée selon l'armée.</p>"
OLD_TEXT = "<p>Une attaque a visé un convoi près de Kidal hier soir, racontée ce matin par la radio locale.</p>"


def write_sources(watchlists: Path, feeds: str) -> None:
    """Write ``sources.yaml`` as an editor would: to a new file moved over the old one."""
    tmp = watchlists / ".sources.yaml.tmp"
    tmp.write_text(f"feeds:\n{feeds}", encoding="utf-8")
    tmp.replace(watchlists / "sources.yaml")


def admin_texts(tg: FakeTelegram) -> list[str]:
    return [m.text for m in tg.messages(ADMIN)]


def test_feeds_added_removed_and_changed_in_sources_yaml_take_effect_without_a_restart(tmp_path):
    db = tmp_path / "run.db"
    with FakeFeeds() as web, FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_channel(ADMIN)
        web.serve("/a", rss("Feed A", [entry(1, A_TEXT)]))
        web.serve("/b", rss("Feed B", [entry(2, B_TEXT)]))
        a, b = web.url("/a"), web.url("/b")
        watchlists = tmp_path / "watchlists"
        watchlists.mkdir()
        (watchlists / "topics.yaml").write_text(TOPICS, encoding="utf-8")
        (watchlists / "channels.yaml").write_text(
            f'channels:\n  - chat_id: "{CHANNEL}"\nadmin_chat_id: "{ADMIN}"\n', encoding="utf-8")
        write_sources(watchlists, f"  - url: {a}\n    every: 1m\n")
        env = cli_env(TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url, SAHELWATCH_TELEGRAM_PACE="0.01",
                      SAHELWATCH_WATCHLISTS=str(watchlists), SAHELWATCH_HTTP_HOST_INTERVAL="0",
                      SAHELWATCH_HEARTBEAT_SECONDS="0.5", SAHELWATCH_HTTP_TIMEOUT="5")
        proc = subprocess.Popen([*SAHELWATCH, "run", "--db", str(db)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: len(tg.messages(CHANNEL)) == 1, 60), "feed A never alerted"

            write_sources(watchlists, f"  - url: {b}\n    every: 1m\n")  # A removed, B added
            assert wait_for(lambda: len(tg.messages(CHANNEL)) == 2 and any(
                "sources.yaml applied" in t for t in admin_texts(tg)), 60), "feed B never alerted"
            assert wait_for(lambda: health(db).get("feed:" + a) and health(db)["feed:" + a]["state"] == "stopped", 30)
            polled_b = len(web.requests("/b"))

            write_sources(watchlists, f"  - url: {b}\n    every: 2m\n    language: en\n")  # B changed
            assert wait_for(lambda: any("restarted" in t for t in admin_texts(tg)), 60), "feed B not restarted"
            assert wait_for(lambda: len(web.requests("/b")) > polled_b, 30), "restarted feed B did not poll"

            # A listed again: it starts afresh, as a new feed would: what it published meanwhile is stored, only
            # the recent entry alerts, and its old entry is not stored twice
            web.serve("/a", rss("Feed A", [entry(5, C_TEXT), entry(3, OLD_TEXT, age_h=5), entry(1, A_TEXT)]))
            write_sources(watchlists, f"  - url: {b}\n    every: 2m\n    language: en\n  - url: {a}\n    every: 1m\n")
            assert wait_for(lambda: len(tg.messages(CHANNEL)) == 3, 60), "feed A listed again never alerted"
            assert wait_for(lambda: len(rows(db, "SELECT id FROM posts")) == 4, 30)
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]

        applied = [t for t in admin_texts(tg) if t.startswith("sources.yaml applied")]
        assert applied == [f"sources.yaml applied: started: feed:{b}; stopped: feed:{a}.",
                           f"sources.yaml applied: restarted with the new settings: feed:{b}.",
                           f"sources.yaml applied: started: feed:{a}."]
        alerts = [m.text for m in tg.messages(CHANNEL)]
        assert len(alerts) == 3 and "Djibo" in alerts[0] and "Ménaka" in alerts[1] and "Tessit" in alerts[2]
        assert sorted(r["platform_id"] for r in rows(db, "SELECT platform_id FROM posts")) == [
            f"https://news.example.org/{n}" for n in (1, 2, 3, 5)]  # nothing twice; the old one stored, not alerted
        assert len(web.requests("/a")) == 2  # polled once, stopped (its period was a minute anyway), then again
        assert health(db)["feed:" + b]["state"] == "stopped"  # the clean shutdown
        logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert [e["change"] for e in logged if e.get("event") == "sources changed"] == [
            t.removeprefix("sources.yaml applied: ").removesuffix(".") for t in applied]
