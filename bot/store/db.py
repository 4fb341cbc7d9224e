"""The database handle: connection settings, the write transaction and migrations.

Every write goes through :meth:`Store.write`, which opens ``BEGIN IMMEDIATE``: sqlite-utils'
own ``atomic()`` opens a deferred ``BEGIN``, which fails at once with "database is locked"
when another connection (a second process, Litestream) commits between its read and its
write; an immediate transaction takes the write lock up front and waits ``busy_timeout``.
sqlite-utils writes inside an open transaction use savepoints and never commit it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from bot.errors import ConfigError, StorageError
from bot.store.faults import fault_of
from bot.store.migrations import MIGRATIONS

if TYPE_CHECKING:
    from bot.models import Post

PostHook = Callable[[sqlite_utils.Database, "Post", int], None]
"""Runs inside the write transaction of every NEW post: ``(db, post, post_row_id)``."""

BUSY_TIMEOUT_MS = 5000
WAL_CHECKPOINT_PAGES = 4000
"""WAL size (pages of 4 KB: 16 MB) that triggers a checkpoint, four times SQLite's default: a
page rewritten by several commits in a row (an index's tail) is copied to the database once per
checkpoint, not once per ~2 commits (measured in issue 17: 10.7 -> 9.6 KB written per post at
1M posts)."""


def _connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """Open ``path``, creating its directory when missing; a :class:`ConfigError` naming the path
    (CLI exit 2) when that cannot be done."""
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
        conn.execute("PRAGMA schema_version").fetchone()  # opening is lazy: touch the file now
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"cannot open the database {path} (SAHELWATCH_DB or --db): {reason}") from None
    return conn


class Store:
    """One SQLite file. Not thread-safe: one owner (the event loop) per Store."""

    def __init__(self, path: str | Path, *, synchronous: str = "NORMAL", migrate: bool = True,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        conn = _connect(self.path, busy_timeout_ms)
        self.db = sqlite_utils.Database(conn)
        self.post_hooks: list[PostHook] = []
        self.alert_hooks: list[PostHook] = []
        """Like ``post_hooks``, but skipped for posts stored as history (``Collected.alert`` False)."""
        self.rollback_hooks: list[Callable[[sqlite_utils.Database], None]] = []
        """Run after a write transaction or a savepoint in it was rolled back (:meth:`rolled_back`)."""
        try:
            self._configure(synchronous, busy_timeout_ms, migrate)
        except sqlite3.Error as exc:
            fault = fault_of(exc)
            if fault is None or fault == "busy":
                raise
            raise StorageError(f"the database {self.path} cannot be written ({fault}: {exc})") from None

    def _configure(self, synchronous: str, busy_timeout_ms: int, migrate: bool) -> None:
        with self.db.ensure_autocommit_on():
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self.db.execute("PRAGMA foreign_keys=ON")
        # Statement and savepoint journals in memory, not in temp files: on disk they were most
        # of the bytes written per post (hundreds of KB), rewritten for every statement.
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        if migrate:
            self.migrate()

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction opened with ``BEGIN IMMEDIATE``; commits on success."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.rollback()
            self.rolled_back()
            raise
        self.db.execute("COMMIT")

    def rolled_back(self) -> None:
        """Tell the rollback hooks (caches of what the transaction may have written)."""
        for hook in self.rollback_hooks:
            hook(self.db)

    def migrate(self) -> list[str]:
        """Apply pending migrations, each recorded in ``_sqlite_migrations``; return their names."""
        pending = [m.name for m in MIGRATIONS.pending(self.db)]
        if pending:
            with self.write():
                MIGRATIONS.apply(self.db)
        return pending

    def applied_migrations(self) -> list[str]:
        return [m.name for m in MIGRATIONS.applied(self.db)]

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        """Read rows as dicts (autocommit read; never holds a read transaction open)."""
        return list(self.db.query(sql, params))

    def scalar(self, sql: str, params: tuple | dict = ()) -> object:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.close()
