"""Small persisted values: source cursors and named state (watermarks, heartbeat)."""

from __future__ import annotations

import sqlite_utils

from bot.models import utcnow
from bot.store.db import Store


def get_cursor(store: Store, source: str) -> str | None:
    value = store.scalar("SELECT value FROM cursors WHERE source = ?", (source,))
    return None if value is None else str(value)


def put_cursor(db: sqlite_utils.Database, source: str, value: str) -> None:
    """Record a cursor; call inside the write transaction that stores what it covers."""
    db.execute(
        "INSERT INTO cursors (source, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (source, value, utcnow().isoformat()),
    )


def cursors(store: Store) -> dict[str, str]:
    return {r["source"]: r["value"] for r in store.query("SELECT source, value FROM cursors")}


def get_state(store: Store, key: str) -> str | None:
    value = store.scalar("SELECT value FROM state WHERE key = ?", (key,))
    return None if value is None else str(value)


def put_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, utcnow().isoformat()),
    )
