"""Read-only summaries of the database for ``sahelwatch stats``."""

from __future__ import annotations

import json
from collections import Counter

from bot.store.db import Store
from bot.store.sources import read_health
from bot.store.state import HEARTBEAT_KEY, cursors, get_state

TOPIC_SETS = "SELECT topics, count(*) n FROM posts WHERE topics != '[]' GROUP BY topics"
"""Each distinct set of topics once, read from the partial index ``idx_posts_topics`` (same WHERE)."""
MATCHED = "SELECT count(*) FROM posts WHERE topics != '[]'"
LANGUAGES = "SELECT lang, count(*) n FROM posts GROUP BY lang"  # from idx_posts_lang


def _count_by(store: Store, sql: str) -> dict[str, int]:
    return {str(r["k"]): r["n"] for r in store.query(sql)}


def collect_stats(store: Store) -> dict[str, object]:
    topics: Counter[str] = Counter()
    for row in store.query(TOPIC_SETS):
        topics.update(dict.fromkeys(json.loads(row["topics"]), row["n"]))
    languages: Counter[str] = Counter()
    for row in store.query(LANGUAGES):
        languages[row["lang"] or "und"] += row["n"]
    return {
        "posts": {
            "total": store.scalar("SELECT count(*) FROM posts"),
            "duplicates": store.scalar("SELECT count(*) FROM posts WHERE duplicate_of IS NOT NULL"),
            "matched": store.scalar(MATCHED),
            "newest": store.scalar("SELECT max(created_at) FROM posts"),
        },
        "languages": dict(languages.most_common()),
        "topics": dict(topics.most_common()),
        "platforms": _count_by(store, "SELECT platform k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"),
        "outbox": _count_by(store, "SELECT state k, count(*) n FROM outbox GROUP BY 1"),
        "failed_alerts": failed_alerts(store),
        "cursors": cursors(store),
        "sources": _sources(store),
    }


def _sources(store: Store) -> dict[str, str]:
    """Each source's health (``source_health``), else as of the last heartbeat of an older run."""
    rows = read_health(store)
    if rows:
        keys = ("state", "items", "errors", "skipped", "restarts", "reconnects", "last_item_at", "failing_since",
                "last_error")
        return {r["name"]: ", ".join(f"{k}={r[k]}" for k in keys) for r in rows}
    beat = get_state(store, HEARTBEAT_KEY)
    keys = ("connected", "items", "reconnects", "errors", "last_item_at", "last_activity_at", "last_error")
    sources = json.loads(beat).get("sources", []) if beat else []
    return {s["name"]: ", ".join(f"{k}={s.get(k)}" for k in keys) for s in sources}


def failed_alerts(store: Store, limit: int = 20) -> dict[str, str]:
    """The latest alerts Telegram refused in every form: key → "channel: why"."""
    rows = store.query("SELECT alert_key, channel, error FROM outbox WHERE state = 'failed' "
                       "ORDER BY id DESC LIMIT ?", (limit,))
    return {r["alert_key"]: f"{r['channel']}: {r['error']}" for r in rows}
