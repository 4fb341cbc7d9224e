"""Persisting posts: one transaction holds the post, its matches and media, the rows the
post hooks add (dedupe index, outbox) and the source cursor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.models import Casualties, Match, Media, Place, Post, Refs, StoryRef, utcnow
from bot.store.db import Store
from bot.store.sources import remember
from bot.store.state import put_cursor


@dataclass(frozen=True)
class Saved:
    """The outcome of :func:`save_post`: the row id and whether the post was new."""

    row_id: int
    new: bool


def _iso(value: datetime) -> str:
    return value.isoformat()


def post_row(post: Post) -> dict[str, object]:
    return {
        "platform": post.platform, "platform_id": post.platform_id, "key": post.key,
        "url": post.url, "author_id": post.author_id, "author_handle": post.author_handle,
        "author_name": post.author_name, "created_at": _iso(post.created_at),
        "collected_at": _iso(post.collected_at), "stored_at": _iso(utcnow()),
        "text": post.text, "lang_hint": post.lang_hint,
        "norm_text": None,  # derived again by clean(text) where needed: the text is not stored twice
        "lang": post.lang, "lang_conf": post.lang_conf, "lang_detector": post.lang_detector,
        "content_hash": post.content_hash, "duplicate_of": post.duplicate_of,
        "topics": json.dumps(list(post.topics)), "severity": post.severity,
        "places": json.dumps(list(post.places), ensure_ascii=False),
        "repost_of": post.refs.repost_of, "quote_of": post.refs.quote_of,
        "reply_to": post.refs.reply_to, "raw": post.raw, "truncated": int(post.truncated),
        **place_columns(post.place), "event": post.event,
        "killed": post.casualties.killed, "wounded": post.casualties.wounded,
        "kidnapped": post.casualties.kidnapped, "links": json.dumps(list(post.links), ensure_ascii=False),
    }


def place_columns(place: Place | None) -> dict[str, object]:
    """The ``posts`` columns holding ``place`` (all NULL when there is none)."""
    if place is None:
        return dict.fromkeys(("country", "place", "admin1", "lat", "lon", "place_why"))
    return {
        "country": place.country, "place": place.name, "admin1": place.admin1,
        "lat": place.lat, "lon": place.lon, "place_why": place.why,
    }


def _place(row: dict) -> Place | None:
    if row.get("country") is None:
        return None
    return Place(row["country"], row["place"], row["admin1"], row["lat"], row["lon"], row["place_why"] or "")


def insert_matches(db: sqlite_utils.Database, matches: tuple[Match, ...], row_id: int) -> None:
    """The ``matches`` rows of post ``row_id`` (inside the caller's write transaction)."""
    db.conn.executemany(
        'INSERT INTO matches (post_id, topic, term, start, "end", evasion) VALUES (?, ?, ?, ?, ?, ?)',
        [(row_id, m.topic, m.term, m.start, m.end, int(m.evasion)) for m in matches],
    )


def _insert_children(db: sqlite_utils.Database, post: Post, row_id: int) -> None:
    """Matches, media and links of a new post (most posts have none of some: no statement then)."""
    if post.matches:
        insert_matches(db, post.matches, row_id)
    if post.media:
        db.conn.executemany(
            "INSERT INTO media (post_id, position, kind, url, preview_url, width, height, duration_ms, alt_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(row_id, i, m.kind, m.url, m.preview_url, m.width, m.height, m.duration_ms, m.alt_text)
             for i, m in enumerate(post.media)],
        )
    if post.links:
        db.conn.executemany("INSERT OR IGNORE INTO post_links (url, post_id) VALUES (?, ?)",
                            [(url, row_id) for url in post.links])


def save_post(store: Store, post: Post, *, source: str | None = None, cursor: str | None = None,
              alert: bool = True, seen: str | None = None) -> Saved:
    """Store ``post`` once. A post already stored is a no-op reported as ``new=False``.

    The cursor (if given) and the source's remembered item id ``seen`` are committed in the same
    transaction, duplicate or not. ``alert=False`` stores the post without running the store's
    ``alert_hooks`` (history found on the first poll of a new feed: stored, not news).
    """
    with store.write() as db:
        saved = save_in(store, db, post, alert)
        if source is not None:
            source_state(db, source, cursor, seen)
    return saved


