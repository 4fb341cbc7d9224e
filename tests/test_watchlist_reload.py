"""Hot reload: valid edits swap in, broken edits are reported by file and line and change nothing."""

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.errors import WatchlistError
from bot.models import Post
from bot.pipeline.base import Context, Pipeline
from bot.pipeline.match import match
from bot.pipeline.normalise import normalise
from bot.pipeline.watchlist_reload import Loaded, Rejected, WatchlistHolder
from tests.watchlist_util import write

GOOD = "topics:\n  wagner:\n    terms: [Wagner]\n"
BROKEN = "topics:\n  wagner:\n    terms: [Wagner]\n    terms: [Africa Corps]\n"
BETTER = "topics:\n  wagner:\n    terms: [Wagner, Africa Corps]\n"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def post(text: str) -> Post:
    return Post("test", "1", text, datetime(2025, 1, 1, tzinfo=UTC))


async def test_broken_edit_keeps_last_good_watchlist_matching_in_a_running_pipeline(tmp_path, caplog):
    write(tmp_path, "w.yaml", GOOD)
    holder = WatchlistHolder(tmp_path, debounce=0)
    pipeline = Pipeline([normalise, match], Context(extras={"watchlist": holder}))
    invalid, reloaded, stop = asyncio.Event(), asyncio.Event(), asyncio.Event()
    reported = []
    holder.on_invalid.append(lambda rejected: (reported.extend(rejected.problems), invalid.set()))
    holder.on_reloaded.append(lambda loaded: reloaded.set())
    seen: list[tuple[str, ...]] = []

    async def feed() -> None:  # posts keep flowing while the admin edits
        while not stop.is_set():
            seen.append(pipeline.run(post("Wagner à Ménaka")).topics)
            await asyncio.sleep(0.001)

    tasks = [asyncio.create_task(holder.watch(stop, interval=0.01)), asyncio.create_task(feed())]
    write(tmp_path, "w.yaml", BROKEN)
    await asyncio.wait_for(invalid.wait(), 10)
    assert pipeline.run(post("Wagner")).topics == ("wagner",)
    assert pipeline.run(post("Africa Corps")).topics == ()
    expected = f"{tmp_path}/w.yaml:4:5: duplicate key 'terms' in topic 'wagner' (first defined on line 3)"
    assert [str(p) for p in reported] == [expected]
    assert expected in caplog.text and "last good watchlist stays active" in caplog.text
    assert [str(p) for p in holder.errors] == [expected]

    write(tmp_path, "w.yaml", BETTER)
    await asyncio.wait_for(reloaded.wait(), 10)
    assert pipeline.run(post("Africa Corps")).topics == ("wagner",)
    assert holder.errors == ()
    stop.set()
    await asyncio.gather(*tasks)
    assert seen and set(seen) == {("wagner",)}


def test_change_is_applied_only_after_the_debounce_period(tmp_path):
    write(tmp_path, "w.yaml", GOOD)
    clock = Clock()
    holder = WatchlistHolder(tmp_path, debounce=0.5, clock=clock)
    assert holder.check_now() is None
    write(tmp_path, "w.yaml", GOOD + "  other:\n    terms: [Barkhane]\n")
    assert holder.check_now() is None  # first seen now
    clock.now += 0.3
    write(tmp_path, "w.yaml", BETTER)  # still being edited: the wait starts again
    assert holder.check_now() is None
    clock.now += 0.3
    assert holder.check_now() is None
    clock.now += 0.3
    outcome = holder.check_now()
    assert isinstance(outcome, Loaded) and holder.current is outcome
    assert holder.matcher.classify("Africa Corps").topics == ("wagner",)
    assert holder.check_now() is None  # nothing new


def test_rejected_change_is_reported_once_and_a_new_file_is_picked_up(tmp_path):
    write(tmp_path, "w.yaml", GOOD)
    holder = WatchlistHolder(tmp_path, debounce=0)
    calls = []
    holder.on_invalid.append(calls.append)
    write(tmp_path, "bad.yaml", "topics:\n  wagner:\n    terms: [Wagner]\n")  # same topic in two files
    assert isinstance(holder.check_now(), Rejected)
    assert holder.check_now() is None
    assert [str(p) for p in calls[0].problems] == [
        f"{tmp_path}/w.yaml:2:3: topic 'wagner' is already defined at {tmp_path}/bad.yaml:2:3"]
    (tmp_path / "bad.yaml").unlink()
    write(tmp_path, "more.yaml", "topics:\n  barkhane:\n    terms: [Barkhane]\n")
    assert isinstance(holder.check_now(), Loaded)
    assert holder.matcher.classify("Barkhane et Wagner").topics == ("barkhane", "wagner")
    assert len(calls) == 1


def test_removed_directory_keeps_the_last_good_watchlist(tmp_path):
    directory = tmp_path / "wl"
    directory.mkdir()
    write(directory, "w.yaml", GOOD)
    holder = WatchlistHolder(directory, debounce=0)
    (directory / "w.yaml").unlink()
    directory.rmdir()
    outcome = holder.check_now()
    assert isinstance(outcome, Rejected) and str(outcome) == f"{directory}: not a directory"
    assert holder.matcher.classify("Wagner").topics == ("wagner",)


def test_a_failing_subscriber_does_not_stop_the_others(tmp_path, caplog):
    write(tmp_path, "w.yaml", GOOD)
    holder = WatchlistHolder(tmp_path, debounce=0)
    received = []

    def broken(loaded: Loaded) -> None:
        raise RuntimeError("subscriber bug")

    holder.on_reloaded += [broken, received.append]
    write(tmp_path, "w.yaml", BETTER)
    with caplog.at_level(logging.ERROR):
        outcome = holder.check_now()
    assert received == [outcome]
    assert "subscriber bug" in caplog.text


def test_invalid_watchlist_at_startup_raises_with_every_problem(tmp_path):
    write(tmp_path, "w.yaml", "topics:\n  t:\n    terms: [off, NO]\n")
    with pytest.raises(WatchlistError) as caught:
        WatchlistHolder(tmp_path)
    assert caught.value.problems == [
        f"{tmp_path}/w.yaml:3:13: a term must be text, but YAML 1.1 reads off as a boolean (False); "
        "quote it: \"off\"",
        f"{tmp_path}/w.yaml:3:18: a term must be text, but YAML 1.1 reads NO as a boolean (False); "
        "quote it: \"NO\""]
