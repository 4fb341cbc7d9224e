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
            written += _run_channel(store, rule, rule.digest, now, routing.labels)
    return written


def _run_channel(store: Store, rule: ChannelRule, cadence: timedelta, now: datetime,
                 labels: fmt.Labels = fmt.NO_LABELS) -> int:
    last = get_state(store, watermark_key(rule.chat_id))
    if last is None:  # first run: the current period starts the schedule
        with store.write() as db:
            put_state(db, watermark_key(rule.chat_id), period_floor(now, cadence).isoformat())
        return 0
    start, written = datetime.fromisoformat(last), 0
    while start + cadence <= now:
        written += build_period(store, rule, start, start + cadence, now, labels)
        start += cadence
    return written


def build_period(store: Store, rule: ChannelRule, start: datetime, end: datetime, now: datetime,
                 labels: fmt.Labels = fmt.NO_LABELS) -> int:
    """One period of one channel, in one transaction. Returns the number of messages."""
    with store.write() as db:
        items = db.execute(
            "SELECT o.id, p.key FROM outbox o JOIN posts p ON p.id = o.post_id WHERE o.channel = ? "
            "AND o.kind = 'item' AND o.state = 'held' AND o.created_at < ? ORDER BY o.id",
            (rule.chat_id, end.isoformat()),
        ).fetchall()
        posts = [p for _, key in items if (p := load_post(store, key)) is not None]
        messages = digest_messages(rule, start, end, posts, labels) if posts else []
        for number, message in enumerate(messages, start=1):
            payload = {"html": message.html, "plain": message.plain, "period": start.isoformat()}
            insert(db, f"digest:{rule.chat_id}:{start.isoformat()}:{number}", rule, "digest", None,
                   now, payload)
        _mark_digested(db, [item_id for item_id, _ in items])
        put_state(db, watermark_key(rule.chat_id), end.isoformat())
    return len(messages)


def _mark_digested(db: sqlite_utils.Database, ids: list[int]) -> None:
    db.conn.executemany("UPDATE outbox SET state = 'digested' WHERE id = ?", [(i,) for i in ids])


def digest_messages(rule: ChannelRule, start: datetime, end: datetime, posts: list[Post],
                    labels: fmt.Labels = fmt.NO_LABELS) -> list[Rich]:
    """Header (period, posts per topic and language), then per country one line per story:
    a story is listed once whatever its topics, with "+N similar" for its other posts."""
    stories = channel_stories(rule, posts)
    topic_counts: Counter[str] = Counter()
    for post in posts:
        topic_counts.update(fmt.shown_topics(rule.topics_of(post), labels))
    languages = Counter(p.lang or "und" for p in posts)
    lines = [fmt.digest_title(start, end, len(posts)), fmt.counts_line("Topics", dict(topic_counts)),
             fmt.counts_line("Languages", dict(languages))]
    by_country: dict[str, list[tuple[Post, int]]] = defaultdict(list)
    for first, others in stories:
        by_country[fmt.country_name(first)].append((first, others))
    for country in sorted(by_country, key=lambda c: (c == fmt.NO_COUNTRY, -len(by_country[c]), c)):
        lines.append(text("\n") + bold(country))
        lines.extend(fmt.story_line(post, similar) for post, similar in by_country[country])
    return fmt.pack(lines, fmt.continued_title(start, end))


def story_key(post: Post) -> str:
    """The story a post belongs to (its copies' original without the story stage)."""
    return post.story.key if post.story else post.duplicate_of or post.key


def channel_stories(rule: ChannelRule, posts: list[Post]) -> list[tuple[Post, int]]:
    """(first post of each story, number of its other posts), newest story first."""
    groups: dict[str, list[Post]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: p.created_at):
        if rule.topics_of(post):
            groups[story_key(post)].append(post)
    stories = [(next((p for p in members if p.key == root), members[0]), len(members) - 1)
               for root, members in groups.items()]
    return sorted(stories, key=lambda s: s[0].created_at, reverse=True)
