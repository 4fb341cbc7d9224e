"""A live SahelWatch in the test's event loop, talking to the fake Bot API through real PTB.

``Live`` assembles the real runtime (watchlists, pipeline, delivery, commands) on a real SQLite
file, with a small watchlist and ``channels.yaml`` in ``tmp_path``, and runs the App until the
test ends. People talk to it with :meth:`Live.ask`, which sends a message through the fake's
``getUpdates`` queue and waits (bounded: a hang guard, not a timing check) for the bot's answer.
Posts go in through the App's own ingest path (:meth:`Live.ingest`); a :class:`QueueSource`
lets a test feed a named source.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from bot.models import Post
from bot.runtime import Runtime, assemble
from bot.sources.base import Collected, SourceHealth
from bot.store.db import Store
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

ADMIN, ANALYST, STRANGER, OTHER = 1001, 2002, 3003, 4004
CHANNEL, ADMIN_CHAT, GROUP = -1001000000001, -1009000000009, -1005000000005
WATCHLIST = """\
topics:
  attack:
    severity: urgent
    terms: [embuscade, ambush, attaque]
  coup:
    terms: [putsch, coup d'État]
"""


def channels_yaml(analysts: str = f"[{ANALYST}]") -> str:
    return (f'channels:\n  - chat_id: "{CHANNEL}"\n    topics: [attack]\n'
            f"admins: [{ADMIN}]\nanalysts: {analysts}\nadmin_chat_id: \"{ADMIN_CHAT}\"\n")


class QueueSource:
    """A source fed by the test: ``put`` a Post, the App collects it."""

    def __init__(self, name: str = "feed") -> None:
        self.name = name
        self.health = SourceHealth(name, connected=True)
        self.queue: asyncio.Queue[Post] = asyncio.Queue()

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        while not stop.is_set():
            getter = asyncio.ensure_future(self.queue.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if getter not in done:
                getter.cancel()
                return
            self.health.item()
            yield Collected(getter.result())


def post(n: int, text: str, lang: str = "fr", when: datetime | None = None) -> Post:
    """A raw post as a source hands it over (the pipeline finds language, topics, matches)."""
    return Post(platform="x", platform_id=str(n), text=text, created_at=when or datetime.now(UTC),
                url=f"https://x.com/reporter/status/{n}", author_id="7", author_handle="reporter",
                author_name="Reporter", lang_hint=lang)


@dataclass
class Live:
    tmp: Path
    fake: FakeTelegram
    analysts: str = f"[{ANALYST}]"
    env: dict[str, object] = field(default_factory=dict)
    runtime: Runtime | None = None
    app: App | None = None
    source: QueueSource = field(default_factory=QueueSource)

    def __post_init__(self) -> None:
        self.watchlists = self.tmp / "watchlists"
        if not self.watchlists.is_dir():
            self.watchlists.mkdir()
            (self.watchlists / "topics.yaml").write_text(WATCHLIST, encoding="utf-8")
            (self.watchlists / "channels.yaml").write_text(channels_yaml(self.analysts), encoding="utf-8")

    def settings(self) -> Settings:
        base = dict(db=self.tmp / "bot.db", watchlists=self.watchlists, telegram_bot_token=self.fake.token,
                    telegram_api_url=self.fake.url, x="off", telegram="on",
                    telegram_pace=0.05, telegram_private_pace=0.05,
                    watchdog_seconds=0.0, watchdog_source_seconds=0.0, commands_poll_timeout=2,
                    lang_detector="py3langid")
        return Settings(**{**base, **self.env})  # type: ignore[arg-type]

    async def start(self) -> None:
        self.store = Store(self.settings().db)
        self.runtime = assemble(self.settings(), self.store)
        self.runtime.sources.append(self.source)
        if self.runtime.delivery is not None:  # an hour: a chat's first alert must not wait for the tick
            self.runtime.delivery.tick = 3600.0
        self.app = self.runtime.app()
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.app.run(self.stop))
        await until(lambda: self.fake.api.updates.held or self.task.done(), what="the bot polls getUpdates")
        assert not self.task.done(), self.task.exception()

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)
        self.store.close()

    async def restart(self) -> None:
        await self.close()
        self.source = QueueSource(self.source.name)
        await self.start()

    async def ask(self, user: int, text: str, chat: int | None = None, replies: int = 1) -> list[str]:
        """``user`` sends ``text`` (in their private chat, or ``chat``); the bot's replies there."""
        where = chat if chat is not None else user
        before = len(self.fake.messages(where))
        self.fake.say(user, text, chat_id=chat)
        await until(lambda: len(self.fake.messages(where)) >= before + replies, what=f"a reply to {text!r}")
        return self.fake.texts(where)[before:]

    async def silent(self, user: int, text: str, chat: int | None = None) -> list[str]:
        """Send ``text`` and return what appeared once the bot has consumed it (expected: nothing)."""
        where = chat if chat is not None else user
        before = len(self.fake.messages(where))
        update_id = self.fake.say(user, text, chat_id=chat)
        await until(lambda: all(u["update_id"] > update_id for u in self.fake.api.updates.pending()),
                    what="the update to be consumed")
        await self.ask(ADMIN, "/help")  # a later command answered: the earlier one was handled
        return self.fake.texts(where)[before:]

    async def ingest(self, raw: Post) -> Post | None:
        assert self.app is not None
        return self.app.ingest_one(self.source.name, Collected(raw))


async def until(condition: Callable[[], object], what: str = "condition", timeout: float = 30.0) -> None:
    """Yield to the loop until ``condition()`` holds; ``timeout`` only guards against a hang."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


@pytest.fixture(name="fake")
def fake_fixture() -> FakeTelegram:
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL, username="sahel_alerts")
        tg.add_group(ADMIN_CHAT, "Admins")
        tg.add_group(GROUP, "Analysts")
        for user in (ADMIN, ANALYST, STRANGER, OTHER):
            tg.add_user(user)
        yield tg


@pytest.fixture(name="live")
async def live_fixture(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Live]:
    bot = Live(tmp_path, fake)
    await bot.start()
    yield bot
    await bot.close()
