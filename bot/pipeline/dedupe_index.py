"""The dedupe index, kept in SQLite (not in RAM) so it survives restarts and stays small.

Tables (created by the store's migrations ``0002_dedupe_index``, ``0080_dedupe_prefix`` and
``0091_bands_in_memory``, bot/store/migrations.py):

- ``dedupe_posts``: one row per indexed post: its cluster head (``first_key``), the
  ``posts`` row id, content hash, language, creation time (unix seconds), MinHash signature
  (64 × uint32 blob; only for posts that are near-duplicate targets: not for exact copies,
  short texts or texts cut with "…") and the normalised words and key words used to verify
  candidates.
- ``prefix`` (added by migration ``0080_dedupe_prefix``): a hash of the first
  :data:`PREFIX_WORDS` normalised words, so a copy cut short with "…" finds the post it is a
  prefix of (:func:`prefixed`).

The lookups are built in memory from those rows (:mod:`bot.pipeline.band_index`): the LSH band
buckets of the signatures (they used to be a ``dedupe_bands`` table, dropped by migration
0091), and the posts by content hash and by first words (they used to be SQLite indexes with
random keys, dropped by migration 0112: each post rewrote a page of each). The store calls
:func:`index_post` and :func:`count_repost` (its post hooks, see :func:`install`) inside the
write transaction that stores each new post; a background task calls :func:`prune` to drop
what is older than the window. Cluster facts for alerts come from ``posts.duplicate_of``
(:func:`cluster_info`), which is never pruned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
from sqlite_utils import Database

from bot.models import Post
from bot.pipeline import band_index, band_kinds, feature_cache
from bot.pipeline.fingerprint import fingerprint, is_cut
from bot.pipeline.minhash import band_keys, from_bytes, to_bytes
from bot.pipeline.similar import Features
from bot.text import clean

if TYPE_CHECKING:
    from bot.store.db import Store

PREFIX_WORDS = 8


def prefix_key(words: str) -> int | None:
    """Signed 64-bit hash of the first :data:`PREFIX_WORDS` words; ``None`` when fewer."""
    first = words.split()[:PREFIX_WORDS]
    if len(first) < PREFIX_WORDS:
        return None
    return int.from_bytes(hashlib.sha1(" ".join(first).encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class Indexed:
    """A stored post as the dedupe stage sees it."""

    post_key: str
    first_key: str
    created_at: int
    features: Features


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def head_of(db: Database, post_key: str) -> str | None:
    """The cluster head of an indexed post, or ``None`` if the post is not indexed."""
    row = db.execute("SELECT first_key FROM dedupe_posts WHERE post_key = ?", [post_key]).fetchone()
    return row[0] if row else None


def lookup(
    db: Database, post_key: str, content_hash: str | None, since: int, until: int
) -> tuple[str | None, str | None]:
    """(head of ``post_key`` if already indexed, head of the earliest post with
    ``content_hash`` created inside ``[since, until]``)."""
    row = db.conn.execute("SELECT first_key FROM dedupe_posts WHERE post_key = ?", [post_key]).fetchone()
    if content_hash is None:
        return (row[0] if row else None), None
    same = _oldest(db, band_kinds.TEXT_KIND, band_kinds.hash_key(content_hash), since, until, 1,
                   "SELECT first_key FROM dedupe_posts WHERE content_hash = ? AND post_id IN ({ids})"
                   " ORDER BY created_at, post_key LIMIT ?", [content_hash])
    return (row[0] if row else None), (same[0][0] if same else None)


def _oldest(db: Database, kind: band_kinds.Kind, key: int, since: int, until: int, limit: int,
            sql: str, params: list) -> list[tuple]:
    """Up to ``limit`` rows of ``sql`` for the posts the in-memory ``kind`` index holds under
    ``key`` inside ``[since, until]``, read oldest first in steps (an entry whose post is gone
    is passed over): ``sql`` has ``{ids}`` and ends with ``LIMIT ?``."""
    ids = band_index.for_db(db, kind=kind).candidates([key], since, until, band_index.ALL)
    rows: list[tuple] = []
    for start in range(0, len(ids), 256):
        step = ids[start:start + 256]
        query = sql.format(ids=", ".join("?" * len(step)))
        rows += db.conn.execute(query, [*params, *step, limit - len(rows)]).fetchall()
        if len(rows) >= limit:
            break
    return rows


def candidates(
    db: Database, bands: Sequence[int], since: int, until: int, limit: int = 20, per_band: int = 25
) -> list[Indexed]:
    """Indexed posts sharing LSH band keys, created inside ``[since, until]``.

    At most ``limit``, those sharing the most bands first (a proxy for similarity), then the
    oldest. Work stays bounded when templated posts fill a bucket: each bucket is read newest
    first, at most ``per_band`` entries (a story's copies arrive close together, and any member
    leads to the cluster's head). The buckets are in memory (:mod:`bot.pipeline.band_index`);
    the features of the ``limit`` best come from ``dedupe_posts`` (an entry whose post is gone
    is passed over).
    """
    bands_index = band_index.for_db(db)
    ranked = bands_index.candidates(bands, since, until, per_band)
    found: list[Indexed] = []
    while ranked and len(found) < limit:
        take, ranked = ranked[: limit - len(found)], ranked[limit - len(found):]
        rows = _cached(db, bands_index.version, "post_id", take)
        found += [rows[pid] for pid in take if pid in rows]
    return found


def prefixed(db: Database, cut: str, post_key: str, since: int, until: int) -> list[tuple[str, str | None]]:
    """``(cluster head, lang)`` of indexed posts created inside ``[since, until]`` whose words
    start with the words ``cut`` (at least :data:`PREFIX_WORDS` of them)."""
    key = prefix_key(cut)
    if key is None:
        return []
    rows = _oldest(db, band_kinds.PREFIX_KIND, key, since, until, 200,
                   "SELECT first_key, lang, words FROM dedupe_posts WHERE prefix = ? AND post_key != ?"
                   " AND post_id IN ({ids}) ORDER BY created_at, post_id LIMIT ?", [key, post_key])
    return [(first, lang) for first, lang, words in rows if words == cut or words.startswith(cut + " ")]


def features_of(db: Database, keys: set[str]) -> dict[str, Features]:
    """Stored features of the given posts (cluster heads), by key; missing ones are skipped."""
    found = _cached(db, band_index.for_db(db).version, "post_key", sorted(keys))
    return {key: indexed.features for key, indexed in found.items()}


def _cached(db: Database, version: object, column: str, values: list) -> dict:
    """:func:`_indexed_by`, through the cache of recently read posts (:mod:`bot.pipeline.feature_cache`),
    valid for the database's ``version`` (the band index's ``PRAGMA data_version``, just synced)."""
    cache = feature_cache.for_db(db, version)
    return cache.read(column, values, lambda col, missing: _indexed_by(db, col, missing))


def _indexed_by(db: Database, column: str, values: list) -> dict:
    """Indexed posts whose ``column`` (``post_id`` or ``post_key``) is one of ``values``, by that value."""
    if not values:
        return {}
    marks = ", ".join("?" * len(values))
    rows = db.conn.execute(
        f"SELECT {column}, post_key, first_key, created_at, lang, signature, words, keys FROM dedupe_posts"
        f" WHERE {column} IN ({marks})", values).fetchall()
    return {row[0]: _indexed(row[1:]) for row in rows}


def _indexed(row: tuple) -> Indexed:
    key, first, created, lang, blob, words, keys = row
    features = Features(lang, from_bytes(blob), words, keys)
    return Indexed(key, first, created, features)


def index_post(db: Database, post: Post, post_row_id: int) -> None:
    """Record ``post`` (after the dedupe stage) in the index; call inside the store's transaction.

    Idempotent: a post already indexed is left alone. LSH bands are written only for posts
    with a ``signature`` (the stage leaves it empty for exact duplicates and short texts) whose
    text is not cut off with an ellipsis: a cut text fits every story made from the same
    template, so it may join a cluster but never becomes a near-duplicate target itself.
    """
    fp = fingerprint(post.norm_text or clean(post.text))
    words, keys = fp.norm, " ".join(sorted(fp.keys))
    created, prefix = epoch(post.created_at), prefix_key(words)
    banded = bool(post.signature) and not is_cut(post.text)
    sig = np.array(post.signature if banded else (), dtype=np.uint32)  # made once: row, cache and bands
    first = post.duplicate_of or post.key
    cursor = db.conn.execute(
        "INSERT OR IGNORE INTO dedupe_posts (post_key, first_key, post_id, content_hash, lang,"
        " created_at, signature, words, keys, prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [post.key, first, post_row_id, post.content_hash, post.lang,
         created, to_bytes(sig) if banded else None, words, keys, prefix],
    )
    if not cursor.rowcount:
        return
    indexed = Indexed(post.key, first, created, Features(post.lang, sig, words, keys))
    feature_cache.remember(db, {"post_id": (post_row_id, indexed), "post_key": (post.key, indexed)})
    bands, text, prefixes = band_index.all_for_db(db)
    if banded:
        bands.add(post_row_id, created, band_keys(sig))
    if post.content_hash:
        text.add(post_row_id, created, [band_kinds.hash_key(post.content_hash)])
    if prefix is not None:
        prefixes.add(post_row_id, created, [prefix])


def newest_indexed(db: Database) -> datetime | None:
    """The creation time of the newest indexed post (``None`` when the index is empty)."""
    newest = db.conn.execute("SELECT max(created_at) FROM dedupe_posts").fetchone()[0]
    return None if newest is None else datetime.fromtimestamp(newest, UTC)


def prune(db: Database, before: datetime) -> int:
    """Forget posts created before ``before``; return how many were dropped (an index range
    scan on ``dedupe_posts.created_at``; the band index drops them at its next merge)."""
    cutoff = epoch(before)
    for index in band_index.all_for_db(db):
        index.prune(cutoff)
    feature_cache.forget(db)
    return db.conn.execute("DELETE FROM dedupe_posts WHERE created_at < ?", [cutoff]).rowcount


class WindowPrune:
    """A sink that keeps the index to its window in batch commands too (replay, analyze): every
    ``every`` stored posts it prunes what is older than the newest post seen minus ``window``
    (replayed data has its own clock), in its own short write transaction."""

    name = "dedupe-prune"

    def __init__(self, store: Store, window: timedelta, every: int = 10_000) -> None:
        self.store, self.window, self.every = store, window, every
        self.newest: datetime | None = None
        self.seen = 0
        self.pruned = 0

    def emit(self, post: Post, saved: object) -> None:
        self.newest = post.created_at if self.newest is None else max(self.newest, post.created_at)
        self.seen += 1
        if self.seen % self.every == 0:
            with self.store.write() as db:
                self.pruned += prune(db, self.newest - self.window)


def count_repost(db: Database, post: Post, post_row_id: int | None = None) -> None:
    """Post hook: a new repost adds one to its original's ``posts.repost_count``."""
    if post.refs.repost_of:
        original = f"{post.platform}:{post.refs.repost_of}"
        db.conn.execute("UPDATE posts SET repost_count = repost_count + 1 WHERE key = ?", [original])


