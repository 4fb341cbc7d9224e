import asyncio
import logging

from bot.app import App
from bot.config import Settings
from bot.pipeline import build_pipeline
from bot.sources.replay import ReplaySource
from tests.conftest import make_records, write_jsonl


def test_failing_background_task_is_logged_and_ingest_goes_on(store, tmp_path, caplog):
    async def broken(stop: asyncio.Event) -> None:
        raise RuntimeError("delivery exploded")

    src = ReplaySource(write_jsonl(tmp_path / "a.jsonl", make_records(5)))
    app = App(store, build_pipeline(Settings(), store), [src], tasks=[broken])
    with caplog.at_level(logging.ERROR):
        summary = asyncio.run(app.run(asyncio.Event(), until_sources_done=True))
    assert summary.stored == 5
    failed = [r for r in caplog.records if r.getMessage() == "background task failed"]
    assert len(failed) == 1 and "delivery exploded" in failed[0].error
