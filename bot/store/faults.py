"""Database faults the ingest path must survive, told apart by SQLite's result code.

- ``busy``: another connection held the write lock past ``busy_timeout`` (SQLITE_BUSY,
  SQLITE_LOCKED). Transient: retry with backoff, holding the post and its cursor.
- ``full``, ``read-only``, ``I/O error``, ``cannot open``: the database cannot take writes
  until an operator acts. Stop ingesting and say so loudly; a batch command exits non-zero,
  a running bot keeps retrying so it resumes with nothing lost once space returns.

Anything else raised while storing is not a database fault (a bug, one bad post): the caller
logs it with the post and goes on.
"""

from __future__ import annotations

import sqlite3

BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
FATAL_CODES = {8: "read-only", 10: "I/O error", 13: "disk full", 14: "cannot open"}
# SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN


def fault_of(exc: BaseException) -> str | None:
    """``"busy"``, a fatal fault's name, or None when ``exc`` is not a database fault."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    return "busy" if primary in BUSY_CODES else FATAL_CODES.get(primary)
