"""The stories tables as the story stage and the alerts read them, and the store hook that
writes them (inside each new post's write transaction).

``stories`` holds one row per incident reported by two posts or more: its key (the first
post's key), first and last report times, where and what (from its posts: the first place,
the highest numbers), how many posts and which languages and places. ``posts.story_id`` links
each of its posts to it. A post alone has no row and a NULL ``story_id`` (its story key is its
own key): most posts stay alone, and ingest pays nothing for them. The row is made when a
second post joins. ``post_links`` holds each post's canonical links. Everything a restart
needs is here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from bot.models import Casualties, Post

if TYPE_CHECKING:
    from bot.store.db import Store

CANDIDATES = 20
"""Rows read per post by :func:`reported_in` (best first: the exact place, then the earliest)."""


@dataclass(frozen=True)
class Reported:
    """One stored post of a candidate story, as incident matching needs it."""

    story: str
    place: str | None
    admin1: str | None
    event: str | None
    casualties: Casualties


@dataclass(frozen=True)
class StoryFacts:
    killed: int | None
    places: tuple[str, ...]


STORY_KEY = "coalesce(s.key, p.key)"
WITH_STORY = "posts p LEFT JOIN stories s ON s.id = p.story_id"


def story_of(db: Database, post_key: str) -> str | None:
    """The story key of a stored post (its own key when alone), or ``None`` if not stored."""
    row = db.execute(f"SELECT {STORY_KEY} FROM {WITH_STORY} WHERE p.key = ?", [post_key]).fetchone()
    return row[0] if row else None


def _span(moment: datetime, window: timedelta) -> list[str]:
    return [(moment - window).isoformat(), (moment + window).isoformat()]


def story_linking(db: Database, links: tuple[str, ...], moment: datetime, window: timedelta) -> str | None:
    """The earliest story with a post linking one of ``links`` within ``window`` of ``moment``."""
    if not links:
        return None
    marks = ", ".join("?" * len(links))
    row = db.execute(
        f"SELECT {STORY_KEY} FROM post_links l JOIN posts p ON p.id = l.post_id"
        " LEFT JOIN stories s ON s.id = p.story_id"
        f" WHERE l.url IN ({marks}) AND p.created_at BETWEEN ? AND ? ORDER BY p.created_at, p.id LIMIT 1",
        [*links, *_span(moment, window)],
    ).fetchone()
    return row[0] if row else None


def reported_in(db: Database, post: Post, window: timedelta, *, exact: bool,
                limit: int = CANDIDATES) -> Iterator[Reported]:
    """Posts within ``window`` of ``post`` that may report its incident, oldest first: at its very
    place (``exact``), else at its admin-1 region or at a place in it (when it is a region); in
    its country, with compatible numbers and event type (the SQL form of
    :func:`bot.pipeline.story.relation`, which checks each row again). An index range scan
    (``idx_posts_place``, ``idx_posts_admin1``) read in time order, which stops at ``limit``; rows
    are read as the caller iterates (most posts fit the first candidate or none)."""
    place = post.place
    if place is None:
        return iter(())
    span, cas = _span(post.created_at, window), post.casualties
    numbers = " AND ".join(f"(p.{col} IS NULL OR ? IS NULL OR abs(p.{col} - ?) <= max(3, max(p.{col}, ?) / 2))"
                           for col in ("killed", "wounded", "kidnapped"))
    if exact:
        where, args = "p.place = ?", [place.name]
        event, event_args = ("(p.event = ? OR p.event IS NULL)", [post.event]) if post.event else (
            "p.event IS NOT NULL", [])
    else:  # a parent or child place: both sides must name the same event type
        where = "(p.id IN (SELECT id FROM posts WHERE place = ? AND created_at BETWEEN ? AND ?)" \
                " OR p.id IN (SELECT id FROM posts WHERE admin1 = ? AND created_at BETWEEN ? AND ?))"
        args = [place.admin1 or place.name, *span, place.name, *span]
        event, event_args = "p.event = ?", [post.event]
    rows = db.execute(
        f"SELECT {STORY_KEY}, p.place, p.admin1, p.event, p.killed, p.wounded, p.kidnapped FROM {WITH_STORY}"
        f" WHERE {where} AND p.created_at BETWEEN ? AND ? AND p.country = ? AND {numbers} AND {event}"
        " ORDER BY p.created_at, p.id LIMIT ?",
        [*args, *span, place.country, *(v for n in (cas.killed, cas.wounded, cas.kidnapped) for v in (n, n, n)),
         *event_args, limit],
    )
    return (Reported(key, at, admin1, event, Casualties(k, w, n)) for key, at, admin1, event, k, w, n in rows)


def facts(db: Database, key: str) -> StoryFacts | None:
    """The story's highest toll and places so far (from its first post while it is alone)."""
    row = db.execute("SELECT killed, places FROM stories WHERE key = ?", [key]).fetchone()
    if row is None:
        row = db.execute("SELECT killed, coalesce(place, '') FROM posts WHERE key = ?", [key]).fetchone()
    if row is None:
        return None
    return StoryFacts(row[0], tuple(p for p in row[1].split("|") if p))


