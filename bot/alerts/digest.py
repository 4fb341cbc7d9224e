"""Digests: routine posts of a period, one message (or a few) per channel, exactly once.

The schedule lives in SQLite, not in memory: ``state['digest:<chat>']`` holds the end of the
last period digested. When ``now`` passes the next period's end, one transaction takes the
channel's held items, writes the digest outbox rows (keyed by channel and period start), marks
the items digested and moves the watermark. A restart therefore neither skips nor repeats a
period; an empty period moves the watermark and sends nothing. Periods are aligned to the
cadence (hourly digests close on the hour, UTC).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import sqlite_utils

from bot.alerts import format as fmt
from bot.alerts.outbox import insert
from bot.alerts.rich import Rich, bold, text
from bot.alerts.routing import ChannelRule, Routing
from bot.models import Post
from bot.store.db import Store
from bot.store.posts import load_post
from bot.store.state import get_state, put_state

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def watermark_key(chat_id: str) -> str:
    return f"digest:{chat_id}"


def period_floor(now: datetime, cadence: timedelta) -> datetime:
    return EPOCH + ((now - EPOCH) // cadence) * cadence


def run_due(store: Store, routing: Routing, now: datetime) -> int:
    """Build every digest that is due at ``now``; return how many digest rows were written."""
    written = 0
    for rule in routing.channels:
        if rule.digest is not None:
            written += _run_channel(store, rule, rule.digest, now)
    return written


def _run_channel(store: Store, rule: ChannelRule, cadence: timedelta, now: datetime) -> int:
    last = get_state(store, watermark_key(rule.chat_id))
    if last is None:  # first run: the current period starts the schedule
        with store.write() as db:
            put_state(db, watermark_key(rule.chat_id), period_floor(now, cadence).isoformat())
        return 0
    start, written = datetime.fromisoformat(last), 0
    while start + cadence <= now:
        written += build_period(store, rule, start, start + cadence, now)
        start += cadence
    return written


def build_period(store: Store, rule: ChannelRule, start: datetime, end: datetime, now: datetime) -> int:
    """One period of one channel, in one transaction. Returns the number of messages."""
    with store.write() as db:
        items = db.execute(
            "SELECT o.id, p.key FROM outbox o JOIN posts p ON p.id = o.post_id WHERE o.channel = ? "
            "AND o.kind = 'item' AND o.state = 'held' AND o.created_at < ? ORDER BY o.id",
            (rule.chat_id, end.isoformat()),
        ).fetchall()
        posts = [p for _, key in items if (p := load_post(store, key)) is not None]
        messages = digest_messages(rule, start, end, posts) if posts else []
        for number, message in enumerate(messages, start=1):
            payload = {"html": message.html, "plain": message.plain, "period": start.isoformat()}
            insert(db, f"digest:{rule.chat_id}:{start.isoformat()}:{number}", rule.chat_id, "digest", None,
                   now, payload)
        _mark_digested(db, [item_id for item_id, _ in items])
        put_state(db, watermark_key(rule.chat_id), end.isoformat())
    return len(messages)


def _mark_digested(db: sqlite_utils.Database, ids: list[int]) -> None:
    db.conn.executemany("UPDATE outbox SET state = 'digested' WHERE id = ?", [(i,) for i in ids])


def digest_messages(rule: ChannelRule, start: datetime, end: datetime, posts: list[Post]) -> list[Rich]:
    """Header (period, counts per topic and language), then per topic one line per story."""
    sections = stories_by_topic(rule, posts)
    topic_counts = {t: sum(1 + n for _, n in stories) for t, stories in sections.items()}
    languages = Counter(p.lang or "und" for p in posts)
    lines = [fmt.digest_title(start, end, len(posts)), fmt.counts_line("Topics", topic_counts),
             fmt.counts_line("Languages", dict(languages))]
    for topic in sorted(sections, key=lambda t: (-topic_counts[t], t)):
        lines.append(text("\n") + bold(topic))
        lines.extend(fmt.story_line(post, similar) for post, similar in sections[topic])
    return fmt.pack(lines, fmt.continued_title(start, end))


def story_key(post: Post) -> str:
    """The story a post belongs to (its copies' original without the story stage)."""
    return post.story.key if post.story else post.duplicate_of or post.key


def stories_by_topic(rule: ChannelRule, posts: list[Post]) -> dict[str, list[tuple[Post, int]]]:
    """Per topic: (first post of the story, number of other posts), newest story first. A story
    is listed once, under the first topic of its first post that this channel shows."""
    groups: dict[tuple[str, str], list[Post]] = defaultdict(list)
    placed: dict[str, str] = {}
    for post in sorted(posts, key=lambda p: p.created_at):
        topics = rule.topics_of(post)
        if topics:
            topic = placed.setdefault(story_key(post), topics[0])
            groups[(topic, story_key(post))].append(post)
    sections: dict[str, list[tuple[Post, int]]] = defaultdict(list)
    for (topic, root), members in groups.items():
        first = next((p for p in members if p.key == root), min(members, key=lambda p: p.created_at))
        sections[topic].append((first, len(members) - 1))
    for stories in sections.values():
        stories.sort(key=lambda s: s[0].created_at, reverse=True)
    return dict(sections)