def install(store: Store, index_mb: float | None = None) -> None:
    """Register the index hooks on ``store`` once (the dedupe stage relies on them), and build
    its in-memory band index (within ``index_mb``, SAHELWATCH_DEDUPE_INDEX_MB)."""
    band_index.all_for_db(store.db, index_mb)
    feature_cache.install(store)
    for hook in (index_post, count_repost):
        if hook not in store.post_hooks:
            store.post_hooks.append(hook)


def stored_head(db: Database, key: str) -> str | None:
    """Cluster head of a post in ``posts`` (never pruned), or ``None`` if it is not stored."""
    row = db.conn.execute("SELECT coalesce(duplicate_of, key) FROM posts WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def original_head(db: Database, key: str) -> str | None:
    """Cluster head of a stored post, from ``posts`` (not windowed), else from the index."""
    return stored_head(db, key) or head_of(db, key)


def cluster_info(db: Database, key: str) -> tuple[int, list[str]]:
    """``(number of other posts in key's cluster, their distinct author handles, oldest first)``,
    for "+3 similar: @a, @b, @c". Read from ``posts.duplicate_of`` (indexed)."""
    head = stored_head(db, key) or key
    rows = db.conn.execute(
        "SELECT author_handle FROM posts WHERE duplicate_of = ? ORDER BY created_at, id", [head]
    ).fetchall()
    handles = list(dict.fromkeys(handle for (handle,) in rows if handle))
    return len(rows), handles
