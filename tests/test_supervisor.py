"""Every source runs under the supervisor: a raising source is logged, counted, restarted with
jittered back-off; the others go on; a long failure is told once to the admin chat, and once on recovery."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from datetime import UTC, datetime

from bot.cli.core import run_bot
from bot.config import Settings
from bot.models import Post
from bot.registry import REGISTRY
from bot.sources.base import Collected, SourceHealth
from bot.sources.kit import SourcePlugin
from bot.sources.supervisor import Supervision, supervise
from bot.store.db import Store
from bot.store.sources import read_health
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.x_helpers import ManualClock, drive

ADMIN, CHANNEL = -1009000000001, -1001000000077


def post(n: int) -> Post:
    return Post(platform="test", platform_id=str(n), text=f"report number {n} about nothing in particular",
                created_at=datetime(2026, 11, 20, tzinfo=UTC), url=f"https://example.org/{n}")


class Flaky:
    """Raises on every start while ``broken``; then yields one post per start and waits for stop."""

    def __init__(self, name: str = "flaky") -> None:
        self.name, self.health = name, SourceHealth(name)
        self.broken, self.starts, self.cursors = True, 0, []

    async def collect(self, cursor, stop):
        self.starts += 1
        self.cursors.append(cursor)
        if self.broken:
            raise RuntimeError("feed server exploded")
        self.health.alive()
        self.health.item()
        yield Collected(post(self.starts), cursor=str(self.starts))
        await stop.wait()


class Steady:
    def __init__(self) -> None:
        self.name, self.health, self.sent = "steady", SourceHealth("steady"), 0

    async def collect(self, cursor, stop):
        while not stop.is_set():
            self.sent += 1
            self.health.item()
            yield Collected(post(1000 + self.sent))
            await asyncio.sleep(0.001)


async def test_raising_source_restarts_with_jittered_backoff_from_its_cursor(caplog):
    clock, stop, got = ManualClock(), asyncio.Event(), []
    source = Flaky()

    async def emit(name, item):
        got.append((name, item))

    policy = Supervision(1.0, 300.0, random.Random(7))
    task = asyncio.create_task(supervise(source, emit, lambda: "42", clock, stop, policy))
    with caplog.at_level(logging.ERROR):
        await drive(clock, lambda: source.starts >= 12)
    delays = clock.sleeps[:11]
    assert all(1.0 * 2 ** i / 2 <= d <= min(300.0, 2 ** i) for i, d in enumerate(delays[:8]))
    assert max(delays) <= 300.0 and delays[10] >= 150.0  # capped at 5 min, never below half of it
    assert source.health.restarts == source.starts and source.health.state == "backing off"
    assert source.cursors == ["42"] * source.starts  # every restart resumes from the stored cursor
    record = next(r for r in caplog.records if r.getMessage() == "source failed; restarting")
    assert record.source == "flaky" and "feed server exploded" in record.error
    source.broken = False
    await drive(clock, lambda: got)
    assert source.health.state == "running" and not source.health.failing
    stop.set()
    await task
    assert source.health.state == "stopped"


async def test_source_that_ends_is_stopped_not_failing():
    class Finite:
        name, health = "replay:x", SourceHealth("replay:x")

        async def collect(self, cursor, stop):
            yield Collected(post(1))

    source, got = Finite(), []

    async def emit(name, item):
        got.append(item)

    await supervise(source, emit, lambda: None, ManualClock(), asyncio.Event())
    assert len(got) == 1 and source.health.state == "stopped" and source.health.finished
    assert source.health.errors == 0 and source.health.restarts == 0


def settings_for(tmp_path, tg: FakeTelegram) -> Settings:
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text("topics:\n  incident:\n    terms: [report]\n", encoding="utf-8")
    (watchlists / "channels.yaml").write_text(
        f'channels:\n  - chat_id: "{CHANNEL}"\nadmin_chat_id: "{ADMIN}"\n', encoding="utf-8")
    return Settings.from_env({
        "SAHELWATCH_DB": str(tmp_path / "run.db"), "SAHELWATCH_WATCHLISTS": str(watchlists),
        "TELEGRAM_BOT_TOKEN": tg.token, "SAHELWATCH_TELEGRAM_API_URL": tg.url, "SAHELWATCH_TELEGRAM_PACE": "0.01",
        "SAHELWATCH_SOURCE_ALERT_AFTER": "60", "SAHELWATCH_HEARTBEAT_SECONDS": "20",
        "SAHELWATCH_WATCHDOG_SECONDS": "0", "SAHELWATCH_WATCHDOG_SOURCE_SECONDS": "0",
    })


async def test_run_reports_a_failing_source_once_and_its_recovery_once(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    flaky, steady = Flaky(), Steady()
    plugins = [SourcePlugin(s.name, "x", lambda kit: True, lambda kit, s=s: [s]) for s in (flaky, steady)]
    clock, stop = ManualClock(), asyncio.Event()
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_channel(ADMIN)
        settings = settings_for(tmp_path, tg)
        with REGISTRY.plugged(plugins[0]), REGISTRY.plugged(plugins[1]):
            bot = asyncio.create_task(run_bot(settings, [], None, False, stop, clock=clock))
            await drive(clock, lambda: tg.texts(ADMIN), timeout=60)
            assert clock.now() >= 60  # not before the configured failing time
            await drive(clock, lambda: clock.now() > 900, timeout=60)  # 15 more minutes of failing
            assert len(tg.texts(ADMIN)) == 1
            flaky.broken = False
            await drive(clock, lambda: len(tg.texts(ADMIN)) == 2, timeout=60)
            # the other source's posts reach the channel (in real time: the sender is paced by the loop)
            await drive(clock, lambda: clock.now() > 1200 and tg.messages(CHANNEL), timeout=60)
            stop.set()
            await bot
        failed, recovered = tg.texts(ADMIN)
        alerts = len(tg.messages(CHANNEL))
    assert "flaky" in failed and "failing" in failed and "feed server exploded" in failed
    assert "flaky" in recovered and (span := re.search(r"works again after failing for (\d+) min", recovered))
    assert int(span[1]) >= 15  # the time it failed on the bot's clock, which starts at 0 here
    levels = {r.getMessage(): r.levelname for r in caplog.records if r.getMessage().startswith("admin report")}
    assert levels == {f"admin report: {failed}": "WARNING", f"admin report: {recovered}": "INFO"}  # a problem, news
    assert steady.sent > 10 and alerts >= 1  # the other source and delivery kept going
    rows = {r["name"]: r for r in read_health(Store(settings.db))}
    assert rows["flaky"]["restarts"] == flaky.starts - 1 >= 5
    assert rows["flaky"]["state"] == "stopped" and rows["flaky"]["errors"] == flaky.starts - 1
    assert "feed server exploded" in rows["flaky"]["last_error"] and rows["steady"]["errors"] == 0
