import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from bot.models import Casualties, Match, Media, Place, Post, Refs
from bot.store.db import Store
from bot.store.posts import load_post, save_post
from bot.store.state import get_cursor


def _post(pid: str = "1", text: str = "Attaque à Ménaka") -> Post:
    return Post("x", pid, text, datetime(2026, 11, 20, 8, tzinfo=UTC), url=f"https://x.com/a/status/{pid}",
                author_handle="a", media=(Media("photo", "https://p/1.jpg", width=10, height=5),),
                refs=Refs(quote_of="9"), matches=(Match("attack", "attaque", 0, 7),), topics=("attack",))


def test_migrations_recorded_once(tmp_path):
    Store(tmp_path / "a.db").close()
    again = Store(tmp_path / "a.db")
    applied = again.applied_migrations()
    assert applied[:2] == ["0001_core", "0002_dedupe_index"]
    assert {"0010_truncated", "0050_post_place_event"} <= set(applied)
    assert again.migrate() == []


def test_wal_and_busy_timeout(store):
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA busy_timeout") == 5000


def test_save_twice_is_a_reported_noop(store):
    first = save_post(store, _post(), source="x", cursor="10")
    second = save_post(store, _post(text="changed"), source="x", cursor="11")
    assert first.new and not second.new and first.row_id == second.row_id
    assert store.scalar("SELECT text FROM posts") == "Attaque à Ménaka"
    assert store.scalar("SELECT count(*) FROM matches") == 1
    assert get_cursor(store, "x") == "11"


def test_round_trip_keeps_everything(store):
    post = _post().with_(lang_hint="fr", truncated=True, raw='{"extra": 1}', norm_text="attaque a menaka")
    save_post(store, post)
    loaded = load_post(store, post.key)
    # norm_text is derived from text (clean()) whenever needed: stored once, as the text
    assert loaded == post.with_(collected_at=loaded.collected_at, norm_text=None)


def test_round_trip_keeps_place_event_and_casualties(store):
    place = Place("ML", "Ménaka", "Ménaka", 15.918, 2.402, "à Ménaka")
    post = _post().with_(place=place, event="battle", casualties=Casualties(killed=12, kidnapped=3))
    save_post(store, post)
    loaded = load_post(store, post.key)
    assert loaded == post.with_(collected_at=loaded.collected_at)
    row = store.query("SELECT country, place, admin1, lat, lon, event, killed, wounded FROM posts")[0]
    assert row == {"country": "ML", "place": "Ménaka", "admin1": "Ménaka", "lat": 15.918, "lon": 2.402,
                   "event": "battle", "killed": 12, "wounded": None}


def test_fts_finds_accentless_query(store):
    save_post(store, _post())
    assert store.scalar("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'menaka'") == 1


def test_failed_hook_rolls_back_post_and_cursor(store):
    def boom(db, post, row_id):
        raise RuntimeError("hook failed")

    store.post_hooks.append(boom)
    with pytest.raises(RuntimeError, match="hook failed"):
        save_post(store, _post(), source="x", cursor="5")
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert get_cursor(store, "x") is None


def test_two_writers_never_see_database_is_locked(tmp_path):
    path = tmp_path / "w.db"
    Store(path).close()
    errors: list[Exception] = []

    def writer(prefix: str) -> None:
        s = Store(path)
        try:
            for i in range(150):
                save_post(s, _post(f"{prefix}{i}"), source=prefix, cursor=str(i))
        except sqlite3.OperationalError as exc:
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Store(path).scalar("SELECT count(*) FROM posts") == 300


def test_migrations_own_their_ddl():
    """A migration never imports live code (a schema constant edited later would rewrite history)."""
    import ast

    from tests.conftest import REPO

    tree = ast.parse((REPO / "bot/store/migrations.py").read_text(encoding="utf-8"))
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m and m.split(".")[0] == "bot"]
