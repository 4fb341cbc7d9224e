"""``sahelwatch stats`` counts (bot/store/stats.py), read from indexes at any database size."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Post
from bot.store.db import Store
from bot.store.posts import save_post
from bot.store.stats import LANGUAGES, MATCHED, TOPIC_SETS, collect_stats

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def test_stats_count_topics_languages_and_matched_posts(store: Store) -> None:
    rows = [(("attack", "mali"), "fr"), (("attack",), "fr"), (("mali",), "en"), ((), None), ((), "und"), ((), "ar")]
    for n, (topics, lang) in enumerate(rows):
        save_post(store, Post(platform="x", platform_id=str(n), text=f"post {n}", created_at=WHEN,
                              topics=topics, lang=lang))
    stats = collect_stats(store)
    assert stats["posts"] == {"total": 6, "duplicates": 0, "matched": 3, "newest": WHEN.isoformat()}
    assert stats["topics"] == {"attack": 2, "mali": 2}
    assert stats["languages"] == {"fr": 2, "und": 2, "en": 1, "ar": 1}


def test_topic_and_language_counts_read_indexes_not_posts(store: Store) -> None:
    plans = {sql: " ".join(r["detail"] for r in store.query(f"EXPLAIN QUERY PLAN {sql}"))
             for sql in (TOPIC_SETS, MATCHED, LANGUAGES)}
    assert all("COVERING INDEX" in plan for plan in plans.values()), plans
