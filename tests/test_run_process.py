"""`sahelwatch run` as a real subprocess on a real DB file: SIGKILL and SIGTERM behaviour."""

import json
import signal
import sqlite3
import subprocess

from tests.conftest import SAHELWATCH, cli_env, make_records, wait_for, write_jsonl

N = 300


def _count(db) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def _start(db, src, speed: str) -> subprocess.Popen:
    cmd = [*SAHELWATCH, "run", "--db", str(db), "--replay", str(src), "--speed", speed]
    return subprocess.Popen(cmd, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_midway_then_restart_stores_every_post_exactly_once(tmp_path):
    db, src = tmp_path / "run.db", write_jsonl(tmp_path / "posts.jsonl", make_records(N, step_s=1))
    first = _start(db, src, speed="100")
    assert wait_for(lambda: _count(db) >= 60)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed_at = _count(db)
    assert 0 < killed_at < N

    second = _start(db, src, speed="1000")
    assert wait_for(lambda: _count(db) >= N)
    second.send_signal(signal.SIGTERM)
    out, err = second.communicate(timeout=10)
    assert second.returncode == 0, err
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT platform_id FROM posts")]
        cursor = conn.execute("SELECT value FROM cursors").fetchone()[0]
    assert sorted(ids) == sorted(f"p{i}" for i in range(N))
    assert cursor == str(N)
    assert stopped(out, err)["read"] == N - killed_at  # the restart re-read only what was not committed


def test_sigterm_stops_cleanly_and_flushes(tmp_path):
    db, src = tmp_path / "run.db", write_jsonl(tmp_path / "posts.jsonl", make_records(N, step_s=60))
    proc = _start(db, src, speed="600")
    assert wait_for(lambda: _count(db) >= 3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)  # hang guard only; bench/shutdown.py measures the delay
    assert proc.returncode == 0
    assert stopped(out, err)["stored"] == _count(db)  # everything read was flushed and reported


def stopped(out: str, err: str) -> dict:
    """The last event of a run: stdout stays empty and every stderr line is one JSON event."""
    assert out == ""
    events = [json.loads(line) for line in err.splitlines()]
    assert events[-1]["event"] == "sahelwatch stopped"
    return events[-1]


def test_run_without_any_source_says_so(tmp_path):
    proc = subprocess.Popen([*SAHELWATCH, "run", "--db", str(tmp_path / "a.db")], env=cli_env(), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_lines = [proc.stderr.readline() for _ in range(2)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert any("no source configured" in line and "X_BEARER_TOKEN" in line for line in first_lines)
