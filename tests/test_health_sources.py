"""`sahelwatch health` reads source_health: failing sources are named; unhealthy only when every
running source is failing (a stopped source, e.g. a finished replay, is not an error)."""

from __future__ import annotations

from bot.heartbeat import beat, check
from bot.models import utcnow
from bot.store.db import Store
from bot.store.sources import put_health


def db_with(tmp_path, rows: dict[str, dict]):
    path = tmp_path / "h.db"
    store = Store(path)
    beat(store, [], utcnow())
    with store.write() as db:
        for name, values in rows.items():
            put_health(db, name, values)
    store.close()
    return path


def test_one_failing_source_is_named_but_the_bot_is_healthy(tmp_path):
    path = db_with(tmp_path, {"feed:https://a.org/f": {"state": "running", "reported": 1},
                              "x": {"state": "running"}, "replay:p.jsonl": {"state": "stopped"}})
    result = check(path, 60)
    assert result.ok and result.message.endswith("failing: feed:https://a.org/f")


def test_every_running_source_failing_is_unhealthy(tmp_path):
    path = db_with(tmp_path, {"feed:https://a.org/f": {"state": "backing off", "reported": 1},
                              "replay:p.jsonl": {"state": "stopped", "reported": 0}})
    result = check(path, 60)
    assert not result.ok and "every source is failing: feed:https://a.org/f" in result.message


def test_no_failing_source_says_nothing_more(tmp_path):
    result = check(db_with(tmp_path, {"x": {"state": "running"}}), 60)
    assert result.ok and "failing" not in result.message
