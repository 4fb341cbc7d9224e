"""The outbox sender of one channel: claim the oldest row, send it through its transport, record
the destination's reference.

Concurrency 1 per channel, so a channel reads its alerts in order. What the transport answers
(:mod:`bot.alerts.transport`) decides what happens next, the same for every destination:

- :class:`RetryLater` → hold the channel ``after`` seconds, or a doubling backoff, and send the
  same row again (never dropped; a timeout may have delivered: at-least-once);
- :class:`Unreachable` → put the row back, pause this channel, tell the admin chat;
- :class:`Refused` → one step down the ladder of :func:`~bot.alerts.outgoing.rungs` that the
  refusal says may help: text with the media as links, plain text, a minimal alert; when even
  that is refused, or nothing simpler can help, the row is marked failed with the reason
  (``sahelwatch stats`` lists it) and the admin chat is told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.alerts import outbox
from bot.alerts.format import NO_LABELS, Labels
from bot.alerts.limits import DEFAULT_LIMITS, AlertLimits
from bot.alerts.outgoing import Outgoing, alert, next_rung, rungs
from bot.alerts.pacing import Pacer, Sleep, sleep_unless
from bot.alerts.reports import Reports
from bot.alerts.rich import Rich
from bot.alerts.transport import Parcel, Refused, RetryLater, Target, Transport, TransportError, Unreachable
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
    ref = outbox.sent_ref(store, original)
    if ref is None:  # not sent yet: it will show the reports when it goes out
        return None
    return Outgoing(row.channel, out.rich, edit_ref=ref, edit_caption=bool(out.media), links=out.links)


def _alerted_post(store: Store, alert_key: str) -> Post | None:
    key = store.scalar(
        "SELECT p.key FROM outbox o JOIN posts p ON p.id = o.post_id WHERE o.alert_key = ?", (alert_key,)
    )
    return load_post(store, str(key)) if key else None


class ChannelSender:
    def __init__(self, chat_id: str, store: Store, transport: Transport, pacer: Pacer, report: Report, sleep: Sleep,
                 *, max_backoff: float = 30.0, where: str = "", limits: AlertLimits = DEFAULT_LIMITS,
                 labels: Callable[[], Labels] = lambda: NO_LABELS, held: Callable[[], bool] = lambda: False,
                 target: Callable[[], Target | None] = lambda: None) -> None:
        self.chat_id = chat_id
        self.labels = labels
        self.limits = limits
        self.store, self.transport, self.pacer, self.report, self.sleep = store, transport, pacer, report, sleep
        self.max_backoff = max_backoff
        self.where = where
        self.held = held  # an admin paused the channel: stop claiming (rows stay pending)
        self.target = target  # the channel's options in channels.yaml now (webhook URL…)
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
                await sleep_unless(stop, asyncio.sleep, idle, wake)
                continue
            if not await self.deliver(row, stop):
                return

    async def deliver(self, row: outbox.OutboxRow, stop: asyncio.Event) -> bool:
        """Send one claimed row to completion; False when the channel had to pause."""
        out = await self._render(row)
        if out is None:
            return True
        ladder = rungs(out)
        rung, tried, backoff = ladder[0], [], 0.5
        while True:
            if not await self.pacer.acquire(self.chat_id, out.count if rung.content == "media" else 1, stop):
                outbox.release(self.store, row.id, "stopped before sending")
                return True
            try:
                ref = await self.transport.send(Parcel(row.alert_key, self.chat_id, row.kind, out, rung, self.target()))
            except RetryLater as exc:
                backoff = self._hold(exc, backoff)
                continue
            except Unreachable as exc:
                return await self._pause(row, exc)
            except Refused as exc:
                tried.append(f"{rung}: {exc}")
                lower = next_rung(ladder, rung, exc.simpler)
                if lower is None:
                    return await self._give_up(row, exc, tried)
                log.warning(f"{self.transport.name} refused alert, trying a simpler form", extra={
                    "next": str(lower), "channel": self.chat_id, "key": row.alert_key, "error": str(exc)})
                rung = lower
                continue
            outbox.mark_sent(self.store, row.id, ref)  # at once: no await between send and record
            self.sent += 1
            return True

    async def _render(self, row: outbox.OutboxRow) -> Outgoing | None:
        """The row's message; None when the row is finished without a send (nothing to send, or
        it cannot be formatted: then it is failed and reported, and the channel goes on)."""
        try:
            out = render(self.store, row, self.limits, self.labels())
        except Exception as exc:  # a post we cannot even format must not stop its channel
            log.exception("alert could not be formatted", extra={"channel": self.chat_id, "key": row.alert_key})
            await self._fail(row, f"could not be formatted: {type(exc).__name__}: {exc}")
            return None
        if out is None:
            outbox.mark_sent(self.store, row.id, "")
        return out

    def _hold(self, exc: RetryLater, backoff: float) -> float:
        """Hold the channel ``exc.after`` seconds, or ``backoff``; return the next backoff."""
        wait = exc.after if exc.after is not None else backoff
        log.warning(f"{self.transport.name} send retry",
                    extra={"channel": self.chat_id, "wait_s": wait, "error": str(exc)})
        self.pacer.hold(self.chat_id, wait)
        return min(backoff * 2, self.max_backoff)

    async def _pause(self, row: outbox.OutboxRow, exc: TransportError) -> bool:
        reason = exc.reason
        outbox.release(self.store, row.id, reason)
        self.paused_reason = reason
        log.error(f"{self.transport.name} channel paused", extra={"channel": self.chat_id, "reason": reason})
        await self.report(f"Channel {self.chat_id} paused{self.where}: {reason}. "
                          "Its alerts are kept and go out once the bot can post there again.")
        return False

    async def _give_up(self, row: outbox.OutboxRow, exc: TransportError, tried: list[str]) -> bool:
        steps = f" (tried {len(tried)} ways: {'; '.join(tried)})" if len(tried) > 1 else ""
        return await self._fail(row, exc.reason + steps)

    async def _fail(self, row: outbox.OutboxRow, reason: str) -> bool:
        outbox.mark_failed(self.store, row.id, reason)
        log.error(f"{self.transport.name} alert failed",
                  extra={"channel": self.chat_id, "key": row.alert_key, "reason": reason})
        await self.report(f"Alert {row.alert_key} could not be delivered to {self.chat_id}: {reason}")
        return True
