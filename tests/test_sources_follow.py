"""The running sources follow sources.yaml (bot.sources.reconcile) and the app starts and stops
sources while it runs (App.launch / App.retire). The whole flow, as an admin sees it, is in
tests/test_e2e_sources_reload.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import App
from bot.config import Settings
from bot.errors import ConfigError
from bot.pipeline import build_pipeline
from bot.sources.base import Collected, Source, SourceHealth
from bot.sources.reconcile import Follower, Plan, plan
from bot.sources.replay import ReplaySource
from bot.store.posts import source_state
from bot.store.sources import known
from bot.store.state import get_cursor
from tests.conftest import make_records, write_jsonl


@dataclass
class Listed:
    """A source as a plugin builds it from the file: a name and what it was built from."""

    name: str
    spec: object = None
    health: SourceHealth = field(init=False)

    def __post_init__(self) -> None:
        self.health = SourceHealth(self.name)

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        await stop.wait()
        return
        yield


def test_plan_starts_the_new_stops_the_gone_restarts_the_changed_and_keeps_the_rest():
    running = [Listed("feed:a", 1), Listed("feed:b", 1), Listed("feed:c", 1), Listed("bluesky")]
    built = [Listed("feed:b", 1), Listed("feed:c", 2), Listed("feed:d", 1), Listed("bluesky")]
    change = plan(running, built)
    assert change.stop == ("feed:a", "feed:c")
    assert [s.name for s in change.start] == ["feed:c", "feed:d"]
    assert change.start[0] is built[1]  # the new spec's source, not the old one
    assert change.describe() == "started: feed:d; stopped: feed:a; restarted with the new settings: feed:c"
    assert not plan(running, [Listed("feed:a", 1), Listed("feed:b", 1), Listed("feed:c", 1), Listed("bluesky")])


@dataclass
class Recorder:
    """A runner that records what it was asked (the app's side is tested below)."""

    calls: list[str] = field(default_factory=list)

    def launch(self, source: Source) -> None:
        self.calls.append(f"launch {source.name}")

    async def retire(self, name: str) -> Source | None:
        self.calls.append(f"retire {name}")
        return Listed(name)


def test_a_build_that_fails_changes_nothing_and_tells_the_admin_why():
    told: list[str] = []
    runner = Recorder()

    async def notify(text: str, level: int) -> None:
        told.append(f"{logging.getLevelName(level)} {text}")

    def build() -> list[Source]:
        raise ConfigError("SAHELWATCH_FEEDS=on but there is nothing to watch for feeds")

    follower = Follower([Listed("feed:a")], build, lambda: runner, lambda s: None, notify)
    assert asyncio.run(follower.apply()) is None
    assert runner.calls == [] and list(follower.followed) == ["feed:a"]
    assert told == ["WARNING sources.yaml change not applied, the running sources stay: "
                    "SAHELWATCH_FEEDS=on but there is nothing to watch for feeds"]


def test_follower_applies_a_change_once_and_remembers_what_runs():
    told: list[str] = []
    retired: list[str] = []
    runner = Recorder()
    listed = [[Listed("feed:b")], [Listed("feed:b")]]

    async def notify(text: str, level: int) -> None:
        told.append(f"{logging.getLevelName(level)} {text}")

    marks: list[str] = []
    listed.append([Listed("feed:b", spec=2)])  # then feed:b's settings change
    follower = Follower([Listed("feed:a")], lambda: listed.pop(0), lambda: runner,
                        lambda s: retired.append(s.name), notify, removed=lambda name: marks.append(f"removed {name}"),
                        added=lambda name: marks.append(f"added {name}"))
    first, second, third = (asyncio.run(follower.apply()) for _ in range(3))
    assert first == Plan(("feed:a",), first.start) and [s.name for s in first.start] == ["feed:b"]
    assert not second  # the same file again: nothing to do, nothing said
    assert third is not None and third.stop == ("feed:b",)
    assert runner.calls == ["retire feed:a", "launch feed:b", "retire feed:b", "launch feed:b"]
    assert retired == ["feed:a", "feed:b"]
    assert marks == ["removed feed:a", "added feed:b"]  # a restart is neither
    assert list(follower.followed) == ["feed:b"]
    assert told[0] == "INFO sources.yaml applied: started: feed:b; stopped: feed:a."  # a confirmation


def test_app_launches_and_retires_sources_while_it_runs(store, tmp_path):
    app = App(store, build_pipeline(Settings(), store), [])
    records = write_jsonl(tmp_path / "late.jsonl", make_records(5))

    async def scenario() -> tuple[Source | None, Source | None, int, list[str]]:
        stop = asyncio.Event()
        running = asyncio.create_task(app.run(stop))
        await asyncio.sleep(0.05)
        app.launch(ReplaySource(records))
        with pytest.raises(ValueError, match="already running"):
            app.launch(ReplaySource(records))
        hung = ReplaySource(write_jsonl(tmp_path / "hung.jsonl", make_records(3, prefix="h")), speed=1.0,
                            sleep=lambda seconds: asyncio.Event().wait())  # waits forever, deaf to its stop
        app.launch(hung)
        for _ in range(500):
            if app.summary.stored == 6:
                break
            await asyncio.sleep(0.01)
        names = [s.name for s in app.sources]
        done, cancelled = await app.retire("replay:late.jsonl"), await app.retire("replay:hung.jsonl", grace=0.1)
        stop.set()
        await running
        return done, cancelled, app.summary.stored, names

    done, cancelled, stored, names = asyncio.run(scenario())
    assert names == ["replay:late.jsonl", "replay:hung.jsonl"] and app.sources == []
    assert stored == 6  # five from the first, the hung one's first line before it hung
    assert done is not None and done.health.finished and done.health.state == "stopped"
    assert cancelled is not None and cancelled.health.state == "stopped" and not cancelled.health.finished
    assert get_cursor(store, "replay:late.jsonl") == "5"  # its cursor committed with its last post


def test_what_restarts_a_feed_or_a_mastodon_instance_and_what_does_not():
    from types import SimpleNamespace

    from bot.sources.feeds import FeedSource
    from bot.sources.mastodon.source import InstanceOptions, InstanceSource
    from bot.sources.sources_file import Feed

    kit = SimpleNamespace(settings=Settings())
    url = "https://news.example.org/rss"

    def feed(**kw: object) -> FeedSource:
        return FeedSource(Feed(url, **kw), kit)  # type: ignore[arg-type]

    def instance(users: list[str], tags: list[str]) -> InstanceSource:
        return InstanceSource("mastodon.social", users, tags, kit,  # type: ignore[arg-type]
                              InstanceOptions("https://{instance}", 300.0, None))

    assert not plan([feed(where="sources.yaml:2")], [feed(where="sources.yaml:9")])  # moved in the file only
    assert plan([feed(every=600.0)], [feed(every=300.0)]).stop == (f"feed:{url}",)
    assert plan([feed()], [feed(language="fr")]).stop == (f"feed:{url}",)
    assert not plan([instance(["a", "b"], ["sahel"])], [instance(["b", "a"], ["sahel"])])  # order does not matter
    assert plan([instance(["a"], [])], [instance(["a", "b"], [])]).stop == ("mastodon:mastodon.social",)
    assert plan([instance(["a"], [])], [instance(["a"], ["mali"])]).stop == ("mastodon:mastodon.social",)


def test_a_source_listed_again_after_its_removal_forgets_its_cursor_once(store):
    from bot.store.sources import listed_again, mark_removed

    with store.write() as db:
        source_state(db, "feed:a", '{"etag": "x"}', "entry-1")
        source_state(db, "feed:b", '{"etag": "y"}', None)
    assert not listed_again(store, "feed:a")  # never removed: a restart resumes from its cursor
    mark_removed(store, "feed:a")
    assert listed_again(store, "feed:a") and get_cursor(store, "feed:a") is None
    assert not listed_again(store, "feed:a")  # once: from now on it is an ordinary source again
    assert get_cursor(store, "feed:b") == '{"etag": "y"}'
    assert known(store, "feed:a", ["entry-1"]) == {"entry-1"}  # what it handed on is still remembered
