"""Re-run the match stage over stored posts after a watchlist change (``sahelwatch rematch``).

Only ``posts.topics``, ``posts.severity`` and the post's ``matches`` rows change; language,
duplicate_of and everything else stay as stored, and no outbox row is written (no alerts for old
posts). Posts are read a page at a time (``id > last`` … ``LIMIT``) and each page's changes are
written in ONE ``store.write()`` transaction. No read statement stays open across a write: a
pinned WAL snapshot would make ``BEGIN IMMEDIATE`` fail at once if the running bot had committed
in between.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bot.models import Match, Post
from bot.pipeline.base import Context
from bot.pipeline.match import Matcher, match
from bot.store.db import Store
from bot.store.posts import insert_matches, load_post
from bot.text import clean

BATCH = 500
EXCERPT = 80


@dataclass(frozen=True)
class Example:
    """One post that gained or lost a topic: when, an excerpt around the match, the terms."""

    created_at: datetime
    excerpt: str
    terms: tuple[str, ...]


@dataclass
class RematchSummary:
    """What a rematch found: posts scanned and changed, topics gained and lost (posts per topic),
    and up to ``examples`` example posts per topic and direction (first found, storage order)."""

    scanned: int = 0
    changed: int = 0
    gained: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    examples: int = 0
    gained_examples: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))
    lost_examples: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))

    def record(self, old: Post, new: Post) -> None:
        self.changed += 1
        gained, lost = set(new.topics) - set(old.topics), set(old.topics) - set(new.topics)
        self.gained.update(gained)
        self.lost.update(lost)
        self._keep(self.gained_examples, gained, new)
        self._keep(self.lost_examples, lost, old)

    def _keep(self, kept: dict[str, list[Example]], topics: set[str], post: Post) -> None:
        for topic in topics:
            if len(kept[topic]) < self.examples:
                kept[topic].append(example(post, topic))


def example(post: Post, topic: str, width: int = EXCERPT) -> Example:
    """The post's time, ``width`` characters of its text around its first match of ``topic``
    (one line, invisible and control characters removed) and the terms that matched it."""
    hits = [m for m in post.matches if m.topic == topic]
    start = max(0, hits[0].start - width // 3) if hits else 0
    window = clean(post.text[start:start + width])
    excerpt = ("…" if start else "") + window + ("…" if start + width < len(post.text) else "")
    return Example(post.created_at, excerpt, tuple(dict.fromkeys(m.term for m in hits)))


def rematch(store: Store, matcher: Matcher, since: datetime | None = None, *,
            dry_run: bool = False, batch: int = BATCH, examples: int = 0) -> RematchSummary:
    """Match stored posts (created at or after ``since``) again with ``matcher``; with ``dry_run``
    count what would change and write nothing. Keeps up to ``examples`` posts per topic gained
    and lost."""
    summary = RematchSummary(examples=examples)
    context = Context(store=store, extras={"watchlist": matcher})
    for page in _pages(store, since, batch):
        changes: list[tuple[int, Post]] = []
        for row_id, key in page:
            old = load_post(store, key)
            if old is None:  # deleted since the page was read
                continue
            summary.scanned += 1
            new = match(old, context)
            if differs(old, new):
                summary.record(old, new)
                changes.append((row_id, new))
        if changes and not dry_run:
            _write(store, changes)
    return summary


def differs(old: Post, new: Post) -> bool:
    """Whether the match stage's output changed (match order in the DB does not count)."""
    return (old.topics, old.severity, _match_set(old.matches)) != (new.topics, new.severity, _match_set(new.matches))


def _match_set(matches: tuple[Match, ...]) -> list[tuple[int, int, str, str, bool]]:
    return sorted((m.start, m.end, m.topic, m.term, m.evasion) for m in matches)


def _pages(store: Store, since: datetime | None, size: int) -> Iterator[list[tuple[int, str]]]:
    """(row id, key) of stored posts in storage order, ``size`` at a time."""
    where, params = ("AND created_at >= ?", (since.isoformat(),)) if since else ("", ())
    last = 0
    while True:
        rows = store.query(f"SELECT id, key FROM posts WHERE id > ? {where} ORDER BY id LIMIT ?",
                           (last, *params, size))
        if not rows:
            return
        yield [(r["id"], r["key"]) for r in rows]
        last = rows[-1]["id"]


def _write(store: Store, changes: list[tuple[int, Post]]) -> None:
    with store.write() as db:
        for row_id, post in changes:
            db.execute("UPDATE posts SET topics = ?, severity = ? WHERE id = ?",
                       (json.dumps(list(post.topics)), post.severity, row_id))
            db.execute("DELETE FROM matches WHERE post_id = ?", (row_id,))
            insert_matches(db, post.matches, row_id)
