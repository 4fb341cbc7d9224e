"""Hostile JSONL through the real CLI: `replay` stores every valid line and says what it skipped and
why (exit 0), `analyze` answers every line with a result or an error object (never a traceback)."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from tests.conftest import SAHELWATCH, cli_env, make_records
from tests.hostile_payloads import jsonl_lines


def hostile_file(tmp_path, valid: list[dict]) -> tuple[object, dict[int, str]]:
    """Valid records with a hostile line after each of the first ones; returns the path and
    {line number: hostile name} of the lines that must be skipped."""
    def dumps(record: dict) -> bytes:
        return json.dumps(record).encode()  # ASCII escapes: lone surrogates stay "\\ud800" escapes

    hostile = {**jsonl_lines(), "garbage bytes": b"\xff\xfe\x00 not even text"}
    lines: list[bytes] = []
    skipped: dict[int, str] = {}
    for record, (name, raw) in zip(valid, hostile.items(), strict=False):
        lines.append(dumps(record))
        lines.append(raw)
        skipped[len(lines)] = name
    lines += [dumps(r) for r in valid[len(hostile):]]
    lines.insert(3, b"")  # a blank line is neither a post nor an error
    skipped = {n + (n > 3): name for n, name in skipped.items()}
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, skipped


def valid_records() -> list[dict]:
    records = make_records(12)
    records[5]["text"] += " caf\udc00 \ud800"  # lone surrogates: valid JSON escapes, refused by SQLite as-is
    records[7]["author_name"] = "\ud83d"
    return records


def run(*args: str, cwd, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SAHELWATCH, *args], cwd=cwd, env=cli_env(**env), capture_output=True, text=True,
                          timeout=120)


def test_replay_stores_every_valid_line_and_lists_the_skipped_ones(tmp_path):
    records = valid_records()
    path, skipped = hostile_file(tmp_path, records)
    raw = path.read_bytes().replace(json.dumps(records[9]["text"]).encode(),
                                    json.dumps(records[9]["text"]).encode()[:-1] + b"\xc3\x28\"")
    path.write_bytes(raw)  # invalid UTF-8 inside one valid record's text: that record is kept
    result = run("replay", str(path), "--db", "out.db", "--no-console", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"stored {len(records)}," in result.stdout and f"skipped {len(skipped)}" in result.stdout
    listed = [line for line in result.stdout.splitlines() if line.startswith("skipped hostile.jsonl:")]
    assert [int(line.split(":")[1]) for line in listed] == sorted(skipped)
    with sqlite3.connect(tmp_path / "out.db") as db:
        texts = dict(db.execute("SELECT platform_id, text FROM posts"))
        cursor = db.execute("SELECT value FROM cursors").fetchone()[0]
    assert set(texts) == {r["id"] for r in records}
    assert texts["p5"].endswith("caf\ufffd \ufffd") and "\ufffd(" in texts["p9"]
    assert int(cursor) == len(path.read_bytes().splitlines())  # the last line was valid: read to the end


def test_analyze_answers_every_line_without_a_traceback(tmp_path):
    records = valid_records()
    path, skipped = hostile_file(tmp_path, records)
    result = run("analyze", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    errors = {o["line"]: o["error"] for o in out if "error" in o}
    assert sorted(errors) == sorted(skipped) and all(errors.values())
    assert [o["id"] for o in out if "id" in o] == [r["id"] for r in records]
    assert "integer with 5000 digits" in errors[min(skipped)]
    assert {"JSON nested deeper than 64 levels", "integer with 31 digits"} <= set(errors.values())  # 10**30


def test_an_over_long_line_is_skipped_and_an_over_long_post_cut(tmp_path):
    records = make_records(3)
    records[1]["text"] = "Embuscade " + "très longue " * 500
    lines = [json.dumps(records[0]), "x" * 70_000, json.dumps(records[1]), json.dumps(records[2])]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("replay", str(path), "--db", "out.db", "--no-console", cwd=tmp_path,
                 SAHELWATCH_MAX_LINE_BYTES="65536", SAHELWATCH_MAX_POST_CHARS="1000")
    assert result.returncode == 0, result.stderr
    assert "skipped long.jsonl:2: line too long: 70001 bytes (limit 65536)" in result.stdout
    with sqlite3.connect(tmp_path / "out.db") as db:
        rows = {r[0]: r[1:] for r in db.execute("SELECT platform_id, text, truncated, length(raw) FROM posts")}
    assert set(rows) == {"p0", "p1", "p2"}
    text, truncated, raw_length = rows["p1"]
    assert (len(text), text[-1], truncated) == (1000, "…", 1) and raw_length < 2000
    assert rows["p0"][1] == 0
