"""Health in the admin chat: one message when a problem starts, one when it ends, nothing between.

Every ``SAHELWATCH_HEALTH_SECONDS`` the monitor lists the problems open now, each under a
stable key: a channel paused (Telegram refused it, or ``/pause``), the outbox holding more
than ``SAHELWATCH_HEALTH_OUTBOX`` messages,
less than ``SAHELWATCH_HEALTH_DISK_PERCENT`` % free disk under the database, alerts that could
not be delivered in the last hour. A key that appears is announced; a key that disappears gets
an "ended" message. The open keys are kept in SQLite (``state['health:open']``), so a restart
neither repeats an open problem nor forgets to say it ended. A message Telegram does not take
is tried again at the next check. Sources are not watched here: the sources kit's supervisor
(:mod:`bot.sources.monitor`) tells the admin chat once when a source fails and once when it
recovers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot.commands.services import Services
from bot.commands.status import SENDABLE
from bot.store.state import get_state, put_state

log = logging.getLogger(__name__)
STATE_KEY = "health:open"
Send = Callable[[str], Awaitable[bool]]
DiskUsage = Callable[[Path], tuple[int, int]]  # (free, total) bytes


def disk_usage(path: Path) -> tuple[int, int]:
    usage = shutil.disk_usage(path if path.is_dir() else path.parent)
    return usage.free, usage.total


def channel_problems(s: Services) -> dict[str, str]:
    found = {f"channel:{c}": f"Channel {c} is paused by an admin (/resume {c})."
             for c in sorted(s.controls.paused("channel"))}
    delivery = s.delivery
    for chat_id, sender in sorted(delivery.senders.items()) if delivery else ():
        if sender.paused_reason:
            found[f"channel:{chat_id}"] = f"Channel {chat_id} is paused: {sender.paused_reason[:300]}"
    return found


def store_problems(s: Services, usage: DiskUsage) -> dict[str, str]:
    found = {}
    pending = int(s.store.scalar(f"SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending') "
                                 f"AND kind IN {SENDABLE}") or 0)
    if pending > s.settings.health_outbox:
        found["outbox"] = f"The outbox is growing: {pending} messages wait (limit {s.settings.health_outbox})."
    since = (s.clock() - timedelta(hours=1)).isoformat()
    failed = int(s.store.scalar("SELECT count(*) FROM outbox WHERE state = 'failed' AND coalesce(claimed_at, "
                                "created_at) >= ?", (since,)) or 0)
    if failed:
        found["undeliverable"] = f"{failed} alert(s) could not be delivered in the last hour (/status)."
    free, total = usage(s.settings.db)
    if total and free * 100 / total < s.settings.health_disk_percent:
        found["disk"] = f"The database's disk is nearly full: {free * 100 / total:.1f} % free ({free / 1e9:.2f} GB)."
    return found


class HealthMonitor:
    def __init__(self, services: Services, send: Send, usage: DiskUsage = disk_usage) -> None:
        self.services = services
        self.send = send
        self.usage = usage

    def problems(self) -> dict[str, str]:
        s = self.services
        return {**channel_problems(s), **store_problems(s, self.usage)}

    async def check(self) -> None:
        store = self.services.store
        opened: dict[str, str] = json.loads(get_state(store, STATE_KEY) or "{}")
        now = self.problems()
        for key, message in now.items():
            if key not in opened and await self.send(f"⚠️ {message}"):
                opened[key] = message
        for key in [k for k in opened if k not in now]:
            if await self.send(f"✅ Ended: {opened[key]}"):
                del opened[key]
        with store.write() as db:
            put_state(db, STATE_KEY, json.dumps(opened, ensure_ascii=False))

    async def run(self, stop: asyncio.Event) -> None:
        interval = self.services.settings.health_seconds
        while not stop.is_set():
            try:
                await self.check()
            except Exception:  # a health check must never stop the bot
                log.exception("health check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
