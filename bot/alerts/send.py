"""The outbox sender of one channel: claim the oldest row, send it, record the message id.

Concurrency 1 per channel, so a channel reads its alerts in order. Telegram's answers:

- 429 → wait ``retry_after`` and send the same row again (never dropped);
- 5xx, network errors, timeouts → retry with backoff (a timeout may have delivered: at-least-once);
- 403, chat not found, not admin → put the row back, pause this channel, tell the admin chat;
- "can't parse entities" → the same text without parse_mode; a media URL refused → text with links;
- any other 400 → the row is marked failed and the admin chat is told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.alerts import outbox
from bot.alerts.outgoing import Outgoing, alert, classify, send
from bot.alerts.pacing import Pacer, Sleep, sleep_unless
from bot.alerts.rich import Rich
from bot.models import Post
from bot.store.db import Store
from bot.store.posts import load_post

log = logging.getLogger(__name__)
Report = Callable[[str], Awaitable[None]]


def render(store: Store, row: outbox.OutboxRow) -> Outgoing | None:
    """The message for ``row``; None when there is nothing to send (e.g. original not yet sent)."""
    if row.kind == "digest":
        return Outgoing(row.channel, Rich(str(row.payload["plain"]), str(row.payload["html"])))
    original = str(row.payload["original"]) if row.kind == "similar" else row.alert_key
    post = _alerted_post(store, original)
    if post is None:
        return None
    out = alert(row.channel, post, outbox.similar_count(store, post.key))
    if row.kind == "alert":
        return out
    message_id = outbox.sent_message_id(store, original)
    if message_id is None or out.media:  # not sent yet (it will show the count), or a caption
        return None
    return Outgoing(row.channel, out.rich, edit_message_id=message_id)


def _alerted_post(store: Store, alert_key: str) -> Post | None:
    key = store.scalar(
        "SELECT p.key FROM outbox o JOIN posts p ON p.id = o.post_id WHERE o.alert_key = ?", (alert_key,)
    )
    return load_post(store, str(key)) if key else None


class ChannelSender:
    def __init__(self, chat_id: str, store: Store, bot: Bot, pacer: Pacer, report: Report, sleep: Sleep,
                 *, max_backoff: float = 30.0, where: str = "", held: Callable[[], bool] = lambda: False) -> None:
        self.chat_id = chat_id
        self.store, self.bot, self.pacer, self.report, self.sleep = store, bot, pacer, report, sleep
        self.max_backoff = max_backoff
        self.where = where
        self.held = held  # an admin paused the channel: stop claiming (rows stay pending)
        self.paused_reason: str | None = None
        self.sent = 0

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, idle: float = 1.0,
                  until_idle: bool = False) -> None:
        """Send until ``stop`` (an in-flight send is finished first), or until nothing is left
        when ``until_idle``. Returns early when the channel has to pause."""
        while not stop.is_set() and not self.held():
            wake.clear()  # before claiming: a row committed after this sets it again
            row = outbox.claim_next(self.store, self.chat_id)
            if row is None:
                if until_idle:
                    return
                await sleep_unless(stop, _event_wait(wake), idle)
                continue
            if not await self.deliver(row, stop):
                return

    async def deliver(self, row: outbox.OutboxRow, stop: asyncio.Event) -> bool:
        """Send one claimed row to completion; False when the channel had to pause."""
        out = render(self.store, row)
        if out is None:
            outbox.mark_sent(self.store, row.id, [])
            return True
        plain = fallback = False
        backoff = 0.5
        while True:
            if not await self.pacer.acquire(self.chat_id, 1 if fallback else out.count, stop):
                outbox.release(self.store, row.id, "stopped before sending")
                return True
            try:
                ids = await send(self.bot, out, plain=plain, fallback=fallback)
            except TelegramError as exc:
                action = classify(exc)
                if action == "fallback" and out.fallback and not fallback:
                    fallback = True
                elif action == "plain" and not plain:
                    plain = True
                elif action in ("retry_after", "retry"):
                    wait = _retry_after(exc) if action == "retry_after" else backoff
                    backoff = min(backoff * 2, self.max_backoff)
                    log.warning("telegram send retry channel=%s wait=%.1f error=%s", self.chat_id, wait, exc)
                    self.pacer.hold(self.chat_id, wait)
                elif action == "done":
                    outbox.mark_sent(self.store, row.id, [])
                    return True
                else:
                    return await self._give_up(row, exc, pause=action == "pause")
                continue
            outbox.mark_sent(self.store, row.id, ids)  # at once: no await between send and record
            self.sent += 1
            return True

    async def _give_up(self, row: outbox.OutboxRow, exc: TelegramError, *, pause: bool) -> bool:
        reason = f"{type(exc).__name__}: {exc}"
        if pause:
            outbox.release(self.store, row.id, reason)
            self.paused_reason = reason
            log.error("telegram channel paused channel=%s reason=%s", self.chat_id, reason)
            await self.report(f"Channel {self.chat_id} paused{self.where}: {reason}. "
                              "Its alerts are kept and go out once the bot can post there again.")
            return False
        outbox.mark_failed(self.store, row.id, reason)
        log.error("telegram alert failed channel=%s key=%s reason=%s", self.chat_id, row.alert_key, reason)
        await self.report(f"Alert {row.alert_key} could not be delivered to {self.chat_id}: {reason}")
        return True


def _retry_after(exc: TelegramError) -> float:
    value = exc.retry_after if isinstance(exc, RetryAfter) else 1
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _event_wait(event: asyncio.Event) -> Sleep:
    async def wait(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    return wait
