"""`sahelwatch rematch` in a subprocess on a real SQLite file: posts stored by `analyze` with one
watchlist are matched again after the watchlist changed."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.models import Match, Post
from bot.pipeline.rematch import example
from tests.conftest import write_jsonl
from tests.watchlist_util import run_cli, write

BEFORE = """
topics:
  attack:
    severity: urgent
    terms: [embuscade]
  russia:
    terms: [wagner]
"""
AFTER = """
topics:
  attack:
    severity: urgent
    terms: [embuscade, attaque]
  kidnap:
    terms: [enlèvement]
"""
POSTS = {
    "same": "Embuscade près de Tillabéri ce matin",
    "gain": "Attaque contre un convoi à Ménaka",
    "lose": "Wagner convoy seen near Gao yesterday",
    "new_topic": "Enlèvement de deux enseignants à Dori",
    "nothing": "La saison des pluies commence à Niamey",
    "more_matches": "Embuscade puis attaque près de Djibo",
    "copy": "Wagner convoy seen near Gao yesterday",
}


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    """A database holding POSTS as matched with BEFORE, one pending outbox row, and the
    watchlist directory (still BEFORE). Day n of November for the n-th post."""
    watchlists, db = tmp_path / "wl", tmp_path / "sw.db"
    watchlists.mkdir()
    write(watchlists, "topics.yaml", BEFORE)
    records = [{"id": key, "platform": "x", "text": text, "created_at": f"2026-11-{day + 1:02d}T08:00:00+00:00"}
               for day, (key, text) in enumerate(POSTS.items())]
    source = write_jsonl(tmp_path / "posts.jsonl", records)
    stored = run_cli("analyze", "--watchlists", str(watchlists), "--db", str(db), str(source))
    assert stored.returncode == 0, stored.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO outbox (alert_key, channel, kind, post_id, payload, state, created_at) "
                     "VALUES ('x:lose:@c', '@c', 'alert', 3, '{}', 'pending', '2026-11-03T08:00:00+00:00')")
    return watchlists, db


def _snapshot(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        posts = {r["platform_id"]: dict(r) for r in conn.execute("SELECT * FROM posts")}
        matches = {pid: sorted((r["topic"], r["term"], r["start"], r["end"]) for r in conn.execute(
            "SELECT m.* FROM matches m JOIN posts p ON p.id = m.post_id WHERE p.platform_id = ?", (pid,)))
            for pid in posts}
        outbox = [dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY id")]
    finally:
        conn.close()
    return {"posts": posts, "matches": matches, "outbox": outbox}


def _rematch(watchlists: Path, db: Path, *extra: str):
    return run_cli("rematch", "--watchlists", str(watchlists), "--db", str(db), *extra)


def test_rematch_updates_only_the_posts_whose_matching_changed(tmp_path):
    watchlists, db = _setup(tmp_path)
    before = _snapshot(db)
    assert before["posts"]["copy"]["duplicate_of"] == "x:lose"
    assert json.loads(before["posts"]["lose"]["topics"]) == ["russia"]
    write(watchlists, "topics.yaml", AFTER)

    result = _rematch(watchlists, db)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "scanned 7, changed 5 (written)",
        "  attack: +1 -0",
        "  kidnap: +1 -0",
        "  russia: +0 -2",
    ]
    after = _snapshot(db)
    topics = {pid: (json.loads(row["topics"]), row["severity"]) for pid, row in after["posts"].items()}
    assert topics == {
        "same": (["attack"], "urgent"), "gain": (["attack"], "urgent"), "lose": ([], None),
        "new_topic": (["kidnap"], "routine"), "nothing": ([], None),
        "more_matches": (["attack"], "urgent"), "copy": ([], None),
    }
    assert after["matches"]["gain"] == [("attack", "attaque", 0, 7)]
    assert after["matches"]["new_topic"] == [("kidnap", "enlèvement", 0, 10)]
    assert after["matches"]["more_matches"] == [("attack", "attaque", 15, 22), ("attack", "embuscade", 0, 9)]
    assert after["matches"]["lose"] == after["matches"]["copy"] == []
    for pid in ("same", "nothing"):  # unaffected posts: every column and match as before
        assert (after["posts"][pid], after["matches"][pid]) == (before["posts"][pid], before["matches"][pid])
    for pid, row in after["posts"].items():  # only topics and severity may change
        unchanged = {k: v for k, v in before["posts"][pid].items() if k not in ("topics", "severity")}
        assert {k: v for k, v in row.items() if k not in ("topics", "severity")} == unchanged
    assert after["outbox"] == before["outbox"]

    again = _rematch(watchlists, db)  # nothing left to change
    assert again.stdout.splitlines() == ["scanned 7, changed 0 (written)"]
    assert _snapshot(db) == after


def test_dry_run_counts_the_same_changes_and_writes_nothing(tmp_path):
    watchlists, db = _setup(tmp_path)
    before = _snapshot(db)
    write(watchlists, "topics.yaml", AFTER)

    result = _rematch(watchlists, db, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "scanned 7, changed 5 (dry run: nothing written)",
        "  attack: +1 -0",
        '    + 2026-11-02 08:00 UTC  "Attaque contre un convoi à Ménaka"  [attaque]',
        "  kidnap: +1 -0",
        '    + 2026-11-04 08:00 UTC  "Enlèvement de deux enseignants à Dori"  [enlèvement]',
        "  russia: +0 -2",
        '    - 2026-11-03 08:00 UTC  "Wagner convoy seen near Gao yesterday"  [wagner]',
        '    - 2026-11-07 08:00 UTC  "Wagner convoy seen near Gao yesterday"  [wagner]',
    ]
    assert _snapshot(db) == before
    one = _rematch(watchlists, db, "--dry-run", "--examples", "1").stdout.splitlines()
    assert one[-2:] == ["  russia: +0 -2",
                        '    - 2026-11-03 08:00 UTC  "Wagner convoy seen near Gao yesterday"  [wagner]']


def test_examples_are_one_line_excerpts_around_the_match():
    text = "Line one\nof a long report " + "x" * 100 + " then\u202e an Embuscade\u200b here " + "y" * 100
    start = text.index("Embuscade")
    post = Post(platform="x", platform_id="1", text=text, created_at=datetime(2026, 11, 1, tzinfo=UTC),
                matches=(Match("attack", "embuscade", start, start + 9),), topics=("attack",))
    ex = example(post, "attack")
    assert ex.terms == ("embuscade",) and ex.created_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert ex.excerpt.startswith("…") and ex.excerpt.endswith("…") and "an Embuscade here" in ex.excerpt
    assert "\n" not in ex.excerpt and "\u202e" not in ex.excerpt and len(ex.excerpt) <= 82


def test_since_limits_the_posts_scanned(tmp_path):
    watchlists, db = _setup(tmp_path)
    before = _snapshot(db)
    write(watchlists, "topics.yaml", AFTER)

    result = _rematch(watchlists, db, "--since", "2026-11-04")  # new_topic (4th) onwards

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "scanned 4, changed 3 (written)", "  kidnap: +1 -0", "  russia: +0 -1"]
    after = _snapshot(db)
    for pid in ("same", "gain", "lose"):  # created before --since: left as they were
        assert after["posts"][pid] == before["posts"][pid]
        assert after["matches"][pid] == before["matches"][pid]
    assert json.loads(after["posts"]["new_topic"]["topics"]) == ["kidnap"]
    assert json.loads(after["posts"]["copy"]["topics"]) == []


def test_invalid_watchlist_exits_2_with_file_and_line_and_writes_nothing(tmp_path):
    watchlists, db = _setup(tmp_path)
    before = _snapshot(db)
    write(watchlists, "topics.yaml", "topics:\n  t:\n    terms: [yes]\n")

    result = run_cli("rematch", "--watchlists", "wl", "--db", "sw.db", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "wl/topics.yaml:3:13: a term must be text, but YAML 1.1 reads yes as a boolean (True); quote it: \"yes\""]
    assert _snapshot(db) == before


def test_missing_database_is_an_error_not_a_new_file(tmp_path):
    write(tmp_path, "topics.yaml", AFTER)
    result = _rematch(tmp_path, tmp_path / "absent.db")
    assert result.returncode == 1
    assert "no database at" in result.stderr
    assert not (tmp_path / "absent.db").exists()
