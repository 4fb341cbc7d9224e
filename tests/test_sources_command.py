"""`sahelwatch sources`: every configured source with its recorded state; `--check` tries each once."""

from __future__ import annotations

import socket
import subprocess

from bot.store.db import Store
from bot.store.sources import put_health
from bot.store.state import put_cursor
from tests.conftest import SAHELWATCH, cli_env
from tests.fakes.feed_samples import Item, rss
from tests.fakes.feeds_server import FakeFeeds


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/feed"


def test_sources_lists_state_and_check_reports_each_feed(tmp_path):
    with FakeFeeds() as web:
        web.serve("/good", rss("Sahel Info", [Item("g1", "Titre", "Texte"), Item("g2", "Titre 2", "Texte")]))
        web.serve("/page", "<html><body>Please enable cookies</body></html>", content_type="text/html")
        dead = closed_port_url()
        watchlists = tmp_path / "watchlists"
        watchlists.mkdir()
        (watchlists / "t.yaml").write_text("topics:\n  a:\n    terms: [x]\n", encoding="utf-8")
        (watchlists / "sources.yaml").write_text(
            f"feeds:\n  - {web.url('/good')}\n  - {web.url('/page')}\n  - {dead}\n", encoding="utf-8")
        db = tmp_path / "s.db"
        store = Store(db)
        with store.write() as conn:
            put_health(conn, "feed:" + web.url("/good"), {"state": "running", "items": 7, "errors": 0,
                                                          "last_item_at": "2026-11-20T07:00:00+00:00"})
            put_health(conn, "feed:https://gone.example.org/rss", {"state": "stopped"})
            put_cursor(conn, "feed:" + web.url("/good"), '{"etag": "\\"abc\\"", "last_modified": null}')
        store.close()
        env = cli_env(SAHELWATCH_WATCHLISTS=str(watchlists), SAHELWATCH_HTTP_TIMEOUT="3")
        listed = subprocess.run([*SAHELWATCH, "sources", "--db", str(db)], env=env, capture_output=True, text=True,
                                timeout=60, check=True).stdout
        checked = subprocess.run([*SAHELWATCH, "sources", "--db", str(db), "--check"], env=env,
                                 capture_output=True, text=True, timeout=60)
    good = listed.split("feed:" + web.url("/good"))[1].split("feed:")[0]
    assert "state=running" in good and "items=7" in good and 'cursor={"etag": "\\"abc\\""' in good
    assert f"feed:{web.url('/page')}\n  never run on this database" in listed
    assert "feed:https://gone.example.org/rss\n  no longer configured (last state stopped)" in listed
    assert checked.returncode == 1, checked.stderr
    assert f"ok   feed:{web.url('/good')}: 'Sahel Info': 2 entries" in checked.stdout
    assert f"FAIL feed:{web.url('/page')}: PollError: not a feed (text/html" in checked.stdout
    assert f"FAIL feed:{dead}: PollError: ConnectError" in checked.stdout
