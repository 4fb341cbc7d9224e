"""The watchdog ends a stuck bot with exit code 3: a blocked event loop, or a source silent past its limit."""

import asyncio
import json
import sqlite3
import subprocess
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.errors import ConfigError, StalledError
from bot.heartbeat import HEARTBEAT_KEY
from bot.models import Post, utcnow
from bot.runtime import assemble
from bot.sources.base import Collected, SourceHealth
from bot.store.db import Store
from bot.store.state import get_state
from bot.watchdog import stalled
from tests.conftest import REPO, SAHELWATCH, cli_env, make_records, write_jsonl


class ScriptedSource:
    """Yields ``posts`` items, then waits forever, calling ``health.alive()`` every ``keepalive`` s if set
    (a stream that only sends keep-alives) or never (a connection hung without a timeout)."""

    def __init__(self, name: str, posts: int, keepalive: float | None = None) -> None:
        self.name, self.posts, self.keepalive = name, posts, keepalive
        self.health = SourceHealth(name)

    async def collect(self, cursor, stop):
        for i in range(self.posts):
            self.health.item()
            yield Collected(Post("x", f"{self.name}-{i}", f"post {i}", utcnow()), str(i))
        while not stop.is_set():
            if self.keepalive is None:
                await asyncio.Event().wait()  # hung: ignores stop
            await asyncio.sleep(self.keepalive)
            self.health.alive()


def _settings(tmp_path, **limits) -> Settings:
    return Settings(db=tmp_path / "bot.db", heartbeat_seconds=0.05, watchdog_seconds=0, **limits)


async def _run(settings: Settings, *sources, stop_after: float | None = None):
    store = Store(settings.db)
    runtime = assemble(settings, store)
    runtime.sources.extend(sources)
    stop = asyncio.Event()
    if stop_after is not None:
        asyncio.get_running_loop().call_later(stop_after, stop.set)
    try:
        return await asyncio.wait_for(runtime.app().run(stop), 30), store  # hang guard only
    except StalledError as exc:
        return exc, store


def _source(name: str, quiet_s: float, finished: bool = False, active: bool = True) -> ScriptedSource:
    source = ScriptedSource(name, 0)
    source.health.started_at = utcnow() - timedelta(seconds=quiet_s)
    source.health.last_activity_at = source.health.started_at if active else None
    source.health.finished = finished
    return source


def test_stall_rule_uses_last_activity_then_start_and_skips_finished():
    now = utcnow()
    sources = [_source("fresh", 10), _source("silent", 100), _source("never-active", 100, active=False),
               _source("done", 100, finished=True)]
    found = stalled(sources, 60, now)
    assert [name for name, _ in found] == ["silent", "never-active"]
    assert all(99 <= quiet <= 101 for _, quiet in found)


async def test_hung_source_stops_the_app_after_storing_what_it_had(tmp_path):
    hung = ScriptedSource("hung", posts=2)
    result, store = await _run(_settings(tmp_path, watchdog_source_seconds=0.3), hung)
    assert isinstance(result, StalledError)
    assert str(result).startswith("watchdog: hung silent for")
    assert store.scalar("SELECT count(*) FROM posts") == 2
    assert json.loads(get_state(store, HEARTBEAT_KEY))["stopped"] is True
    store.close()


async def test_quiet_source_with_keepalives_is_not_stalled(tmp_path):
    quiet = ScriptedSource("quiet", posts=1, keepalive=0.05)
    summary, store = await _run(_settings(tmp_path, watchdog_source_seconds=1.0), quiet, stop_after=2.0)
    assert not isinstance(summary, StalledError)
    assert summary.stored == 1 and quiet.health.items == 1
    store.close()


async def test_silence_counts_from_when_the_source_is_started_not_built(tmp_path):
    class LateStarter(ScriptedSource):  # built long before the app starts it (a slow start-up, a loaded host)
        async def collect(self, cursor, stop):
            await asyncio.sleep(0)  # the watchdog's first check comes before the first item
            async for item in super().collect(cursor, stop):
                yield item

    late = LateStarter("late", posts=1, keepalive=0.05)
    late.health.started_at = utcnow() - timedelta(seconds=60)
    summary, store = await _run(_settings(tmp_path, watchdog_source_seconds=1.0), late, stop_after=0.3)
    assert not isinstance(summary, StalledError), summary
    assert summary.stored == 1
    store.close()


def test_limits_must_not_be_negative():
    with pytest.raises(ConfigError, match="SAHELWATCH_WATCHDOG_SECONDS"):
        Settings.from_env({"SAHELWATCH_WATCHDOG_SECONDS": "-1"})
    with pytest.raises(ConfigError, match="SAHELWATCH_HEARTBEAT_SECONDS"):
        Settings.from_env({"SAHELWATCH_HEARTBEAT_SECONDS": "0"})


def _run_cli(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    cmd = [*SAHELWATCH, "run", "--db", str(tmp_path / "bot.db"), *args]
    return subprocess.run(cmd, cwd=REPO, env=cli_env(**env), capture_output=True, text=True, timeout=60)


def test_run_exits_3_when_a_source_goes_silent(tmp_path):
    src = write_jsonl(tmp_path / "posts.jsonl", make_records(3, step_s=3600))  # paced: 1 h gaps at speed 1
    result = _run_cli(tmp_path, "--replay", str(src), "--speed", "1", SAHELWATCH_WATCHDOG_SOURCE_SECONDS="0.5")
    assert result.returncode == 3, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(e["event"] == "source stalled: stopping" and e["source"] == "replay:posts.jsonl" for e in events)
    assert all(line.startswith("{") for line in result.stderr.splitlines())  # one format to the last line
    assert events[-1]["event"] == "sahelwatch stopped by the watchdog" and events[-1]["exit_code"] == 3
    assert events[-1]["reason"].startswith("watchdog: replay:posts.jsonl silent for")
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        assert conn.execute("SELECT platform_id FROM posts").fetchall() == [("p0",)]


def test_run_exits_3_when_the_event_loop_is_blocked(tmp_path):
    Store(tmp_path / "bot.db").close()
    blocker = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the bot's next write waits in SQLite's busy handler, loop blocked
    try:
        result = _run_cli(tmp_path, SAHELWATCH_WATCHDOG_SECONDS="0.5")
    finally:
        blocker.close()
    assert result.returncode == 3, result.stderr
    [event] = [json.loads(line) for line in result.stderr.splitlines() if "event loop stuck" in line]
    assert event["level"] == "critical" and event["limit_s"] == 0.5
    assert "BEGIN IMMEDIATE" in event["stack"]  # where the main thread was stuck
