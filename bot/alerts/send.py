"""The outbox sender of one channel: claim the oldest row, send it, record the message id.

Concurrency 1 per channel, so a channel reads its alerts in order. Telegram's answers:

- 429 → wait ``retry_after`` and send the same row again (never dropped);
- 5xx, network errors, timeouts → retry with backoff (a timeout may have delivered: at-least-once);
- 403, chat not found, not admin → put the row back, pause this channel, tell the admin chat;
- a 400 about the content (media URL refused, caption or text too long, "can't parse entities")
  → one step down the ladder of :func:`~bot.alerts.outgoing.rungs`: text with the media as links,
  plain text, a minimal alert; when even that is refused, or on any other 400, the row is
  marked failed with the reason (``sahelwatch stats`` lists it) and the admin chat is told.
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
from bot.alerts.format import NO_LABELS, Labels
from bot.alerts.limits import DEFAULT_LIMITS, AlertLimits
from bot.alerts.outgoing import Outgoing, alert, classify, next_rung, rungs, send
from bot.alerts.pacing import Pacer, Sleep, sleep_unless
from bot.alerts.reports import Reports
from bot.alerts.rich import Rich
from bot.models import Post
from bot.pipeline.story_index import reports
from bot.store.db import Store
from bot.store.posts import load_post

log = logging.getLogger(__name__)
Report = Callable[[str], Awaitable[None]]


def render(store: Store, row: outbox.OutboxRow, limits: AlertLimits = DEFAULT_LIMITS,
           labels: Labels = NO_LABELS) -> Outgoing | None:
    """The message for ``row``; None when there is nothing to send (e.g. original not yet sent)."""
    if row.kind == "digest":
        return Outgoing(row.channel, Rich(str(row.payload["plain"]), str(row.payload["html"])))
    original = str(row.payload["original"]) if row.kind == "similar" else row.alert_key
    post = _alerted_post(store, original)
    if post is None:
        return None
    update = row.payload.get("update")
    out = alert(row.channel, post, Reports(reports(store.db, post.key), str(update) if update else None), limits,
                labels)
    if row.kind == "alert":
        return out
    message_id = outbox.sent_message_id(store, original)
    if message_id is None:  # not sent yet: it will show the reports when it goes out
        return None
    return Outgoing(row.channel, out.rich, edit_message_id=message_id, edit_caption=bool(out.media))


def _alerted_post(store: Store, alert_key: str) -> Post | None:
    key = store.scalar(
        "SELECT p.key FROM outbox o JOIN posts p ON p.id = o.post_id WHERE o.alert_key = ?", (alert_key,)
    )
    return load_post(store, str(key)) if key else None


class ChannelSender:
    def __init__(self, chat_id: str, store: Store, bot: Bot, pacer: Pacer, report: Report, sleep: Sleep,
                 *, max_backoff: float = 30.0, where: str = "", limits: AlertLimits = DEFAULT_LIMITS,
                 labels: Callable[[], Labels] = lambda: NO_LABELS, held: Callable[[], bool] = lambda: False) -> None:
        self.chat_id = chat_id
        self.labels = labels
        self.limits = limits
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
        try:
            out = render(self.store, row, self.limits, self.labels())
        except Exception as exc:  # a post we cannot even format must not stop its channel
            log.exception("alert could not be formatted", extra={"channel": self.chat_id, "key": row.alert_key})
            return await self._fail(row, f"could not be formatted: {type(exc).__name__}: {exc}")
        if out is None:
            outbox.mark_sent(self.store, row.id, [])
            return True
        ladder = rungs(out)
        rung, tried, backoff = ladder[0], [], 0.5
        while True:
            if not await self.pacer.acquire(self.chat_id, out.count if rung.content == "media" else 1, stop):
                outbox.release(self.store, row.id, "stopped before sending")
                return True
            try:
                ids = await send(self.bot, out, rung)
            except TelegramError as exc:
                action = classify(exc)
                if action in ("retry_after", "retry"):
                    wait = _retry_after(exc) if action == "retry_after" else backoff
                    backoff = min(backoff * 2, self.max_backoff)
                    log.warning("telegram send retry",
                                extra={"channel": self.chat_id, "wait_s": wait, "error": str(exc)})
                    self.pacer.hold(self.chat_id, wait)
                    continue
                if action == "done":
                    outbox.mark_sent(self.store, row.id, [])
                    return True
                tried.append(f"{rung}: {exc}")
                lower = next_rung(ladder, rung, action)
                if lower is None:
                    return await self._give_up(row, exc, pause=action == "pause", tried=tried)
                log.warning("telegram refused alert, trying a simpler form", extra={
                    "next": str(lower), "channel": self.chat_id, "key": row.alert_key, "error": str(exc)})
                rung = lower
                continue
            outbox.mark_sent(self.store, row.id, ids)  # at once: no await between send and record
            self.sent += 1
            return True

    async def _give_up(self, row: outbox.OutboxRow, exc: TelegramError, *, pause: bool,
                       tried: list[str]) -> bool:
        reason = f"{type(exc).__name__}: {exc}"
        if pause:
            outbox.release(self.store, row.id, reason)
            self.paused_reason = reason
            log.error("telegram channel paused", extra={"channel": self.chat_id, "reason": reason})
            await self.report(f"Channel {self.chat_id} paused{self.where}: {reason}. "
                              "Its alerts are kept and go out once the bot can post there again.")
            return False
        steps = f" (tried {len(tried)} ways: {'; '.join(tried)})" if len(tried) > 1 else ""
        return await self._fail(row, reason + steps)

    async def _fail(self, row: outbox.OutboxRow, reason: str) -> bool:
        outbox.mark_failed(self.store, row.id, reason)
        log.error("telegram alert failed", extra={"channel": self.chat_id, "key": row.alert_key, "reason": reason})
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
