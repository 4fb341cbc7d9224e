"""The heartbeat in SQLite and `sahelwatch health`: fresh -> 0; stale, stopped or missing -> 1 with a reason."""

import json
import re
import subprocess
from datetime import timedelta

from bot.heartbeat import HEARTBEAT_KEY, beat, check
from bot.models import utcnow
from bot.sources.replay import ReplaySource
from bot.store.db import Store
from bot.store.state import get_state
from tests.conftest import REPO, SAHELWATCH, cli_env, make_records, write_jsonl


def _health(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SAHELWATCH, "health", "--db", str(db), *args], cwd=REPO, env=cli_env(),
                          capture_output=True, text=True, timeout=60)


def _store_with_beat(path, age_s: float = 0.0, stopped: bool = False, sources=()) -> None:
    store = Store(path)
    beat(store, list(sources), utcnow() - timedelta(hours=1), stopped=stopped,
         now=utcnow() - timedelta(seconds=age_s))
    store.close()


def test_heartbeat_row_holds_tick_pid_and_source_summary(tmp_path):
    source = ReplaySource(write_jsonl(tmp_path / "p.jsonl", make_records(1)))
    source.health.item()
    _store_with_beat(tmp_path / "bot.db", sources=[source])
    store = Store(tmp_path / "bot.db")
    data = json.loads(get_state(store, HEARTBEAT_KEY))
    store.close()
    assert data["stopped"] is False and isinstance(data["pid"], int)
    [summary] = data["sources"]
    assert summary["name"] == "replay:p.jsonl" and summary["items"] == 1 and summary["quiet_s"] >= 0


def test_fresh_heartbeat_is_healthy(tmp_path):
    _store_with_beat(tmp_path / "bot.db", age_s=5)
    result = _health(tmp_path / "bot.db")
    assert result.returncode == 0, result.stderr
    assert re.match(r"ok: heartbeat \d+ s ago, pid \d+; no sources$", result.stdout), result.stdout


def test_stale_heartbeat_fails_with_its_age(tmp_path):
    _store_with_beat(tmp_path / "bot.db", age_s=300)
    result = _health(tmp_path / "bot.db")
    assert result.returncode == 1
    assert re.fullmatch(r"stale heartbeat: last tick 3\d\d s ago \(limit 60 s\)\n", result.stderr), result.stderr
    assert _health(tmp_path / "bot.db", "--max-age", "600").returncode == 0


def test_default_max_age_follows_the_heartbeat_interval(tmp_path):
    _store_with_beat(tmp_path / "bot.db", age_s=100)
    env = cli_env(SAHELWATCH_HEARTBEAT_SECONDS="30")  # 6 beats = 180 s > 100 s
    result = subprocess.run([*SAHELWATCH, "health", "--db", str(tmp_path / "bot.db")], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_stop_mark_is_unhealthy_even_when_recent(tmp_path):
    _store_with_beat(tmp_path / "bot.db", stopped=True)
    result = _health(tmp_path / "bot.db")
    assert result.returncode == 1 and re.match(r"the bot stopped \d+ s ago \(pid \d+\)$", result.stderr), result.stderr


def test_missing_database_fails_and_is_not_created(tmp_path):
    result = _health(tmp_path / "none.db")
    assert result.returncode == 1 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_database_without_heartbeat_fails(tmp_path):
    Store(tmp_path / "bot.db").close()
    assert "no heartbeat in" in check(tmp_path / "bot.db", 60).message
    (tmp_path / "empty.db").write_bytes(b"")  # not even a schema
    assert not check(tmp_path / "empty.db", 60).ok


def test_check_uses_the_given_clock(tmp_path):
    _store_with_beat(tmp_path / "bot.db")
    assert check(tmp_path / "bot.db", 60).ok
    later = check(tmp_path / "bot.db", 60, now=utcnow() + timedelta(seconds=61))
    assert not later.ok and later.message.startswith("stale heartbeat: last tick 61 s ago")
