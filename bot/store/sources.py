"""Per-source rows: health (``source_health``) and remembered item ids (``source_seen``).

Health is data, not logs: the supervisor's monitor writes one row per source;
``sahelwatch stats``, ``health`` and ``sources`` read it. Remembered ids let a source that
re-reads the same page (a feed without ETag, a feed that reorders) skip what it already
handed on, without running the pipeline again; they are written in the transaction of the
post they cover and kept to the newest ``keep`` per source.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import sqlite_utils

from bot.models import utcnow
from bot.store.db import Store
from bot.store.state import put_state

HEALTH_COLUMNS = (
    "state", "connected", "started_at", "last_item_at", "last_activity_at", "items", "errors", "skipped",
    "restarts", "reconnects", "last_error", "failing_since", "reported", "cursor",
)

COUNTERS = frozenset({"connected", "items", "errors", "skipped", "restarts", "reconnects", "reported"})


def put_health(db: sqlite_utils.Database, name: str, values: dict[str, object]) -> None:
    """Upsert the health row of ``name`` (inside a write transaction)."""
    row = {k: values.get(k, 0 if k in COUNTERS else None) for k in HEALTH_COLUMNS}
    row.update(name=name, pid=os.getpid(), updated_at=utcnow().isoformat())
    cols = ", ".join(row)
    updates = ", ".join(f"{k} = excluded.{k}" for k in row if k != "name")
    db.execute(
        f"INSERT INTO source_health ({cols}) VALUES ({', '.join('?' * len(row))}) "
        f"ON CONFLICT (name) DO UPDATE SET {updates}",
        tuple(row.values()),
    )


def read_health(store: Store) -> list[dict]:
    """Every source's last recorded health, by name."""
    try:
        return store.query("SELECT * FROM source_health ORDER BY name")
    except Exception:  # an old database opened read-only, before migration 0030
        return []


def remember(db: sqlite_utils.Database, source: str, item: str) -> None:
    db.execute(
        "INSERT INTO source_seen (source, item, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (source, item, utcnow().isoformat()),
    )


def known(store: Store, source: str, items: Iterable[str]) -> set[str]:
    """Those of ``items`` that ``source`` has already handed on."""
    wanted = list(items)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows = store.db.execute(
            f"SELECT item FROM source_seen WHERE source = ? AND item IN ({', '.join('?' * len(chunk))})",
            (source, *chunk),
        ).fetchall()
        found.update(r[0] for r in rows)
    return found


def forget_oldest(store: Store, source: str, keep: int) -> int:
    """Keep only the newest ``keep`` remembered ids of ``source``; return how many were dropped."""
    with store.write() as db:
        cursor = db.execute(
            "DELETE FROM source_seen WHERE source = ? AND id <= ("
            "SELECT id FROM source_seen WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (source, source, keep),
        )
        return cursor.rowcount


REMOVED = "removed:"
"""State key prefix: ``removed:<source>`` marks a source taken out of ``sources.yaml``."""


def mark_removed(store: Store, source: str) -> None:
    """``source`` was taken out of ``sources.yaml`` while the bot ran (see :func:`listed_again`)."""
    with store.write() as db:
        put_state(db, REMOVED + source, utcnow().isoformat())


def listed_again(store: Store, source: str) -> bool:
    """A source listed again after it was removed starts afresh, as a new one: its cursor is forgotten,
    so its first poll stores what it finds and alerts only what is recent
    (``SAHELWATCH_NEW_SOURCE_ALERT_AGE``) instead of everything published while it was out; its
    remembered item ids and stored posts stay, so nothing is stored or alerted twice. True when it was."""
    with store.write() as db:
        if not db.execute("DELETE FROM state WHERE key = ?", (REMOVED + source,)).rowcount:
            return False
        db.execute("DELETE FROM cursors WHERE source = ?", (source,))
    return True
