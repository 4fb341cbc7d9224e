"""``/search``: full-text search over stored posts, in the FTS syntax users know, made safe.

The words a user types are never handed to FTS5 as they are (a stray quote, ``NEAR(``,
``col:`` or a lone ``OR`` is a syntax error, and some forms are slow). They are read into
terms and rebuilt: every word or ``"quoted phrase"`` becomes a quoted FTS5 string, a word
ending in ``*`` a quoted prefix (at least :data:`MIN_PREFIX` letters), and ``OR`` between two
terms stays an OR; everything else is ANDed. At most :data:`MAX_TERMS` terms and
:data:`MAX_CHARS` characters; the search covers the last ``SAHELWATCH_SEARCH_DAYS`` days.

Fast at a million posts (bench/million.py): hits are counted up to :data:`COUNT_CAP`, the newest
are found without sorting every hit (:func:`newest`), and snippets are made for those only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.base import Usage
from bot.store.db import Store

MAX_TERMS = 8
MAX_CHARS = 200
MIN_PREFIX = 3
TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters around matched words in snippets


@dataclass(frozen=True)
class Hit:
    key: str
    created_at: str
    platform: str
    author: str
    lang: str
    url: str
    snippet: str  # text with MARK_START/MARK_END around matches


def fts_query(words: str) -> str:
    """The FTS5 query for ``words``; raises :class:`Usage` when nothing searchable is left."""
    if len(words) > MAX_CHARS:
        raise Usage(f"a search is at most {MAX_CHARS} characters")
    parts: list[str] = []
    for phrase, word in TOKEN.findall(words.replace(MARK_START, "").replace(MARK_END, "")):
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        term = _term(phrase if phrase else word, quoted=bool(phrase) or not word)
        if term:
            parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    terms = [p for p in parts if p != "OR"]
    if not terms:
        raise Usage("give at least one word to search for")
    if len(terms) > MAX_TERMS:
        raise Usage(f"at most {MAX_TERMS} words or phrases")
    return " ".join(parts)


def _term(value: str, quoted: bool) -> str:
    prefix = not quoted and value.endswith("*")
    body = value.rstrip("*") if prefix else value
    letters = "".join(ch for ch in body if ch.isalnum())
    if not letters:
        return ""
    if prefix and len(letters) < MIN_PREFIX:
        raise Usage(f"a prefix search needs at least {MIN_PREFIX} letters before *")
    escaped = '"' + body.replace('"', '""') + '"'
    return escaped + "*" if prefix else escaped


COUNT_CAP = 1000
"""Hits are counted up to this many (then "more than 1,000"): counting 100,000 hits in the window
takes ~0.1 s at a million posts, the newest 20 a few milliseconds."""
HITS = "FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE posts_fts MATCH ? AND p.created_at >= ?"


def search(store: Store, words: str, now: datetime, days: float, limit: int = 5) -> tuple[int, list[Hit]]:
    """(number of hits in the window, at most :data:`COUNT_CAP` + 1; the ``limit`` newest hits)."""
    query, since = fts_query(words), (now - timedelta(days=days)).isoformat()
    try:
        total = int(store.scalar(f"SELECT count(*) FROM (SELECT 1 {HITS} ORDER BY posts_fts.rowid DESC LIMIT ?)",
                                 (query, since, COUNT_CAP + 1)) or 0)
        ids = newest(store, query, since, limit, few=total <= COUNT_CAP)
        rows = store.query(
            "SELECT p.key, p.created_at, p.platform, p.author_handle, p.lang, p.url, "
            f"snippet(posts_fts, 0, '{MARK_START}', '{MARK_END}', '…', 16) AS snippet "
            f"{HITS} AND posts_fts.rowid BETWEEN ? AND ? AND posts_fts.rowid IN (SELECT value FROM json_each(?)) "
            "ORDER BY p.created_at DESC, p.id DESC",
            (query, since, min(ids, default=0), max(ids, default=0), json.dumps(ids)))
    except sqlite3.OperationalError as exc:  # should not happen with the rebuilt query; never crash
        raise Usage(f"that search could not be run ({exc})") from None
    return total, [Hit(r["key"], r["created_at"], r["platform"], r["author_handle"] or "", r["lang"] or "und",
                       r["url"] or "", r["snippet"] or "") for r in rows]


def newest(store: Store, query: str, since: str, limit: int, few: bool) -> list[int]:
    """Ids of the ``limit`` hits created last (ties: stored last), snippets not computed yet.

    ``few`` hits are sorted outright. Otherwise the ``limit`` hits stored last are taken (FTS reads
    them newest first, no sort), and completed by the only other hits that can be newer: posts
    stored before them but created at least as late as the oldest of them (backfills; posts
    arrive in time order, so this range of the created_at index is short and usually empty)."""
    order = "ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
    if few:
        return [r["id"] for r in store.query(f"SELECT p.id {HITS} {order}", (query, since, limit))]
    last = store.query(f"SELECT p.id, p.created_at {HITS} ORDER BY posts_fts.rowid DESC LIMIT ?",
                       (query, since, limit))
    if not last:
        return []
    oldest, first = min(r["created_at"] for r in last), min(r["id"] for r in last)
    late = [r["id"] for r in store.query("SELECT id FROM posts WHERE created_at >= ? AND id < ?", (oldest, first))]
    if late:
        last += store.query(f"SELECT p.id, p.created_at {HITS} AND p.id IN (SELECT value FROM json_each(?))",
                            (query, since, json.dumps(late)))
    last.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return [r["id"] for r in last[:limit]]
