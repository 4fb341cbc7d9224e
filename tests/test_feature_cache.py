"""The cache of indexed posts (bot/pipeline/feature_cache.py) answers as a read of the real
SQLite file would: a row rolled back, or deleted by another connection, is never given again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pipeline import band_index, dedupe_index, feature_cache
from bot.pipeline.minhash import band_keys, signature, to_bytes
from bot.store.db import Store

TEXT = "attaque contre le poste militaire de Gao ce matin selon des sources locales"


def _index(db, post_id: int, text: str = TEXT) -> None:
    db.execute("INSERT INTO dedupe_posts (post_id, post_key, first_key, created_at, lang, signature, words, keys)"
               " VALUES (?, ?, ?, ?, 'fr', ?, ?, 'gao')",
               [post_id, f"x:{post_id}", f"x:{post_id}", 1000 + post_id, to_bytes(signature(text)), text])
    band_index.for_db(db).add(post_id, 1000 + post_id, band_keys(signature(text)))  # as index_post does


def _found(store: Store) -> list[str]:
    return [c.post_key for c in dedupe_index.candidates(store.db, band_keys(signature(TEXT)), 0, 10**6)]


def _store(path: Path) -> Store:
    store = Store(path)
    dedupe_index.install(store)
    return store


def test_a_rolled_back_post_is_not_a_candidate_afterwards(tmp_path: Path) -> None:
    store = _store(tmp_path / "cache.db")
    with store.write() as db:
        _index(db, 1)
    with pytest.raises(RuntimeError), store.write() as db:
        _index(db, 2)
        assert _found(store) == ["x:1", "x:2"]  # read (and cached) inside the transaction
        raise RuntimeError("the batch failed")
    assert _found(store) == ["x:1"]
    assert dedupe_index.features_of(store.db, {"x:1", "x:2"}).keys() == {"x:1"}


def test_a_post_deleted_by_another_connection_is_not_given_again(tmp_path: Path) -> None:
    store, other = _store(tmp_path / "cache.db"), Store(tmp_path / "cache.db")
    with store.write() as db:
        _index(db, 1)
        _index(db, 2)
    assert set(dedupe_index.features_of(store.db, {"x:1", "x:2"})) == {"x:1", "x:2"}
    with other.write() as db:
        db.execute("DELETE FROM dedupe_posts WHERE post_id = 2")
    assert set(dedupe_index.features_of(store.db, {"x:1", "x:2"})) == {"x:1"}


def test_the_least_recently_used_rows_are_dropped_first() -> None:
    cache = feature_cache.FeatureCache(size=2)
    reads: list[list[int]] = []

    def fetch(column: str, values: list) -> dict:
        reads.append(values)
        return {v: f"row {v}" for v in values}

    cache.read("post_id", [1, 2], fetch)
    cache.read("post_id", [1], fetch)  # 1 is now the most recently used
    cache.read("post_id", [3], fetch)  # 2 is dropped
    assert cache.read("post_id", [1, 2, 3], fetch) == {1: "row 1", 2: "row 2", 3: "row 3"}
    assert reads == [[1, 2], [3], [2]]
