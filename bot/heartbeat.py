"""The heartbeat: what the running bot tells ``sahelwatch health`` (Docker's HEALTHCHECK).

The watchdog task writes it every ``SAHELWATCH_HEARTBEAT_SECONDS`` (and once more, marked
``stopped``, on a clean exit) as JSON in the ``state`` table of the bot's own database,
key ``heartbeat``: the tick time, the process id and a summary of every source's health.

Why SQLite and not a file beside it: the heartbeat then goes through the same write path
as the posts (``BEGIN IMMEDIATE`` on the one write connection), so a database that is
locked, full or unwritable makes the heartbeat stale and the container unhealthy, which a
file could not show; analysts see it in Datasette with the rest; there is no second path to
configure, and the storage volume is the only writable place in the container anyway. The
cost is one tiny transaction every 10 s. ``health`` reads it through a read-only
connection and never creates or migrates the database.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.models import utcnow
from bot.sources.base import Source, SourceHealth
from bot.store.db import BUSY_TIMEOUT_MS, Store
from bot.store.state import HEARTBEAT_KEY, put_state


def quiet_seconds(health: SourceHealth, now: datetime) -> float:
    """Seconds since the source last showed any activity (or since it started)."""
    return (now - (health.last_activity_at or health.started_at)).total_seconds()


def payload(sources: Sequence[Source], started_at: datetime, now: datetime, stopped: bool = False) -> dict:
    return {
        "tick": now.isoformat(), "pid": os.getpid(), "started_at": started_at.isoformat(), "stopped": stopped,
        "sources": [
            {**s.health.as_dict(), "quiet_s": round(quiet_seconds(s.health, now), 1)} for s in sources
        ],
    }


def beat(store: Store, sources: Sequence[Source], started_at: datetime, *, stopped: bool = False,
         now: datetime | None = None) -> None:
    """Write the heartbeat in its own short write transaction."""
    data = payload(sources, started_at, now or utcnow(), stopped)
    with store.write() as db:
        put_state(db, HEARTBEAT_KEY, json.dumps(data, ensure_ascii=False))


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


def _read(db_path: Path, sql: str, params: tuple = ()) -> list[tuple] | None:
    """Rows of ``sql`` through a read-only connection; ``None`` when the table does not exist."""
    uri = db_path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # no such table: the bot never started (or is older) on this file
        return None
    finally:
        conn.close()


def read_heartbeat(db_path: Path) -> dict[str, Any] | None:
    """The last heartbeat, read without writing; ``None`` when the bot never wrote one."""
    rows = _read(db_path, "SELECT value FROM state WHERE key = ?", (HEARTBEAT_KEY,))
    return json.loads(rows[0][0]) if rows else None


def failing_sources(db_path: Path) -> tuple[list[str], int]:
    """``(names of sources failing past the admin-report limit, sources not stopped)``."""
    rows = _read(db_path, "SELECT name, state, reported FROM source_health") or []
    return [name for name, state, reported in rows if reported and state != "stopped"], \
        sum(state != "stopped" for _, state, _ in rows)


def check(db_path: Path, max_age: float, now: datetime | None = None) -> Health:
    """Healthy when the heartbeat in ``db_path`` is at most ``max_age`` seconds old and not a stop mark."""
    if not db_path.is_file():
        return Health(False, f"no database at {db_path}")
    beat_ = read_heartbeat(db_path)
    if beat_ is None:
        return Health(False, f"no heartbeat in {db_path}: `sahelwatch run` has not written one")
    age = ((now or utcnow()) - datetime.fromisoformat(beat_["tick"])).total_seconds()
    if beat_.get("stopped"):
        return Health(False, f"the bot stopped {age:.0f} s ago (pid {beat_['pid']})")
    if age > max_age:
        return Health(False, f"stale heartbeat: last tick {age:.0f} s ago (limit {max_age:g} s)")
    failing, running = failing_sources(db_path)
    if failing and len(failing) >= running:
        return Health(False, f"every source is failing: {', '.join(failing)} (see `sahelwatch stats`)")
    warn = f"; failing: {', '.join(failing)}" if failing else ""
    return Health(True, f"ok: heartbeat {age:.0f} s ago, pid {beat_['pid']}; {_sources_line(beat_['sources'])}"
                        f"{warn}")


def _sources_line(sources: list[dict]) -> str:
    if not sources:
        return "no sources"
    return ", ".join(f"{s['name']} ({s['items']} items, quiet {s['quiet_s']:.0f} s)" for s in sources)