def _merged(old: str, value: str | None, sep: str) -> str:
    items = [i for i in old.split(sep) if i]
    return sep.join([*items, value] if value and value not in items else items)


def _higher(old: int | None, new: int | None) -> int | None:
    return new if old is None else old if new is None else max(old, new)


def save_story(db: Database, post: Post, post_row_id: int) -> None:
    """Store hook: a post joining a story updates it (creating it from its first post when this
    is the second), and is linked to it. A post alone writes nothing."""
    if post.story is None or post.story.key == post.key:
        return
    story_id = _story_row(db, post.story.key)
    row = db.execute("SELECT first_at, last_at, killed, wounded, kidnapped, languages, places FROM stories"
                     " WHERE id = ?", [story_id]).fetchone()
    _update(db, story_id, row, post)
    db.execute("UPDATE posts SET story_id = ? WHERE id = ?", [story_id, post_row_id])


def _story_row(db: Database, key: str) -> int:
    """The id of story ``key``, made from its first (stored) post when it has no row yet."""
    found = db.execute("SELECT id FROM stories WHERE key = ?", [key]).fetchone()
    if found:
        return int(found[0])
    first = db.execute("SELECT id, created_at, substr(text, 1, 200), country, place, admin1, lat, lon, event,"
                       " killed, wounded, kidnapped, coalesce(lang, 'und') FROM posts WHERE key = ?", [key]).fetchone()
    if first is None:  # its first post is not stored (cannot happen through the stage): start it empty
        first = (None, "9999", "", None, None, None, None, None, None, None, None, None, "")
    row_id, at, title, country, place, admin1, lat, lon, event, killed, wounded, kidnapped, lang = first
    cursor = db.execute(
        "INSERT INTO stories (key, title, first_at, last_at, country, place, admin1, lat, lon, event, killed,"
        " wounded, kidnapped, posts, languages, places) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, title, at, at, country, place, admin1, lat, lon, event, killed, wounded, kidnapped,
         int(row_id is not None), lang, place or ""],
    )
    story_id = int(cursor.lastrowid or 0)
    db.execute("UPDATE posts SET story_id = ? WHERE id = ?", [story_id, row_id])
    return story_id


def _update(db: Database, story_id: int, row: tuple, post: Post) -> None:
    first, last, killed, wounded, kidnapped, languages, places = row
    at, place, cas = post.created_at.isoformat(), post.place, post.casualties
    db.execute(
        "UPDATE stories SET first_at = ?, last_at = ?, killed = ?, wounded = ?, kidnapped = ?, posts = posts + 1,"
        " languages = ?, places = ?, country = coalesce(country, ?), place = coalesce(place, ?),"
        " admin1 = coalesce(admin1, ?), lat = coalesce(lat, ?), lon = coalesce(lon, ?),"
        " event = coalesce(event, ?) WHERE id = ?",
        [min(first, at), max(last, at), _higher(killed, cas.killed), _higher(wounded, cas.wounded),
         _higher(kidnapped, cas.kidnapped), _merged(languages, post.lang, ","),
         _merged(places, place and place.name, "|"), place and place.country, place and place.name,
         place and place.admin1, place and place.lat, place and place.lon, post.event, story_id],
    )


def install(store: Store) -> None:
    """Register the story hook on ``store`` once."""
    if save_story not in store.post_hooks:
        store.post_hooks.append(save_story)


@dataclass(frozen=True)
class Report:
    lang: str
    url: str


def reports(db: Database, post_key: str) -> tuple[Report, ...]:
    """The other posts of ``post_key``'s story and its copies (``duplicate_of``), oldest first,
    for "+3 reports: fr, ar, ha"."""
    rows = db.execute(
        "SELECT coalesce(o.lang, 'und'), coalesce(o.url, '') FROM posts p JOIN posts o"
        " ON o.story_id = p.story_id OR o.duplicate_of = p.key"
        " WHERE p.key = ? AND o.id != p.id ORDER BY o.created_at, o.id",
        [post_key],
    ).fetchall()
    return tuple(Report(lang, url) for lang, url in rows)
