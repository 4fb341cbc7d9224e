"""``/search``: full-text search over stored posts, in the FTS syntax users know, made safe.

The words a user types are never handed to FTS5 as they are (a stray quote, ``NEAR(``,
``col:`` or a lone ``OR`` is a syntax error, and some forms are slow). They are read into
terms and rebuilt: every word or ``"quoted phrase"`` becomes a quoted FTS5 string, a word
ending in ``*`` a quoted prefix (at least :data:`MIN_PREFIX` letters), and ``OR`` between two
terms stays an OR; everything else is ANDed. At most :data:`MAX_TERMS` terms and
:data:`MAX_CHARS` characters; the search covers the last ``SAHELWATCH_SEARCH_DAYS`` days.
"""

from __future__ import annotations

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


def search(store: Store, words: str, now: datetime, days: float, limit: int = 5) -> tuple[int, list[Hit]]:
    """(number of hits in the window, the ``limit`` newest hits)."""
    query, since = fts_query(words), (now - timedelta(days=days)).isoformat()
    where = "posts_fts MATCH ? AND p.created_at >= ?"
    try:
        total = int(store.scalar(f"SELECT count(*) FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid "
                                 f"WHERE {where}", (query, since)) or 0)
        rows = store.query(
            "SELECT p.key, p.created_at, p.platform, p.author_handle, p.lang, p.url, "
            f"snippet(posts_fts, 0, '{MARK_START}', '{MARK_END}', '…', 16) AS snippet "
            f"FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE {where} "
            "ORDER BY p.created_at DESC LIMIT ?", (query, since, limit))
    except sqlite3.OperationalError as exc:  # should not happen with the rebuilt query; never crash
        raise Usage(f"that search could not be run ({exc})") from None
    return total, [Hit(r["key"], r["created_at"], r["platform"], r["author_handle"] or "", r["lang"] or "und",
                       r["url"] or "", r["snippet"] or "") for r in rows]
