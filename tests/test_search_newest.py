"""/search's fast path (bot/commands/search.py): the newest hits and the capped count, on posts
stored out of their time order (a backfill stores old posts after new ones)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.commands import search as search_module
from bot.commands.search import fts_query, newest, search
from bot.models import Post
from bot.store.db import Store
from bot.store.posts import save_post

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def stored(store: Store, count: int, seed: int) -> None:
    """``count`` posts, half about an attack; created over 40 days, stored in shuffled blocks."""
    rng = random.Random(seed)
    times = [NOW - timedelta(minutes=37 * i) for i in range(count)]
    blocks = [times[i:i + 7] for i in range(0, count, 7)]
    rng.shuffle(blocks)  # each block is a backfill arriving late or early
    for n, when in enumerate(t for block in blocks for t in block):
        text = "Attaque près de Gao ce matin" if rng.random() < 0.5 else "Marché de Dori, prix du mil"
        save_post(store, Post(platform="x", platform_id=str(n), text=f"{text} ({n})", created_at=when))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_newest_without_sorting_every_hit_is_the_newest_by_time(store: Store, seed: int) -> None:
    stored(store, 400, seed)
    query, since = fts_query("attaque"), (NOW - timedelta(days=30)).isoformat()
    for limit in (1, 5, 20):
        assert newest(store, query, since, limit, few=False) == newest(store, query, since, limit, few=True)


def test_search_counts_up_to_the_cap_and_shows_the_newest(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(store, 200, 4)
    total, hits = search(store, "attaque", NOW, 30, limit=5)
    monkeypatch.setattr(search_module, "COUNT_CAP", 10)
    capped, same = search(store, "attaque", NOW, 30, limit=5)
    assert total > 11 and capped == 11
    assert same == hits and len(hits) == 5
    times = [h.created_at for h in hits]
    assert times == sorted(times, reverse=True) and all("Attaque" in h.snippet for h in hits)
    all_times = [r["created_at"] for r in store.query("SELECT created_at FROM posts WHERE text LIKE 'Attaque%'")]
    assert times == sorted(all_times, reverse=True)[:5]