def source_state(db: sqlite_utils.Database, source: str, cursor: str | None, seen: str | None) -> None:
    """Write a source's cursor and remembered item (inside the caller's transaction)."""
    if cursor is not None:
        put_cursor(db, source, cursor)
    if seen is not None:
        remember(db, source, seen)


def save_batch(
    store: Store, posts: list[Post], *, source: str | None = None, cursor: str | None = None
) -> list[Saved]:
    """Store several posts (e.g. one backfill page) and the cursor covering them in ONE transaction."""
    with store.write() as db:
        saved = [save_in(store, db, post) for post in posts]
        if source is not None and cursor is not None:
            put_cursor(db, source, cursor)
    return saved


def save_in(store: Store, db: sqlite_utils.Database, post: Post, alert: bool = True) -> Saved:
    """Insert ``post`` (children, post hooks; alert hooks unless ``alert`` is False) inside the
    caller's open write transaction."""
    row = post_row(post)
    inserted = db.execute(
        f"INSERT INTO posts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) "
        "ON CONFLICT DO NOTHING RETURNING id",
        tuple(row.values()),
    ).fetchone()
    if inserted is None:
        return Saved(int(db.execute("SELECT id FROM posts WHERE key = ?", (post.key,)).fetchone()[0]), False)
    _insert_children(db, post, inserted[0])
    for hook in store.post_hooks:
        hook(db, post, inserted[0])
    for hook in store.alert_hooks if alert else ():
        hook(db, post, inserted[0])
    return Saved(inserted[0], True)


def load_post(store: Store, key: str) -> Post | None:
    """Rebuild a stored Post (with matches and media) from its key."""
    rows = store.query("SELECT * FROM posts WHERE key = ?", (key,))
    return _from_row(store, rows[0]) if rows else None


def iter_posts(store: Store, since: datetime | None = None) -> Iterator[Post]:
    """Stored posts in storage order, optionally those created at or after ``since``."""
    where, params = ("WHERE created_at >= ?", (_iso(since),)) if since else ("", ())
    for row in store.db.query(f"SELECT * FROM posts {where} ORDER BY id", params):
        yield _from_row(store, row)


def recent_texts(store: Store, limit: int) -> list[str]:
    """The texts of the ``limit`` most recently stored posts (to learn the words posts use)."""
    return [row["text"] for row in store.query("SELECT text FROM posts ORDER BY id DESC LIMIT ?", (limit,))]


def _from_row(store: Store, row: dict) -> Post:
    matches = tuple(
        Match(r["topic"], r["term"], r["start"], r["end"], bool(r["evasion"]))
        for r in store.query("SELECT * FROM matches WHERE post_id = ? ORDER BY start, id", (row["id"],))
    )
    media = tuple(
        Media(**{k: r[k] for k in ("kind", "url", "preview_url", "width", "height", "duration_ms", "alt_text")})
        for r in store.query("SELECT * FROM media WHERE post_id = ? ORDER BY position", (row["id"],))
    )
    return Post(
        platform=row["platform"], platform_id=row["platform_id"], text=row["text"],
        created_at=datetime.fromisoformat(row["created_at"]), url=row["url"] or "",
        author_id=row["author_id"] or "", author_handle=row["author_handle"] or "",
        author_name=row["author_name"] or "", collected_at=datetime.fromisoformat(row["collected_at"]),
        lang_hint=row["lang_hint"], media=media,
        refs=Refs(row["repost_of"], row["quote_of"], row["reply_to"]), raw=row["raw"] or "",
        truncated=bool(row["truncated"]),
        norm_text=row["norm_text"], lang=row["lang"], lang_conf=row["lang_conf"],
        lang_detector=row["lang_detector"], content_hash=row["content_hash"],
        duplicate_of=row["duplicate_of"], matches=matches, topics=tuple(json.loads(row["topics"])),
        severity=row["severity"], places=tuple(json.loads(row["places"])),
        place=_place(row), event=row["event"],
        casualties=Casualties(row["killed"], row["wounded"], row["kidnapped"]),
        links=tuple(json.loads(row["links"])), story=_story(store, row["story_id"]),
    )


def _story(store: Store, story_id: int | None) -> StoryRef | None:
    key = store.scalar("SELECT key FROM stories WHERE id = ?", (story_id,)) if story_id is not None else None
    return StoryRef(str(key)) if key else None
