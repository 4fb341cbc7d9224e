"""`sahelwatch run` reading feeds from the fake feed server and alerting through the fake Bot API:
one post and one alert per matching entry, nothing twice across a restart, nothing missed while it
was down, a malformed entry skipped, a dead feed server backing off while the others go on."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import SAHELWATCH, cli_env, wait_for
from tests.fakes.feed_samples import Item, atom, rss
from tests.fakes.feeds_server import FakeFeeds
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

CHANNEL, ADMIN = -1001000000077, -1009000000001
NOW = datetime.now(UTC)
PHOTO = "https://cdn.example.org/djibo.jpg"
TOPICS = "topics:\n  attacks:\n    severity: urgent\n    terms: [attaque, attack]\n"


def entry(n: int, text: str, age_h: float = 0.1, **kw) -> Item:
    return Item(f"https://news.example.org/{n}", f"Article {n}", text, NOW - timedelta(hours=age_h),
                author="Rédaction", **kw)


FIRST = [
    entry(1, "<p>Une attaque contre le poste militaire de Djibo a fait plusieurs victimes ce matin selon des "
             "sources locales.</p>", media=((PHOTO, "image"),)),
    entry(2, "<p>Le marché de Ouagadougou a rouvert ses portes après les travaux de rénovation.</p>"),
    Item(None, "", ""),  # malformed: no guid, no link, no title
    entry(3, "<p>Une ancienne attaque, racontée des heures plus tard par le journal du soir.</p>", age_h=5),
]


def dead_url() -> str:
    with socket.socket() as s:  # a port nobody listens on: the feed's server is down
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/feed"


def setup(tmp_path: Path, web: FakeFeeds, down: str) -> Path:
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(
        f'channels:\n  - chat_id: "{CHANNEL}"\nadmin_chat_id: "{ADMIN}"\n', encoding="utf-8")
    (watchlists / "sources.yaml").write_text(
        f"feeds:\n  - url: {web.url('/news')}\n    name: Sahel Info\n    language: fr\n    every: 1m\n"
        f"  - {down}\n  - {web.url('/atom')}\n", encoding="utf-8")
    return watchlists


def run(tmp_path: Path, watchlists: Path, tg: FakeTelegram, until) -> str:
    env = cli_env(TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url, SAHELWATCH_TELEGRAM_PACE="0.01",
                  SAHELWATCH_WATCHLISTS=str(watchlists), SAHELWATCH_HTTP_HOST_INTERVAL="0",
                  SAHELWATCH_HEARTBEAT_SECONDS="0.5", SAHELWATCH_HTTP_TIMEOUT="5")
    proc = subprocess.Popen([*SAHELWATCH, "run", "--db", str(tmp_path / "run.db")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(until, 60), "condition not reached"
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    return err


def rows(db: Path, sql: str) -> list[sqlite3.Row]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        conn.close()


def health(db: Path) -> dict[str, sqlite3.Row]:
    return {r["name"]: r for r in rows(db, "SELECT * FROM source_health")}


def test_feeds_end_to_end_with_restart(tmp_path):
    db = tmp_path / "run.db"
    with FakeFeeds() as web, FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_channel(ADMIN)
        tg.add_media(PHOTO, "image/jpeg", 200_000)
        web.serve("/news", rss("Sahel Info", FIRST))
        web.serve("/atom", atom("Atom", [Item("tag:atom.example.org,2026:1", "Calme", "Rien à signaler.", NOW,
                                              link="https://atom.example.org/1")]), content_type="application/atom+xml")
        down = dead_url()
        watchlists = setup(tmp_path, web, down)

        def first_done() -> bool:
            failed = health(db).get("feed:" + down)
            return len(tg.messages(CHANNEL)) >= 1 and bool(failed and failed["errors"]) and len(
                rows(db, "SELECT id FROM posts")) == 4

        run(tmp_path, watchlists, tg, first_done)
        assert len(tg.messages(CHANNEL)) == 1
        alert = tg.messages(CHANNEL)[0]
        posts = {r["platform_id"]: r for r in rows(db, "SELECT * FROM posts")}
        assert set(posts) == {"https://news.example.org/1", "https://news.example.org/2", "https://news.example.org/3",
                              "tag:atom.example.org,2026:1"}
        first = posts["https://news.example.org/1"]
        assert (first["platform"], first["url"], first["author_name"], first["lang"]) == (
            "feed", "https://news.example.org/1", "Rédaction", "fr")
        assert datetime.fromisoformat(first["created_at"]) == FIRST[0].published.replace(microsecond=0)
        assert [m["url"] for m in rows(db, f"SELECT url FROM media WHERE post_id = {first['id']}")] == [PHOTO]
        assert "Djibo" in alert.text and alert.kind == "photo"
        h = health(db)
        news, atom_feed, dead = (h["feed:" + u] for u in (web.url("/news"), web.url("/atom"), down))
        assert news["skipped"] == 1 and news["errors"] == 0 and atom_feed["errors"] == 0 and atom_feed["items"] == 1
        assert dead["errors"] >= 1 and "network" in dead["last_error"] and dead["items"] == 0

        web.serve("/news", rss("Sahel Info", [entry(4, "<p>Nouvelle attaque signalée près de Djibo, des renforts "
                                                       "sont arrivés dans la soirée.</p>"), *FIRST]))
        run(tmp_path, watchlists, tg, lambda: len(tg.messages(CHANNEL)) >= 2
            and len(rows(db, "SELECT id FROM posts")) == 5)
        assert len(tg.messages(CHANNEL)) == 2 and "Nouvelle attaque" in tg.messages(CHANNEL)[1].text
        assert len(rows(db, "SELECT id FROM posts")) == 5  # nothing stored twice
        cursor = json.loads(rows(db, f"SELECT value FROM cursors WHERE source = 'feed:{web.url('/news')}'")[0][0])
        assert cursor["etag"] == web.routes["/news"].etag
