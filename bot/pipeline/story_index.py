"""The stories tables as the story stage and the alerts read them, and the store hook that
writes them (inside each new post's write transaction).

``stories`` holds one row per incident: its key (the first post's key), first and last
report times, where and what (from its posts: the first place, the highest numbers), how many
posts and which languages and places. ``posts.story_id`` links each post to its story;
``post_links`` holds each post's canonical links. Everything a restart needs is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from bot.models import Casualties, Post, StoryRef

if TYPE_CHECKING:
    from bot.store.db import Store

CANDIDATES = 300


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


def story_of(db: Database, post_key: str) -> str | None:
    """The story key of a stored post, or ``None``."""
    row = db.execute("SELECT s.key FROM posts p JOIN stories s ON s.id = p.story_id WHERE p.key = ?",
                     [post_key]).fetchone()
    return row[0] if row else None


def _span(moment: datetime, window: timedelta) -> list[str]:
    return [(moment - window).isoformat(), (moment + window).isoformat()]


def story_linking(db: Database, links: tuple[str, ...], moment: datetime, window: timedelta) -> str | None:
    """The earliest story with a post linking one of ``links`` within ``window`` of ``moment``."""
    if not links:
        return None
    marks = ", ".join("?" * len(links))
    row = db.execute(
        "SELECT s.key FROM post_links l JOIN posts p ON p.id = l.post_id JOIN stories s ON s.id = p.story_id"
        f" WHERE l.url IN ({marks}) AND p.created_at BETWEEN ? AND ? ORDER BY p.created_at, p.id LIMIT 1",
        [*links, *_span(moment, window)],
    ).fetchone()
    return row[0] if row else None


def reported_in(db: Database, country: str, moment: datetime, window: timedelta) -> list[Reported]:
    """Posts with a story in ``country`` within ``window`` of ``moment``, oldest first."""
    rows = db.execute(
        "SELECT s.key, p.place, p.admin1, p.event, p.killed, p.wounded, p.kidnapped FROM posts p"
        " JOIN stories s ON s.id = p.story_id WHERE p.country = ? AND p.created_at BETWEEN ? AND ?"
        " ORDER BY p.created_at, p.id LIMIT ?",
        [country, *_span(moment, window), CANDIDATES],
    ).fetchall()
    return [Reported(key, place, admin1, event, Casualties(k, w, n)) for key, place, admin1, event, k, w, n in rows]


def facts(db: Database, key: str) -> StoryFacts | None:
    row = db.execute("SELECT killed, places FROM stories WHERE key = ?", [key]).fetchone()
    if row is None:
        return None
    return StoryFacts(row[0], tuple(p for p in row[1].split("|") if p))


def _merged(old: str, value: str | None, sep: str) -> str:
    items = [i for i in old.split(sep) if i]
    return sep.join([*items, value] if value and value not in items else items)


def _higher(old: int | None, new: int | None) -> int | None:
    return new if old is None else old if new is None else max(old, new)


def save_story(db: Database, post: Post, post_row_id: int) -> None:
    """Store hook: create or update the post's story and link the post to it."""
    key = (post.story or StoryRef(post.key)).key
    at, place = post.created_at.isoformat(), post.place
    db.execute(
        "INSERT INTO stories (key, title, first_at, last_at, country, place, admin1, lat, lon, event)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        [key, post.text[:200], at, at, place and place.country, place and place.name, place and place.admin1,
         place and place.lat, place and place.lon, post.event],
    )
    row = db.execute("SELECT id, first_at, last_at, killed, wounded, kidnapped, languages, places FROM stories"
                     " WHERE key = ?", [key]).fetchone()
    story_id, first, last, killed, wounded, kidnapped, languages, places = row
    cas = post.casualties
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
    db.execute("UPDATE posts SET story_id = ? WHERE id = ?", [story_id, post_row_id])


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
