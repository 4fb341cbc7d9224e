"""The storage of :mod:`bot.pipeline.band_index`: its entries, sorted runs of them as numpy
columns, and the steps on runs (read a bucket's newest, merge, fold within a budget)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ENTRY = np.dtype([("key", "<u4"), ("newest", "<i4"), ("id", "<u4")])
"""One (post, band) entry: bucket key, minus the post's creation time (:func:`since_epoch`),
post id. Sorted ascending, a bucket reads newest first."""
EPOCH = 1_577_836_800
"""2020-01-01 UTC: times are kept as seconds from it, in 32 bits (1952 to 2088; a time outside
is clamped to the range, and the window of such a post is as wide as the range allows)."""
LIMIT = 2**31 - 1


def since_epoch(seconds: int) -> int:
    """Unix ``seconds`` as the index keeps them (see :data:`EPOCH`)."""
    return min(max(seconds - EPOCH, -LIMIT), LIMIT)


def since_epoch_array(seconds: np.ndarray) -> np.ndarray:
    return np.clip(seconds - EPOCH, -LIMIT, LIMIT).astype(np.int32)


def read(run: Run, keys: np.ndarray, since: int, until: int, per_band: int) -> tuple[np.ndarray, ...]:
    """``(band, newest, id)`` of each bucket's ``per_band`` newest entries in ``[since, until]``."""
    column, newest, ids = run
    lo, hi = np.searchsorted(column, keys, "left"), np.searchsorted(column, keys, "right")
    first = lo.copy()
    full = hi - lo > per_band  # a full bucket: its window, newest first
    for band in np.flatnonzero(full & (newest[np.minimum(lo, len(newest) - 1)] < -until)).tolist():
        first[band] += np.searchsorted(newest[lo[band]:hi[band]], -until, "left")  # newer than until: skipped
    stop = np.where(full, np.minimum(hi, first + per_band), hi)  # past ``since`` is filtered below
    counts = np.maximum(stop - first, 0)
    total = int(counts.sum())
    if not total:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    at = np.repeat(first, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    when = newest[at]
    inside = (when >= -until) & (when <= -since)
    band = np.repeat(np.arange(len(keys)), counts)
    return band[inside], when[inside], ids[at][inside].astype(np.int64)


Run = tuple[np.ndarray, np.ndarray, np.ndarray]
"""A sorted run as contiguous columns: bucket keys (uint32), newest (int32), ids (uint32)."""


def as_run(entries: np.ndarray) -> Run:
    return (np.ascontiguousarray(entries["key"]), np.ascontiguousarray(entries["newest"]),
            np.ascontiguousarray(entries["id"]))


def not_older(run: Run, oldest: int) -> Run:
    """``run`` without its entries older than ``oldest`` (itself when none is)."""
    keep = run[1] <= oldest
    return run if keep.all() else (run[0][keep], run[1][keep], run[2][keep])


def merged(run: Run, sorted_entries: np.ndarray) -> Run:
    """``run`` with ``sorted_entries`` inserted in order (one copy of each column)."""
    if not len(run[0]):
        return as_run(sorted_entries)
    at = positions(run, (sorted_entries["key"], sorted_entries["newest"], sorted_entries["id"]))
    return (np.insert(run[0], at, sorted_entries["key"]), np.insert(run[1], at, sorted_entries["newest"]),
            np.insert(run[2], at, sorted_entries["id"]))


def positions(run: Run, entries: Run) -> np.ndarray:
    """Where each of the sorted ``entries`` goes in ``run`` (nondecreasing), :data:`CHUNK` entries
    at a time so the search's temporaries stay small (five of them per entry searched)."""
    if not len(entries[0]):
        return np.empty(0, np.int64)
    return np.concatenate([_positions(run, tuple(c[at:at + CHUNK] for c in entries))
                           for at in range(0, len(entries[0]), CHUNK)])


def _positions(run: Run, entries: Run) -> np.ndarray:
    """``searchsorted`` on (key, newest, id) without copying the run into records: the bucket by
    key, then a vectorised binary search in it."""
    keys, newest, ids = run
    key, when, who = entries
    lo, hi = np.searchsorted(keys, key, "left"), np.searchsorted(keys, key, "right")
    while (open_ := lo < hi).any():
        mid = np.where(open_, (lo + hi) // 2, 0)
        before = open_ & ((newest[mid] < when) | ((newest[mid] == when) & (ids[mid] < who)))
        lo, hi = np.where(before, mid + 1, lo), np.where(open_ & ~before, mid, hi)
    return lo


CHUNK = 1 << 16
"""Entries a step of the in-place run operations handles at once (their temporaries: a few
hundred KB, whatever the size of the run)."""


def compact(columns: Sequence[np.ndarray], n: int, oldest: int) -> int:
    """Keep, in place, those of the first ``n`` entries of ``columns`` not older than ``oldest``
    (``newest <= oldest``, in the index's minus-time); return how many. A chunk at a time, front
    to back (an entry only ever moves down): never a mask or a copy of a whole column."""
    kept = 0
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        keep = columns[1][start:stop] <= oldest
        count = int(np.count_nonzero(keep))
        if count < stop - start or kept < start:
            for column in columns:
                column[kept:kept + count] = column[start:stop][keep]
        kept += count
    return kept


def insert_into(columns: Sequence[np.ndarray], n: int, entries: Run) -> int:
    """Merge the sorted ``entries`` into the sorted first ``n`` entries of ``columns`` in place
    (their capacity holds both); return the new length. The run's entries move up by the number
    of new ones before them, a chunk at a time from the end (an entry only ever moves up, into
    room already moved out of), then the new entries go into the gaps left."""
    count = len(entries[0])
    if not count:
        return n
    at = positions(tuple(column[:n] for column in columns), entries)
    low = int(at[0])
    for stop in range(n, low, -CHUNK):
        start = max(low, stop - CHUNK)
        where = np.arange(start, stop)
        where += np.searchsorted(at, where, "right")
        for column in columns:
            column[where] = column[start:stop].copy()
    at += np.arange(count)
    for column, values in zip(columns, entries, strict=True):
        column[at] = values
    return n + count


EXACT_FLOOR = 1 << 18
"""Up to this many entries the budget's floor is exact; above, it comes from a regular sample
of about as many (a full copy of the creation times was the largest transient of a fold:
16 MB at a 32 MB budget), set 1 % lower so the budget stays an upper bound."""


def budget_floor(big_newest: np.ndarray, small_newest: np.ndarray, floor: int, budget: int) -> int:
    """The creation time below which entries not older than ``floor`` are over ``budget``
    (the oldest go first)."""
    total = len(big_newest) + len(small_newest)
    if total <= budget:
        return floor
    step = max(1, total // EXACT_FLOOR)
    newest = np.concatenate((big_newest[::step], small_newest[::step]))  # minus the creation times
    if newest.max() > -floor:
        newest = newest[newest <= -floor]
    keep = budget if step == 1 else max(1, int(budget / step * 0.99))
    if len(newest) <= keep:
        return floor
    newest.partition(keep - 1)  # the newest are the lowest
    return int(-newest[keep - 1])


def sorted_entries(chunks: list[Run]) -> np.ndarray:
    keys, newest, ids = (np.concatenate(column) for column in zip(*chunks, strict=True))
    entries = np.empty(len(keys), ENTRY)
    entries["key"], entries["newest"], entries["id"] = keys, newest, ids
    del keys, newest, ids
    entries.sort()
    return entries
