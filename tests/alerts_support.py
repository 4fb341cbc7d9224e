"""A delivery test bench: fake Bot API + real SQLite store + real PTB ExtBot, on virtual time.

One :class:`~tests.fakes.tg_flood.ManualClock` drives the fake's flood windows, our pacer and
the wall clock used for outbox rows and digests; "sleeping" advances it, so nothing really
waits. Import the fixture: ``from tests.alerts_support import bench_fixture  # noqa: F401``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.alerts.bot import make_bot
from bot.alerts.delivery import Delivery
from bot.alerts.outbox import enqueue_hook
from bot.alerts.pacing import Pacer
from bot.alerts.routing import ChannelRule, Routing
from bot.alerts.transport import Transport
from bot.models import Match, Media, Post
from bot.store.db import Store
from bot.store.posts import Saved, save_post
from tests.fakes.tg_chats import Chat
from tests.fakes.tg_flood import ManualClock
from tests.fakes.tg_server import FakeTelegram

EN, FR, ADMIN = -1001000000001, -1001000000002, -1009876543210
START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def default_routing() -> Routing:
    return Routing(
        channels=(
            ChannelRule(str(EN), frozenset({"attack", "russia"}), frozenset({"en", "fr"}), where="channels.yaml:2"),
            ChannelRule(str(FR), None, frozenset({"fr"}), where="channels.yaml:6"),
        ),
        admin_chat_id=str(ADMIN),
    )


@dataclass
class Bench:
    fake: FakeTelegram
    path: Path
    clock: ManualClock = field(default_factory=ManualClock)
    routing: Routing = field(default_factory=default_routing)
    stores: list[Store] = field(default_factory=list)
    transports: list[Transport] = field(default_factory=list)
    """Transports besides Telegram (a webhook's), given to every Delivery the bench makes."""

    def __post_init__(self) -> None:
        self.origin = self.clock.now
        self.restart()

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.clock.now - self.origin)

    async def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await asyncio.sleep(0)

    def restart(self) -> None:
        """A fresh process: new store connection, hook, pacer and Delivery on the same file."""
        self.store = Store(self.path)
        self.stores.append(self.store)
        self.store.post_hooks.append(enqueue_hook(lambda: self.routing, clock=self.wall))
        self.bot = make_bot(self.fake.token, self.fake.url)
        self.delivery = Delivery(self.store, self.bot, lambda: self.routing,
                                 pacer=Pacer(self.clock, self.sleep), now=self.wall, transports=self.transports)

    def store_post(self, post: Post) -> Saved:
        saved = save_post(self.store, post)
        self.delivery.emit(post, saved)
        return saved

    async def drain(self) -> None:
        async with self.bot:
            await self.delivery.drain()

    def outbox(self, kind: str | None = None) -> list[dict]:
        where, args = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        return self.store.query(f"SELECT * FROM outbox {where} ORDER BY id", args)


@pytest.fixture(name="bench")
async def bench_fixture(tmp_path: Path) -> AsyncIterator[Bench]:
    clock = ManualClock()
    with FakeTelegram(clock=clock) as fake:
        fake.add_channel(EN, username="sahel_alerts_en")
        fake.add_channel(FR, username="sahel_alerts_fr")
        fake.add_chat(Chat(ADMIN, "supergroup", "Admins"))
        bench = Bench(fake, tmp_path / "bot.db", clock)
        yield bench
        for store in bench.stores:
            store.close()
        for transport in bench.transports:
            await transport.close()


def post(n: int, text: str, *, terms: Iterable[str] = (), topics: tuple[str, ...] = ("attack",),
         severity: str = "urgent", lang: str = "en", media: tuple[Media, ...] = (), minutes: int = 0,
         duplicate_of: str | None = None) -> Post:
    """A post as the pipeline would hand it over: matches found for ``terms`` in ``text``."""
    matches = tuple(Match(topics[0], term, i, i + len(term))
                    for term in terms if (i := text.lower().find(term.lower())) >= 0)
    return Post(platform="x", platform_id=str(n), text=text, created_at=START + timedelta(minutes=minutes),
                url=f"https://x.com/reporter/status/{n}", author_id="7", author_handle="reporter",
                author_name="Field Reporter", lang=lang, topics=topics, severity=severity,  # type: ignore[arg-type]
                matches=matches, places=("Gao, Mali",), media=media, duplicate_of=duplicate_of)
