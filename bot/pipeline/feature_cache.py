"""A bounded cache of the indexed posts the dedupe stage reads again and again.

Copies of one story arrive in bursts, and every copy of a templated story ("… attack in
<town>") finds the same candidates in the band index: reading their rows from
``dedupe_posts``, decoding the signatures and splitting the words once each, instead of for
every post, was a fifth of the dedupe stage's time.

The cache gives exactly what a read would give, because it is emptied whenever what it holds
may have changed:

- another connection committed (the band index's ``PRAGMA data_version`` moved);
- a write transaction or a post's savepoint was rolled back (an indexed row may be gone and
  its id reused): the store's rollback hooks (:func:`install`);
- the index was pruned.

Rows are never updated in place (``dedupe_posts`` is insert-only, pruned by age), so nothing
else can make an entry stale. At most :data:`SIZE` entries per database, the least recently
used dropped first.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

if TYPE_CHECKING:
    from bot.store.db import Store

SIZE = 1024
"""Entries kept per database and per column (a few KB each, once their word sets are built)."""

_CACHES: weakref.WeakKeyDictionary[Database, FeatureCache] = weakref.WeakKeyDictionary()


class FeatureCache:
    """Rows read by one column (``post_id`` or ``post_key``), least recently used dropped first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.version: object = None
        self.columns: dict[str, dict[Hashable, Any]] = {}

    def clear(self) -> None:
        self.columns.clear()

    def read(self, column: str, values: list, fetch: Callable[[str, list], dict]) -> dict:
        """``fetch(column, values)`` for the values not cached; the found rows are remembered."""
        cached = self.columns.setdefault(column, {})
        found = {value: cached.pop(value) for value in values if value in cached}
        missing = [value for value in values if value not in found]
        found.update(fetch(column, missing) if missing else {})
        for value, row in found.items():
            cached[value] = row  # (re)inserted last: the most recently used
        self._trim(cached)
        return found

    def put(self, column: str, value: Hashable, row: Any) -> None:
        """Remember ``row`` as what reading ``value`` of ``column`` gives (the most recently used)."""
        cached = self.columns.setdefault(column, {})
        cached.pop(value, None)
        cached[value] = row
        self._trim(cached)

    def _trim(self, cached: dict[Hashable, Any]) -> None:
        while len(cached) > self.size:
            del cached[next(iter(cached))]


def for_db(db: Database, version: object) -> FeatureCache:
    """The cache of ``db``, emptied first when the database's ``version`` moved."""
    cache = _CACHES.get(db)
    if cache is None:
        cache = _CACHES[db] = FeatureCache()
    if cache.version != version:
        cache.clear()
        cache.version = version
    return cache


def remember(db: Database, rows: dict[str, tuple[Hashable, Any]]) -> None:
    """Seed the cache of ``db`` with a row its own connection just wrote (``column: (value, row)``):
    a new post is the likeliest candidate of the next ones, and reading it back cost a query. A
    rollback empties the cache (:func:`install`), so a row that is not committed cannot outlive it."""
    cache = _CACHES.get(db)
    if cache is not None:
        for column, (value, row) in rows.items():
            cache.put(column, value, row)


def forget(db: Database) -> None:
    """Empty the cache of ``db`` (after a rollback or a prune)."""
    cache = _CACHES.get(db)
    if cache is not None:
        cache.clear()


def install(store: Store) -> None:
    """Empty the cache whenever a write of ``store`` is rolled back."""
    if forget not in store.rollback_hooks:
        store.rollback_hooks.append(forget)
