"""Delivery as one background task of the app: senders, digests, admin reports.

:class:`Delivery` is also a sink: after each post's transaction commits, :meth:`emit` wakes the
senders and the supervisor (a channel's first alert needs a sender made), so an alert leaves within
milliseconds instead of at the next poll. One
:class:`~bot.alerts.send.ChannelSender` runs per channel that has work, through the transport
its rows name (:mod:`bot.alerts.transport`: Telegram, webhooks), each transport with its own
:class:`~bot.alerts.pacing.Pacer`; a paused channel is retried after ``pause_seconds`` while the
others keep flowing. Digests are built every ``tick`` seconds from the SQLite watermark. On
stop, no new row is claimed and each in-flight send is finished. Admin reports go to the admin
chat on Telegram (logged only without a bot).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from bot.alerts import digest, outbox
from bot.alerts.limits import DEFAULT_LIMITS, AlertLimits
from bot.alerts.pacing import Pacer, sleep_unless
from bot.alerts.routing import Routing, chat_ref
from bot.alerts.send import ChannelSender
from bot.alerts.telegram import TelegramTransport
from bot.alerts.transport import Target, Transport
from bot.models import Post, utcnow
from bot.store.db import Store
from bot.store.posts import Saved

log = logging.getLogger(__name__)
REPEAT_AFTER = 600.0
"""Seconds before an admin report identical to one sent is sent again."""


class Delivery:
    name = "telegram"

    def __init__(self, store: Store, bot: Bot | None, routing: Callable[[], Routing], *, pacer: Pacer | None = None,
                 now: Callable[[], datetime] = utcnow, pause_seconds: float = 600.0, tick: float = 1.0,
                 limits: AlertLimits = DEFAULT_LIMITS, transports: Sequence[Transport] = ()) -> None:
        """``bot`` is the Telegram transport's (and the admin chat's), ``pacer`` its pacer (chat
        commands share it); ``transports`` are the others, each paced by its own ``pace``."""
        self.store, self.bot, self.routing, self.now = store, bot, routing, now
        self.limits = limits
        self.pacer = pacer or Pacer()
        telegram = [TelegramTransport(bot, self.pacer.sleep)] if bot is not None else []
        self.transports: dict[str, Transport] = {t.name: t for t in [*telegram, *transports]}
        self.pacers = {name: self.pacer if name == "telegram" else self._pacer(t)
                       for name, t in self.transports.items()}
        self._live = set(self.transports)  # transports that started (all of them until run() says otherwise)
        self.pause_seconds, self.tick = pause_seconds, tick
        self.senders: dict[str, ChannelSender] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._paused_until: dict[str, float] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._nudge = asyncio.Event()
        """Set by :meth:`emit`: the supervisor looks for channels with new work before its tick."""
        self._stop = asyncio.Event()
        self._reported: dict[str, float] = {}
        """Admin reports sent in the last :data:`REPEAT_AFTER` seconds, with when (pacer clock)."""
        self.held: Callable[[], frozenset[str]] = frozenset
        """Channels an admin paused (``/pause``): nothing is claimed for them until resumed."""

    def emit(self, post: Post, saved: Saved) -> None:
        """Sink hook, after the post's commit: wake every sender (cheap; they claim or sleep)."""
        for event in self._wake.values():
            event.set()
        self._nudge.set()

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        started = await asyncio.gather(*(t.start(stop) for t in self.transports.values()))
        self._live = {name for name, ok in zip(self.transports, started, strict=True) if ok}
        if not self._live:
            return
        try:
            while not stop.is_set():
                self._nudge.clear()
                self.step()
                await sleep_unless(stop, self.pacer.sleep, self.tick, self._nudge)  # a commit cuts it short
        finally:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            for name in self._live:
                await self.transports[name].close()

    def step(self) -> None:
        """One supervisor round: due digests, then a sender for every channel with work."""
        routing = self.routing()
        digest.run_due(self.store, routing, self.now())
        for chat_id, transport in self._ready_channels().items():
            self._ensure_sender(chat_id, transport, routing)

    async def drain(self) -> None:
        """Send everything sendable now (due digests included), then return: for tests and
        one-shot use. Paused channels are skipped."""
        self._stop = asyncio.Event()
        routing = self.routing()
        digest.run_due(self.store, routing, self.now())
        await asyncio.gather(*(self._run_sender(self._sender(chat_id, transport, routing), until_idle=True)
                               for chat_id, transport in self._ready_channels().items()))

    def _ready_channels(self) -> dict[str, str]:
        """Channel → transport, for the channels with work that may send now."""
        now, held = self.pacer.clock(), self.held()
        work = outbox.channels_with_work(self.store)
        return {c: work[c] for c in sorted(work) if work[c] in self._live
                and self._paused_until.get(c, 0.0) <= now and c not in held}

    def _ensure_sender(self, chat_id: str, transport: str, routing: Routing) -> None:
        task = self._tasks.get(chat_id)
        if (task is None or task.done()) and chat_id in self._ready_channels():
            sender = self._sender(chat_id, transport, routing)
            self._tasks[chat_id] = asyncio.create_task(self._run_sender(sender), name=f"send:{chat_id}")

    def _sender(self, chat_id: str, transport: str, routing: Routing) -> ChannelSender:
        sender = self.senders.get(chat_id)
        if sender is None or sender.transport.name != transport:
            rule = routing.rule(chat_id)
            where = f" ({rule.where})" if rule and rule.where else ""
            pacer = self.pacers[transport]
            sender = ChannelSender(chat_id, self.store, self.transports[transport], pacer, self.report, pacer.sleep,
                                   where=where, limits=self.limits, labels=lambda: self.routing().labels,
                                   held=lambda: chat_id in self.held(), target=lambda: self._target(chat_id))
            self.senders[chat_id] = sender
        return sender

    def _target(self, chat_id: str) -> Target | None:
        rule = self.routing().rule(chat_id)
        return rule.target if rule else None

    def _pacer(self, transport: Transport) -> Pacer:
        pace = transport.pace
        return Pacer(self.pacer.clock, self.pacer.sleep, channel_interval=pace.interval,
                     private_interval=pace.private, overall=pace.overall)

    async def _run_sender(self, sender: ChannelSender, until_idle: bool = False) -> None:
        sender.paused_reason = None
        wake = self._wake.setdefault(sender.chat_id, asyncio.Event())
        await sender.run(self._stop, wake, until_idle=until_idle)
        if sender.paused_reason is not None:
            self._paused_until[sender.chat_id] = self.pacer.clock() + self.pause_seconds

    async def report(self, message: str, level: int = logging.WARNING) -> None:
        """Tell the admin chat and the log; never raises. A message identical to one sent less than
        :data:`REPEAT_AFTER` seconds ago is only logged (a refusal repeated for every alert of a
        channel is one message), so the same report later (a feed added again, the same mistake
        made again) is told again."""
        log.log(level, "admin report: %s", message)
        admin = self.routing().admin_chat_id
        now = self.pacer.clock()
        self._reported = {m: at for m, at in self._reported.items() if now - at < REPEAT_AFTER}
        if admin is None or self.bot is None or message in self._reported:
            return
        self._reported[message] = now
        try:
            if await self.pacer.acquire(admin, 1, self._stop):
                await self.bot.send_message(chat_ref(admin), message)
        except TelegramError as exc:
            log.error("admin chat unreachable", extra={"chat": admin, "error": str(exc)})
