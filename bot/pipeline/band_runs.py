"""The storage of :mod:`bot.pipeline.band_index`: its entries, sorted runs of them as numpy
columns, and the steps on runs (read a bucket's newest, merge, fold within a budget)."""

from __future__ import annotations

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


def keep_in_place(columns: list[np.ndarray], keep: np.ndarray) -> None:
    """Each of ``columns`` reduced to ``keep``, one at a time (the list holding the only reference,
    each old column is freed before the next is copied)."""
    for i in range(len(columns)):
        columns[i] = columns[i][keep]


def entries_of(run: Run) -> np.ndarray:
    entries = np.empty(len(run[0]), ENTRY)
    entries["key"], entries["newest"], entries["id"] = run
    return entries


def merged(run: Run, sorted_entries: np.ndarray) -> Run:
    """``run`` with ``sorted_entries`` inserted in order (one copy of each column)."""
    if not len(run[0]):
        return as_run(sorted_entries)
    at = positions(run, sorted_entries)
    return (np.insert(run[0], at, sorted_entries["key"]), np.insert(run[1], at, sorted_entries["newest"]),
            np.insert(run[2], at, sorted_entries["id"]))


def positions(run: Run, entries: np.ndarray) -> np.ndarray:
    """Where each of ``entries`` goes in ``run`` (``searchsorted`` on (key, newest, id) without
    copying the run into records: the bucket by key, then a vectorised binary search in it)."""
    keys, newest, ids = run
    lo, hi = np.searchsorted(keys, entries["key"], "left"), np.searchsorted(keys, entries["key"], "right")
    when, who = entries["newest"], entries["id"]
    while (open_ := lo < hi).any():
        mid = np.where(open_, (lo + hi) // 2, 0)
        before = open_ & ((newest[mid] < when) | ((newest[mid] == when) & (ids[mid] < who)))
        lo, hi = np.where(before, mid + 1, lo), np.where(open_ & ~before, mid, hi)
    return lo


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
