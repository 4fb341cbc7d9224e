"""Small persisted values: source cursors and named state (watermarks, heartbeat).

Both are key -> value tables; cursors are written in the transaction of the data they cover.
"""

from __future__ import annotations

import sqlite_utils

from bot.models import utcnow
from bot.store.db import Store

HEARTBEAT_KEY = "heartbeat"
"""The state row :mod:`bot.heartbeat` writes and ``sahelwatch stats`` reads."""
_KEYS = {"cursors": "source", "state": "key"}


def _get(store: Store, table: str, key: str) -> str | None:
    value = store.scalar(f"SELECT value FROM {table} WHERE {_KEYS[table]} = ?", (key,))
    return None if value is None else str(value)


def _put(db: sqlite_utils.Database, table: str, key: str, value: str) -> None:
    column = _KEYS[table]
    db.execute(
        f"INSERT INTO {table} ({column}, value, updated_at) VALUES (?, ?, ?) "
        f"ON CONFLICT ({column}) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, utcnow().isoformat()),
    )


def get_cursor(store: Store, source: str) -> str | None:
    return _get(store, "cursors", source)


def put_cursor(db: sqlite_utils.Database, source: str, value: str) -> None:
    """Record a cursor; call inside the write transaction that stores what it covers."""
    _put(db, "cursors", source, value)


def cursors(store: Store) -> dict[str, str]:
    return {r["source"]: r["value"] for r in store.query("SELECT source, value FROM cursors")}


def get_state(store: Store, key: str) -> str | None:
    return _get(store, "state", key)


def put_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    _put(db, "state", key, value)
