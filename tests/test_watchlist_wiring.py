"""The runtime wires the watchlist: the match stage runs in every command's pipeline and the live
bot gets the hot-reload task; invalid watchlists stop startup with file:line errors."""

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.errors import WatchlistError
from bot.models import Post
from bot.pipeline import build_pipeline
from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.runtime import assemble
from tests.watchlist_util import write


def post(text: str) -> Post:
    return Post("test", "1", text, datetime(2025, 1, 1, tzinfo=UTC))


def test_live_runtime_has_the_holder_and_its_reload_task(tmp_path, store):
    write(tmp_path, "w.yaml", "topics:\n  wagner:\n    severity: urgent\n    terms: [Wagner]\n")
    runtime = assemble(Settings(watchlists=tmp_path), store, live=True)
    holder = runtime.watchlist
    assert isinstance(holder, WatchlistHolder) and holder.watch in runtime.tasks
    pipeline = runtime.app().pipeline
    assert "match" in pipeline.names
    assert pipeline.run(post("Wagner à Kidal")).severity == "urgent"


def test_one_shot_runtime_has_no_reload_task(tmp_path, store):
    write(tmp_path, "w.yaml", "topics:\n  wagner:\n    terms: [Wagner]\n")
    runtime = assemble(Settings(watchlists=tmp_path), store, live=False)
    assert runtime.tasks == [] and isinstance(runtime.watchlist, WatchlistHolder)


def test_build_pipeline_without_a_holder_loads_the_settings_watchlists(tmp_path, store):
    write(tmp_path, "w.yaml", "topics:\n  barkhane:\n    terms: [Barkhane]\n")
    assert build_pipeline(Settings(watchlists=tmp_path), store).run(post("Barkhane")).topics == ("barkhane",)


def test_missing_directory_falls_back_to_the_shipped_watchlists(tmp_path, store):
    pipeline = build_pipeline(Settings(watchlists=tmp_path / "absent"), store)
    assert "niger" in pipeline.run(post("Attaque au Niger")).topics


def test_invalid_watchlists_stop_startup_with_file_and_line(tmp_path, store):
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: [Wagner]\n    terms: [x]\n")
    with pytest.raises(WatchlistError) as caught:
        assemble(Settings(watchlists=tmp_path), store)
    assert caught.value.problems == [
        f"{tmp_path}/w.yaml:4:5: duplicate key 'terms' in topic 't' (first defined on line 3)"]
