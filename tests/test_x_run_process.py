"""`sahelwatch run` and `sahelwatch x rules` as real subprocesses against the fake X API."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess

from tests.conftest import REPO, SAHELWATCH, cli_env
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import quirk_set
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Drop, Post
from tests.watchlist_util import run_cli
from tests.x_helpers import WATCHLIST, write_watchlist

fake_x = fake_x_fixture()


def _rows(db) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)  # never creates or locks the bot's file
    try:
        return conn.execute("SELECT platform_id, topics FROM posts").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def _env(fake, tmp_path, **extra):
    return cli_env(SAHELWATCH_X_API_URL=fake.base_url, X_BEARER_TOKEN=fake.token, PYTHONPATH=str(REPO),
                   SAHELWATCH_WATCHLISTS=str(write_watchlist(tmp_path / "watchlists")),
                   SAHELWATCH_DB=str(tmp_path / "run.db"), **extra)


def test_run_collects_from_the_x_stream_end_to_end(fake_x, tmp_path):
    users, media, named = quirk_set()
    fake_x.store.seed(users, media, named.values())
    first, second, third = (named[n]["id"] for n in ("original", "arabic", "hausa"))
    fake_x.stream.script([Post(first), Post(second), Drop()], [Post(third)])
    proc = subprocess.Popen([*SAHELWATCH, "run"], env=_env(fake_x, tmp_path), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: {first, second, third} <= {r[0] for r in _rows(tmp_path / "run.db")}, 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    topics = {pid: json.loads(t) for pid, t in _rows(tmp_path / "run.db")}
    assert {k: topics[k] for k in (first, second, third)} == {first: ["mali_attacks"], second: ["mali_attacks"],
                                                              third: ["niger"]}
    assert len(topics) == len(set(topics))  # backfill found posts again: stored once each
    assert fake_x.stream.connects == 2 and fake_x.stream.max_active == 1
    assert fake_x.requests_to("/2/tweets/search/recent")  # the reconnect backfilled
    assert fake_x.token not in err and "x stream reconnecting" in err
    stats = subprocess.run([*SAHELWATCH, "stats"], env=_env(fake_x, tmp_path), cwd=REPO, capture_output=True,
                           text=True, timeout=60, check=True)
    health = next(line for line in stats.stdout.splitlines() if line.strip().startswith("x: state="))
    assert "reconnects=1" in health and "last_error=network" in health


def test_x_rules_dry_run_offline_and_against_x(fake_x, tmp_path):
    fake_x.store.seed(quirk_set()[0], [], [])
    env = _env(fake_x, tmp_path)
    offline = subprocess.run([*SAHELWATCH, "x", "rules", "--dry-run"], env={**env, "X_BEARER_TOKEN": ""},
                             cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert offline.returncode == 0, offline.stderr
    assert "tag=sahelwatch:mali_attacks:1" in offline.stdout and "0 terms left out" in offline.stdout
    assert "X not asked" in offline.stdout

    checked = subprocess.run([*SAHELWATCH, "x", "rules", "--dry-run"], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "X dry run: 0 problems" in checked.stdout and "from:42" in checked.stdout
    assert fake_x.rules.values() == set()  # a dry run changes nothing

    synced = subprocess.run([*SAHELWATCH, "x", "rules"], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=60, check=False)
    assert synced.returncode == 0, synced.stderr
    assert len(fake_x.rules.values()) == 3


def test_x_rules_dry_run_lists_what_does_not_fit(tmp_path):
    result = run_cli("x", "rules", "--dry-run", "--watchlists", str(write_watchlist(tmp_path / "w", WATCHLIST)),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tight = subprocess.run([*SAHELWATCH, "x", "rules", "--dry-run", "--watchlists", str(tmp_path / "w")],
                           env=cli_env(PYTHONPATH=str(REPO), SAHELWATCH_X_RULE_LENGTH="13"), cwd=REPO,
                           capture_output=True, text=True, timeout=60, check=False)
    assert tight.returncode == 1
    assert '  mali_attacks: Africa Corps (longer than 13 characters on its own)' in tight.stdout


def test_x_rules_dry_run_maps_each_term_to_what_x_is_asked_for(tmp_path):
    write_watchlist(tmp_path / "w", "topics:\n  attack:\n    terms: [attaque*, Ménaka, دوري]\n")
    db = tmp_path / "seen.db"
    replay = tmp_path / "posts.jsonl"
    replay.write_text('{"id": "1", "text": "Les attaquants du club et une attaqueuse"}\n', encoding="utf-8")
    assert run_cli("replay", str(replay), "--db", str(db), "--no-console", cwd=tmp_path).returncode == 0
    result = run_cli("x", "rules", "--dry-run", "--watchlists", "w", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("terms -> X rules:")
    assert lines[start + 1].startswith("  attack: attaque* [w/x.yaml:3:13] -> attaque OR attaqueuse OR ")
    assert " OR attaqués OR " in lines[start + 1] and lines[start + 1].endswith("  (attack:1)")
    assert lines[start + 2] == "      matcher only, if X sends the post: other words starting with 'attaque'"
    assert lines[start + 3] == "  attack: Ménaka [w/x.yaml:3:23] -> Ménaka OR menaka  (attack:1)"
    assert lines[start + 4] == ("      matcher only, if X sends the post: spellings with other accents or punctuation "
                                "than 'Ménaka' and 'menaka'")
    assert lines[start + 5].startswith("  attack: دوري [w/x.yaml:3:31] -> دوري OR ودوري OR")
    assert "الدوري" not in result.stdout
