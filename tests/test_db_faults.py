"""Database faults during ingest, on real SQLite files: a lock held past the busy timeout, and a full
disk (SQLite's ``max_page_count``: the same SQLITE_FULL a full filesystem gives). Nothing is lost."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.app import App
from bot.config import Settings
from bot.errors import StorageError
from bot.pipeline import build_pipeline
from bot.sources.replay import ReplaySource
from bot.store.db import Store
from bot.store.hold import FaultHold
from bot.store.state import get_cursor
from tests.conftest import make_records, write_jsonl

N = 60


def app_for(store: Store, path, sleep, sinks=()) -> App:
    return App(store, build_pipeline(Settings(), store), [ReplaySource(path)], list(sinks),
               faults=FaultHold(sleep=sleep), batch_size=10)


def count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM posts"))


def test_a_lock_held_past_the_busy_timeout_delays_but_loses_nothing(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", make_records(N))
    store = Store(tmp_path / "db.sqlite", busy_timeout_ms=20)
    blocker = sqlite3.connect(tmp_path / "db.sqlite")
    blocker.execute("BEGIN IMMEDIATE")  # another writer (a second process, Litestream) keeps the lock
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)
        if len(slept) == 4:
            blocker.rollback()

    summary = asyncio.run(app_for(store, path, sleep).run(asyncio.Event(), until_sources_done=True))
    assert slept == [0.5, 1.0, 2.0, 4.0]  # backoff while the post and its cursor are held
    assert (summary.stored, summary.errors, count(store)) == (N, 0, N)
    assert get_cursor(store, "replay:in.jsonl") == str(N)


def fill_up(store: Store) -> None:
    pages = int(store.scalar("PRAGMA page_count"))
    store.db.execute(f"PRAGMA max_page_count = {pages + 3}")


def test_a_full_disk_stops_a_batch_with_storage_error_and_a_rerun_resumes(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", make_records(N))
    store = Store(tmp_path / "db.sqlite")
    fill_up(store)

    async def sleep(delay: float) -> None:
        raise AssertionError("a batch command must not wait for space")

    with pytest.raises(StorageError, match="disk full"):
        asyncio.run(app_for(store, path, sleep).run(asyncio.Event(), until_sources_done=True))
    stored = count(store)
    assert 0 < stored < N and stored % 10 == 0  # whole batches of 10 or nothing
    assert get_cursor(store, "replay:in.jsonl") == str(stored)  # the cursor covers exactly what is stored
    store.close()

    again = Store(tmp_path / "db.sqlite")  # space returned
    summary = asyncio.run(app_for(again, path, sleep).run(asyncio.Event(), until_sources_done=True))
    assert summary.stored == N - stored and count(again) == N
    assert get_cursor(again, "replay:in.jsonl") == str(N)


class AdminChat:
    """A sink with the delivery's ``report()``: what the admin chat would be told."""

    name = "admin"

    def __init__(self, stop: asyncio.Event, expect: int) -> None:
        self.stop, self.expect, self.seen, self.reports = stop, expect, 0, []

    def emit(self, post, saved) -> None:
        self.seen += 1
        if self.seen == self.expect:
            self.stop.set()

    async def report(self, message: str) -> None:
        self.reports.append(message)


def test_a_full_disk_pauses_a_running_bot_until_space_returns(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", make_records(N))
    store = Store(tmp_path / "db.sqlite")
    fill_up(store)
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)
        if len(slept) == 3:
            store.db.execute("PRAGMA max_page_count = 1073741823")  # the operator freed space

    async def main() -> tuple[object, AdminChat]:
        stop = asyncio.Event()
        admin = AdminChat(stop, N)
        return await app_for(store, path, sleep, [admin]).run(stop), admin

    summary, admin = asyncio.run(main())
    assert (summary.stored, count(store), get_cursor(store, "replay:in.jsonl")) == (N, N, str(N))
    assert len(admin.reports) == 2
    assert "cannot write its database (disk full" in admin.reports[0] and "nothing is lost" in admin.reports[0]
    assert "writable again" in admin.reports[1]


def test_replay_into_a_read_only_database_exits_4_with_one_line(tmp_path):
    """SQLite opens a file whose header says "write version 3" read-only (a real read-only database,
    even for root, unlike file permissions): every write fails with SQLITE_READONLY."""
    import subprocess

    from tests.conftest import SAHELWATCH, cli_env

    db = tmp_path / "ro.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    header = bytearray(db.read_bytes())
    header[18] = 3  # file format write version: > 2 means read-only
    db.write_bytes(bytes(header))
    path = write_jsonl(tmp_path / "in.jsonl", make_records(3))
    result = subprocess.run([*SAHELWATCH, "replay", str(path), "--db", str(db), "--no-console"],
                            env=cli_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and str(db) in lines[0] and "Traceback" not in result.stderr
