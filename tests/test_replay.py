import asyncio
import logging

from bot.app import App
from bot.config import Settings
from bot.pipeline import build_pipeline
from bot.sources.replay import ReplaySource
from bot.store.state import get_cursor
from tests.conftest import make_records, write_jsonl


def _run(store, source):
    app = App(store, build_pipeline(Settings(), store), [source])
    return asyncio.run(app.run(asyncio.Event(), until_sources_done=True))


def test_malformed_lines_logged_with_number_and_skipped(store, tmp_path, caplog):
    records = make_records(4)
    lines = [records[0], "{not json", records[1], '{"text": "no id"}', records[2], "[1, 2]", records[3]]
    path = write_jsonl(tmp_path / "in.jsonl", lines)
    with caplog.at_level(logging.WARNING):
        summary = _run(store, ReplaySource(path))
    assert summary.stored == 4
    skipped = sorted(r.line for r in caplog.records if r.getMessage() == "malformed line skipped")
    assert skipped == [2, 4, 6]
    assert "missing required field 'id'" in {r.error for r in caplog.records if hasattr(r, "error")}


def test_resume_from_cursor_reads_only_new_lines(store, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", make_records(5))
    _run(store, ReplaySource(path))
    write_jsonl(path, make_records(8))
    summary = _run(store, ReplaySource(path))
    assert summary.read == 3 and summary.stored == 3
    assert get_cursor(store, "replay:in.jsonl") == "8"
    assert store.scalar("SELECT count(*) FROM posts") == 8


def test_pacing_uses_original_gaps_divided_by_speed(store, tmp_path):
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    path = write_jsonl(tmp_path / "in.jsonl", make_records(4, step_s=120))
    _run(store, ReplaySource(path, speed=60, sleep=fake_sleep))
    assert slept == [2.0, 2.0, 2.0]
