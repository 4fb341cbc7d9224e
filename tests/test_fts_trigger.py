"""The full-text index follows a post's searchable text, and nothing else: writing a post's story,
counting a repost of it or rematching its topics leaves ``posts_fts`` as it was (migration 0111)."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import Store
from bot.store.posts import save_post
from tests.alerts_support import post


def found(store: Store, query: str) -> list[int]:
    return [r[0] for r in store.db.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?", [query])]


def index_rows(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM posts_fts_data").fetchone()[0]


def test_only_the_searchable_columns_rewrite_the_full_text_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "fts.db")
    save_post(store, post(1, "Embuscade meurtrière près de Tillabéri", terms=["embuscade"]), alert=False)
    row = store.db.execute("SELECT id FROM posts").fetchone()[0]
    assert found(store, "embuscade") == [row]
    before = index_rows(store)
    with store.write() as db:
        db.execute("UPDATE posts SET story_id = story_id, repost_count = repost_count + 1,"
                   " topics = '[\"x\"]' WHERE id = ?", [row])
    assert index_rows(store) == before  # no segment written for columns FTS does not hold
    with store.write() as db:
        db.execute("UPDATE posts SET text = 'Attaque de drone à Ménaka' WHERE id = ?", [row])
    assert found(store, "embuscade") == [] and found(store, "drone") == [row]
    with store.write() as db:
        db.execute("UPDATE posts SET author_handle = 'sahel_reporter' WHERE id = ?", [row])
    assert found(store, "sahel_reporter") == [row] and found(store, "drone") == [row]
