"""/status and /sources: what the running bot is doing, read from its live state and the store."""

from __future__ import annotations

import importlib.metadata
from datetime import datetime
from pathlib import Path

from bot.commands.base import Call, Reply
from bot.commands.services import Services
from bot.sources.base import Source

SENDABLE = "('alert', 'similar', 'digest')"


def version() -> str:
    try:
        return importlib.metadata.version("sahelwatch")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.is_file())


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = int((now - when).total_seconds())
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m ago" if seconds >= 3600 else f"{seconds}s ago"


def source_state(s: Services, source: Source) -> str:
    if s.controls.source_paused(source.name):
        return "paused"
    h = source.health
    return "connected" if h.connected and h.state == "running" else h.state  # the supervisor's state


def source_line(s: Services, source: Source, now: datetime) -> str:
    h = source.health
    line = (f"• {source.name}: {source_state(s, source)}, {h.items} items, last item {_ago(h.last_item_at, now)}, "
            f"{h.errors} errors")
    return line + (f", last error: {h.last_error[:200]}" if h.last_error else "")


def outbox_lines(s: Services) -> list[str]:
    rows = s.store.query(
        "SELECT channel, sum(state IN ('pending', 'sending')) AS pending, sum(state = 'failed') AS failed "
        f"FROM outbox WHERE kind IN {SENDABLE} GROUP BY channel ORDER BY channel")
    held = s.controls.paused("channel")
    delivery = s.delivery
    lines = []
    for r in rows:
        sender = delivery.senders.get(r["channel"]) if delivery else None
        paused = r["channel"] in held or bool(sender and sender.paused_reason)
        lines.append(f"• {r['channel']}: {r['pending']} pending, {r['failed']} failed" + (", PAUSED" if paused else ""))
    return lines or ["• nothing queued"]


async def status(call: Call) -> Reply:
    s = call.services
    now = s.clock()
    last = s.store.scalar("SELECT max(sent_at) FROM outbox WHERE kind = 'alert' AND state = 'sent'")
    mutes = s.controls.muted()
    lines = [
        f"SahelWatch {version()}, up {_ago(s.started_at, now).removesuffix(' ago')}",
        "Sources:", *(source_line(s, src, now) for src in s.sources), *(["• none"] if not s.sources else []),
        f"Queue: {s.queue_depth()} post(s) waiting for the pipeline",
        "Outbox per channel:", *outbox_lines(s),
        f"Last alert sent: {_ago(datetime.fromisoformat(str(last)), now) if last else 'never'}",
        f"Database: {db_size(s.settings.db) / 1e6:.1f} MB",
        f"Muted topics: {', '.join(sorted(mutes)) if mutes else 'none'}",
    ]
    return "\n".join(lines)


async def sources(call: Call) -> Reply:
    s = call.services
    if not s.sources:
        return "No source runs in this bot."
    now = s.clock()
    return "\n".join(["Sources (/pause NAME, /resume NAME):", *(source_line(s, src, now) for src in s.sources)])
