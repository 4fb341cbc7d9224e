"""The LSH band index of the dedupe window, in memory (numpy), rebuilt from SQLite at start.

Near-duplicate candidates used to be read from a ``dedupe_bands`` table: 16 rows a post,
inserted at random places of a B-tree (most of the bytes each commit wrote, a fifth of the
database) and 16 range scans a post to read them back. The signatures those rows were made
from are in ``dedupe_posts`` anyway, so the index now lives in memory:

- three runs of entries, one per (post, band): bucket key, minus the creation time, post id
  (:data:`bot.pipeline.band_runs.ENTRY`, 12 bytes: the 64-bit bucket key folded to 32, the
  time in seconds from 2020 in 32 bits; the runs and their steps are in
  :mod:`bot.pipeline.band_runs`), so a bucket reads newest first: ``pending`` (a dict of the
  last additions, up to 1,024 entries), ``small`` (a sorted array, folded into ``big`` once it
  holds an eighth as much: in place, in columns with room for the budget, never a sort of
  everything nor a second copy of ``big``);
- a lookup is a few vectorised steps: two ``np.searchsorted`` per run for the 16 buckets
  (bounded by ``[since, until]``), then the ``per_band`` newest of each bucket, then the
  posts ranked;
- bounded: at most ``budget_mb`` (``SAHELWATCH_DEDUPE_INDEX_MB``, 192 bytes a post), the
  oldest entries dropped first, and nothing older than the window is kept;
- built at first use from the ``dedupe_posts`` rows that have a signature (newest first, up to
  the budget, folded in an eighth of it at a time), and brought up to date from the rows
  another connection committed (``PRAGMA data_version`` changes only then) before each lookup
  and each addition.

The same structure, one key a post instead of 16, holds the posts by exact text and by first
words (:data:`~bot.pipeline.band_kinds.TEXT_KIND`, ``PREFIX_KIND``, an eighth of the budget each; the
keys are made in :mod:`bot.pipeline.band_kinds`), read with
``per_band`` :data:`ALL` (every entry inside the window, oldest first).

The answer is what the table's query gave: the ``per_band`` newest entries of each bucket
created inside ``[since, until]``, the posts sharing the most bands first, then the oldest.
An entry whose post is gone (pruned, or its transaction rolled back) is skipped when its
features are read (:func:`bot.pipeline.dedupe_index.candidates`); verification decides.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
from sqlite_utils import Database

from bot.pipeline import band_runs
from bot.pipeline.band_kinds import BANDS_KIND, KINDS, SALT, U64, Kind, bucket_keys, fold
from bot.pipeline.band_runs import ENTRY

_INDEXES: weakref.WeakKeyDictionary[Database, dict[str, BandIndex]] = weakref.WeakKeyDictionary()


ALL = 1 << 40
"""``per_band`` that reads every entry of a bucket inside the window (oldest first)."""


class BandIndex:
    """Band buckets of the posts in the dedupe window (see the module docstring)."""

    def __init__(self, budget_mb: float = 32.0, kind: Kind = BANDS_KIND) -> None:
        self.kind = kind
        self.budget = max(kind.per_row, int(budget_mb * kind.share * 2**20 / ENTRY.itemsize))
        self.columns: list[np.ndarray] = list(band_runs.as_run(np.empty(0, ENTRY)))
        """The big run's columns, with room to grow into (:meth:`_room`); ``big`` views its entries."""
        self.big: band_runs.Run = band_runs.as_run(np.empty(0, ENTRY))
        self.small: band_runs.Run = band_runs.as_run(np.empty(0, ENTRY))
        self.pending: dict[int, list[tuple[int, int]]] = {}
        self.pending_count = 0
        self.last_id = 0
        self.version: int | None = None
        self.floor = -band_runs.LIMIT

    # --- keeping up with the database ---------------------------------------------------------
    def sync(self, db: Database, version: int | None = None) -> None:
        """Load what another connection committed since we last looked (all of it at first use);
        ``version``: the database's ``PRAGMA data_version`` when the caller has just read it."""
        if version is None:
            version = db.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self.version:
            return
        self.version = version
        column = self.kind.column
        rows = db.conn.execute(
            f"SELECT post_id, created_at, {column} FROM dedupe_posts WHERE post_id > ? AND {column} IS NOT NULL"
            " ORDER BY created_at DESC LIMIT ?",
            [self.last_id, self.budget // self.kind.per_row + 1],
        )
        group = max(1, self.budget // (8 * self.kind.per_row))  # rows folded at once: an eighth of the budget
        chunks: list[band_runs.Run] = []
        held = 0
        for part in iter(lambda: rows.fetchmany(min(4096, group)), []):  # never all rows at once
            chunks.append(self._chunk(part))
            held += len(part)
            if held >= group:
                self._fold_in(chunks)
                chunks, held = [], 0
        if chunks:
            self._fold_in(chunks)

    def _fold_in(self, chunks: list[band_runs.Run]) -> None:
        """Add loaded entries: sorted into the small run, folded as :meth:`add` would (a restart
        with a full index needs half its size on top, not three times: ``bench/band_index.py``)."""
        self.last_id = max(self.last_id, *(int(chunk[2].max()) for chunk in chunks))
        self.small = band_runs.merged(self.small, band_runs.sorted_entries(chunks))
        self._settle()

    def _chunk(self, rows: list[tuple[int, int, object]]) -> band_runs.Run:
        """Entries of ``dedupe_posts`` rows ``(post_id, created_at, value)``, unsorted."""
        repeat = self.kind.per_row
        return (self.kind.keys([r[2] for r in rows]),
                -np.repeat(band_runs.since_epoch_array(np.array([r[1] for r in rows], np.int64)), repeat),
                np.repeat(np.array([r[0] for r in rows], np.uint32), repeat))

    def add(self, post_id: int, created: int, bands: Sequence[int]) -> None:
        """Index a post the caller is storing (inside its write transaction): its band keys
        (:func:`bot.pipeline.minhash.band_keys`), or the one key of a single-key kind."""
        created = band_runs.since_epoch(created)
        for band, value in enumerate(bands):  # bucket_keys, in plain ints (16 values: no numpy call)
            key = fold((value & U64) + band * SALT)
            self.pending.setdefault(key, []).append((-created, post_id))
        self.pending_count += len(bands)
        self.last_id = max(self.last_id, post_id)
        if self.pending_count >= 1024:
            entries = [(key, newest, pid) for key, items in self.pending.items() for newest, pid in items]
            self.pending, self.pending_count = {}, 0
            self.small = band_runs.merged(self.small, np.sort(np.array(entries, ENTRY)))
            self._settle()

    def prune(self, before: int) -> None:
        """Forget entries created before ``before`` (the big run is compacted in place, and left
        as it is when nothing goes: never a second index in memory)."""
        self.floor = max(self.floor, band_runs.since_epoch(before))
        if (length := band_runs.compact(self.columns, len(self.big[0]), -self.floor)) < len(self.big[0]):
            self._view(length)
        self.small = band_runs.not_older(self.small, -self.floor)
        self.pending = {key: kept for key, items in self.pending.items()
                        if (kept := [e for e in items if -e[0] >= self.floor])}
        self.pending_count = sum(map(len, self.pending.values()))

    def __len__(self) -> int:
        return len(self.big[0]) + len(self.small[0]) + self.pending_count

    def post_ids(self) -> set[int]:
        """The posts that have entries (for checks and tests)."""
        pending = {pid for items in self.pending.values() for _, pid in items}
        return pending | set(self.big[2].tolist()) | set(self.small[2].tolist())

    def _settle(self) -> None:
        """Fold the small run into the big one once it holds an eighth as much, dropping what
        is older than the pruned floor and, over budget, the oldest entries. In place, in the big
        run's columns (:meth:`_room`): the fold's temporaries are the small run's size, never a
        second copy of a column of the big one."""
        if len(self.small[0]) * 8 < len(self.big[0]):
            return
        small, self.small = self.small, band_runs.as_run(np.empty(0, ENTRY))
        oldest = max(self.floor, band_runs.budget_floor(self.big[1], small[1], self.floor, self.budget))
        small = band_runs.not_older(small, -oldest)
        length = band_runs.compact(self.columns, len(self.big[0]), -oldest)
        self._room(length, length + len(small[0]))
        self._view(band_runs.insert_into(self.columns, length, small))

    def _room(self, used: int, length: int) -> None:
        """Columns for the big run that hold ``length`` entries, the first ``used`` kept: the whole
        budget at once (pages of memory are only taken as entries are written), an eighth more
        than asked past it."""
        if length <= len(self.columns[0]):
            return
        size = self.budget if length <= self.budget else length + length // 8
        self.big = band_runs.as_run(np.empty(0, ENTRY))  # the old columns' only references are below
        for i, name in enumerate(ENTRY.names):
            column = np.empty(size, ENTRY.fields[name][0])
            column[:used] = self.columns[i][:used]
            self.columns[i] = column

    def _view(self, length: int) -> None:
        self.big = (self.columns[0][:length], self.columns[1][:length], self.columns[2][:length])

    @property
    def runs(self) -> tuple[band_runs.Run, band_runs.Run]:
        return self.big, self.small

    # --- lookups ------------------------------------------------------------------------------
    def candidates(self, bands: Sequence[int], since: int, until: int, per_band: int = 25) -> list[int]:
        """Post ids sharing band buckets with ``bands`` inside ``[since, until]``, the posts
        sharing the most first, then the oldest (then the lowest id)."""
        since, until = band_runs.since_epoch(since), band_runs.since_epoch(until)
        if len(bands) == 1:
            return self._one(bands[0], -until, -since, per_band)
        keys = bucket_keys(bands)
        parts = [band_runs.read(run, keys, since, until, per_band) for run in self.runs if len(run[0])]
        parts.append(self._pending(keys.tolist(), since, until))
        band, newest, ids = (np.concatenate(col) for col in zip(*parts, strict=True))
        order = np.lexsort((ids, newest, band))
        band, newest, ids = band[order], newest[order], ids[order]
        starts = np.searchsorted(band, band, "left")
        keep = np.arange(len(band)) - starts < per_band  # each bucket's ``per_band`` newest
        unique, first, counts = np.unique(ids[keep], return_index=True, return_counts=True)
        ranked = np.lexsort((unique, -newest[keep][first], -counts))
        return unique[ranked].tolist()

    def _one(self, value: int, low: int, high: int, per_band: int) -> list[int]:
        """:meth:`candidates` of one bucket (an exact text, first words) whose ``newest`` is inside
        ``[low, high]``, the same steps in plain Python: numpy's cost per call was most of the
        time of a one-key lookup (39 -> 7 µs)."""
        key = fold(value)
        found = [entry for entry in self.pending.get(key, ()) if low <= entry[0] <= high]
        for column, newest, ids in self.runs:
            lo, hi = (int(column.searchsorted(np.uint32(key), side)) for side in ("left", "right"))
            if hi - lo > per_band:  # a full bucket: its window, newest first (as in :func:`_read`)
                if newest[lo] < low:
                    lo += int(np.searchsorted(newest[lo:hi], low, "left"))
                hi = min(hi, lo + per_band)
            found += [(when, pid) for when, pid in zip(newest[lo:hi].tolist(), ids[lo:hi].tolist(), strict=True)
                      if low <= when <= high]
        found.sort()
        first: dict[int, tuple[int, int]] = {}
        for when, pid in found[:per_band]:
            count, oldest = first.get(pid, (0, when))
            first[pid] = (count + 1, oldest)
        return sorted(first, key=lambda pid: (-first[pid][0], -first[pid][1], pid))

    def _pending(self, keys: list[int], since: int, until: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        found = [(band, newest, pid) for band, key in enumerate(keys)
                 for newest, pid in self.pending.get(key, ()) if -until <= newest <= -since]
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
        band, newest, ids = zip(*found, strict=True)
        return np.array(band, np.int64), np.array(newest, np.int64), np.array(ids, np.int64)


def for_db(db: Database, budget_mb: float | None = None, kind: Kind = BANDS_KIND) -> BandIndex:
    """The ``kind`` index of ``db`` (one per connection and kind; ``budget_mb`` applies when it
    is made, default 32, times the kind's share), brought up to date."""
    return _synced(db, budget_mb, (kind,))[0]


def all_for_db(db: Database, budget_mb: float | None = None) -> tuple[BandIndex, BandIndex, BandIndex]:
    """The :data:`KINDS` indexes of ``db`` (bands, text, prefix), brought up to date with one
    read of ``PRAGMA data_version`` (storing a post adds to all three)."""
    bands, text, prefix = _synced(db, budget_mb, KINDS)
    return bands, text, prefix


def _synced(db: Database, budget_mb: float | None, kinds: Sequence[Kind]) -> list[BandIndex]:
    version = db.conn.execute("PRAGMA data_version").fetchone()[0]
    indexes = _INDEXES.setdefault(db, {})
    found = []
    for kind in kinds:
        index = indexes.get(kind.column)
        if index is None:
            index = indexes[kind.column] = BandIndex(32.0 if budget_mb is None else budget_mb, kind)
        index.sync(db, version)
        found.append(index)
    return found
