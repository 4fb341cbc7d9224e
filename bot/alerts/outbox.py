"""The outbox table: what must reach a destination, written in the same transaction as the post.

Row kinds and states::

    alert    pending → sending → sent | failed     one immediate alert for a story (``alert:``), or
                                                   its one severity update (``update:``)
    similar  pending → sending → sent              a later report of an alerted story: edit the
                                                   alert's "+N reports: fr, ar, ha" line
    digest   pending → sending → sent | failed     one digest message (built at the period's end)
    item     held → digested                       a routine post waiting for its channel's digest

A sender claims the oldest ``pending`` or ``sending`` row of its channel (``sending`` rows are
the ones a crash left behind: they are sent again, so delivery is at-least-once with at most
one duplicate per channel per crash), then records at once the destination's reference of
what it sent (``message_ref``: Telegram message ids, a webhook receiver's id). ``transport``
names the transport that sends the row (:mod:`bot.alerts.transport`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.alerts.routing import ChannelRule, Routing
from bot.models import Post, utcnow
from bot.store.db import PostHook, Store

Clock = Callable[[], datetime]
SENDABLE = ("alert", "similar", "digest")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    alert_key: str
    channel: str
    kind: str
    post_id: int | None
    payload: dict[str, object]
    attempts: int
    transport: str = "telegram"


def insert(db: sqlite_utils.Database, key: str, rule: ChannelRule, kind: str, post_id: int | None,
           created_at: datetime, payload: dict[str, object] | None = None, state: str = "pending") -> None:
    db.execute(
        "INSERT INTO outbox (alert_key, channel, transport, kind, post_id, payload, state, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_key) DO NOTHING",
        (key, rule.chat_id, rule.transport, kind, post_id, json.dumps(payload or {}, ensure_ascii=False), state,
         created_at.isoformat()),
    )


def enqueue_hook(routing: Callable[[], Routing], clock: Clock = utcnow) -> PostHook:
    """A store hook: route each new post to its channels inside the post's transaction.

    A channel that already has the post's story alerted gets no new alert: an edit of that
    alert (kind ``similar``), and once per story a second alert when the post says why
    (:attr:`~bot.models.StoryRef.update`: more dead, a new place)."""

    def hook(db: sqlite_utils.Database, post: Post, row_id: int) -> None:
        now = clock()
        alerted = story_alerts(db, post)
        for rule in routing().channels:
            original = alerted.get(rule.chat_id)
            if original is not None:
                insert(db, f"similar:{rule.chat_id}:{post.key}", rule, "similar", row_id, now,
                       {"original": original})
                if post.story and post.story.update and rule.wants(post) and rule.immediate(post):
                    insert(db, f"update:{rule.chat_id}:{post.story.key}", rule, "alert", row_id, now,
                           {"update": post.story.update})
                continue
            if not rule.wants(post):
                continue
            if post.duplicate_of and _enqueue_similar(db, rule, post, row_id, now):
                continue  # the story was alerted here: never again, only its count changes
            if rule.immediate(post):
                insert(db, f"alert:{rule.chat_id}:{post.key}", rule, "alert", row_id, now)
            else:
                insert(db, f"item:{rule.chat_id}:{post.key}", rule, "item", row_id, now, state="held")

    return hook


def story_alerts(db: sqlite_utils.Database, post: Post) -> dict[str, str]:
    """Per channel, the key of the first alert of ``post``'s story (none for a new story)."""
    if post.story is None or post.story.key == post.key:
        return {}
    rows = db.execute(  # the story's first post (alone until now: no story row yet) and its members
        "SELECT o.channel, o.alert_key FROM outbox o JOIN posts p ON p.id = o.post_id"
        " WHERE (p.key = ? OR p.story_id = (SELECT id FROM stories WHERE key = ?)) AND o.kind = 'alert'"
        " AND o.alert_key LIKE 'alert:%' ORDER BY o.id",
        (post.story.key, post.story.key),
    ).fetchall()
    found: dict[str, str] = {}
    for channel, key in rows:
        found.setdefault(channel, key)
    return found


def _enqueue_similar(db: sqlite_utils.Database, rule: ChannelRule, post: Post, row_id: int, now: datetime) -> bool:
    """When the original was alerted in this channel, queue a refresh of its "+N similar" line."""
    original = f"alert:{rule.chat_id}:{post.duplicate_of}"
    if not db.execute("SELECT 1 FROM outbox WHERE alert_key = ?", (original,)).fetchone():
        return False
    insert(db, f"similar:{rule.chat_id}:{post.key}", rule, "similar", row_id, now, {"original": original})
    return True


def claim_next(store: Store, channel: str, now: datetime | None = None) -> OutboxRow | None:
    """Mark the channel's oldest unsent row ``sending`` (attempts + 1) and return it."""
    with store.write() as db:
        row = db.execute(
            "SELECT id, alert_key, channel, kind, post_id, payload, attempts, transport FROM outbox "
            f"WHERE channel = ? AND state IN ('pending', 'sending') AND kind IN {SENDABLE} "
            "ORDER BY id LIMIT 1",
            (channel,),
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_at = ? WHERE id = ?",
            ((now or utcnow()).isoformat(), row[0]),
        )
    return OutboxRow(row[0], row[1], row[2], row[3], row[4], json.loads(row[5] or "{}"), row[6] + 1, row[7])


def mark_sent(store: Store, row_id: int, ref: str, now: datetime | None = None) -> None:
    """Record the destination's reference of what was sent ('' when there is none)."""
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, message_ref = ?, error = NULL WHERE id = ?",
            ((now or utcnow()).isoformat(), ref, row_id),
        )


def mark_failed(store: Store, row_id: int, error: str) -> None:
    with store.write() as db:
        db.execute("UPDATE outbox SET state = 'failed', error = ? WHERE id = ?", (error[:500], row_id))


def release(store: Store, row_id: int, error: str) -> None:
    """Put a claimed row back (channel paused): it is sent first when the channel resumes."""
    with store.write() as db:
        db.execute("UPDATE outbox SET state = 'pending', error = ? WHERE id = ?", (error[:500], row_id))


def channels_with_work(store: Store) -> dict[str, str]:
    """Channel → the transport of its oldest unsent row, for every channel with rows to send."""
    rows = store.query(
        "SELECT channel, transport FROM outbox WHERE id IN (SELECT min(id) FROM outbox "
        f"WHERE state IN ('pending', 'sending') AND kind IN {SENDABLE} GROUP BY channel)"
    )
    return {r["channel"]: r["transport"] for r in rows}


def sent_ref(store: Store, alert_key: str) -> str | None:
    """The destination's reference of a sent row (what an edit of it needs), if any."""
    value = store.scalar("SELECT message_ref FROM outbox WHERE alert_key = ? AND state = 'sent'", (alert_key,))
    return str(value) if value else None


def similar_count(store: Store, post_key: str) -> int:
    return int(store.scalar("SELECT count(*) FROM posts WHERE duplicate_of = ?", (post_key,)) or 0)
