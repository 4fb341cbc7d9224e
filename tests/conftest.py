"""Shared fixtures. Tests use real SQLite files in tmp_path and real local servers."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.db import Store

os.environ.setdefault("PTB_TIMEDELTA", "true")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "test.db")
    yield s
    s.close()


def write_jsonl(path: Path, records: Iterable[dict | str]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def make_records(n: int, start: datetime | None = None, step_s: float = 60.0, prefix: str = "p") -> list[dict]:
    start = start or datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    return [
        {"id": f"{prefix}{i}", "platform": "x", "author": f"user{i % 7}",
         "text": f"Report {i}: unrelated numbered sentence {i * 7919 % 1000} for the replay test",
         "created_at": (start + timedelta(seconds=i * step_s)).isoformat()}
        for i in range(n)
    ]


PYCACHE = Path(tempfile.mkdtemp(prefix="sahelwatch-tests-pycache-"))
"""Where the ``sahelwatch`` subprocesses keep compiled modules when the environment forbids writing
them beside the sources (``PYTHONDONTWRITEBYTECODE``): each module is compiled once per session,
not once per process (~0.1 s of each of the ~120 start-ups). Removed at exit."""
atexit.register(shutil.rmtree, PYCACHE, ignore_errors=True)


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for a ``sahelwatch`` subprocess: no tokens, text logs, nothing inherited that matters."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHELWATCH_", "X_", "TELEGRAM_"))}
    if env.pop("PYTHONDONTWRITEBYTECODE", None):  # the source tree stays clean: compiled code goes to PYCACHE
        env.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))
    env.update({"SAHELWATCH_LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1"}, **extra)
    return env


SAHELWATCH = [sys.executable, "-m", "bot"]


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, interval: float = 0.01) -> bool:
    """Poll ``predicate`` until it is true; ``timeout`` is a hang guard, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
