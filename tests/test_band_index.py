"""The in-memory LSH band index (bot/pipeline/band_index.py) against real SQLite files: what
it finds, what it forgets (window, memory budget), and that it follows other writers and a
restart."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from bot.pipeline import band_index, band_kinds, band_runs, dedupe_index
from bot.pipeline.band_index import BandIndex
from bot.pipeline.band_kinds import bucket_keys
from bot.pipeline.minhash import band_keys, signature, to_bytes
from bot.store.db import Store

DAY = 86_400
TEXTS = [f"attaque contre le poste militaire de la ville numero {i} ce matin selon des sources" for i in range(40)]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _bands(text: str) -> list[int]:
    return band_keys(signature(text))


def test_finds_posts_sharing_buckets_most_shared_first_then_oldest() -> None:
    index = BandIndex()
    index.add(1, 1000, _bands(TEXTS[0]))
    index.add(2, 2000, _bands(TEXTS[0] + " (AFP)"))
    index.add(3, 3000, _bands("un texte sans aucun rapport avec les autres, sur la pluie et le beau temps"))
    found = index.candidates(_bands(TEXTS[0]), 0, 10_000)
    assert found[0] == 1 and 2 in found and 3 not in found
    assert index.candidates(_bands(TEXTS[0]), 1500, 10_000)[0] == 2  # post 1 is outside the window


def test_each_bucket_reads_its_newest_entries_only() -> None:
    index = BandIndex()
    same = _bands(TEXTS[0])
    for post_id in range(1, 41):
        index.add(post_id, post_id * 10, same)
    assert sorted(index.candidates(same, 0, 10_000, per_band=5)) == [36, 37, 38, 39, 40]
    assert sorted(index.candidates(same, 0, 200, per_band=5)) == [16, 17, 18, 19, 20]  # newest up to `until`


def _reference(posts: list[tuple[int, int, list[int]]], query: list[int], since: int, until: int,
               per_band: int) -> list[int]:
    """What the dedupe_bands table's query answered, computed the slow way."""
    shared: dict[int, int] = {}
    created = {pid: at for pid, at, _ in posts}
    for band, value in enumerate(query):
        bucket = sorted((-at, pid) for pid, at, bands in posts if bands[band] == value and since <= at <= until)
        for _, pid in bucket[:per_band]:
            shared[pid] = shared.get(pid, 0) + 1
    return sorted(shared, key=lambda pid: (-shared[pid], created[pid], pid))


def test_the_same_answers_as_the_table_across_merges() -> None:
    index = BandIndex()
    posts = [(i + 1, (i * 7919) % 5000, _bands(text)) for i, text in enumerate(TEXTS * 40)]  # out of order
    for count, (pid, at, bands) in enumerate(posts, 1):
        index.add(pid, at, bands)
        if count in (100, 1000, 1600):  # pending only, pending + small run, after folds into the big run
            for text, since, until, per_band in ((TEXTS[3], 0, 5000, 25), (TEXTS[7], 1000, 3000, 5)):
                expected = _reference(posts[:count], _bands(text), since, until, per_band)
                assert index.candidates(_bands(text), since, until, per_band) == expected
    assert len(index) == 1600 * 16



def test_a_one_key_index_gives_the_same_answers_across_merges() -> None:
    """The exact-text and first-words indexes (one key a post) take a plain-Python path."""
    index = BandIndex(kind=band_kinds.TEXT_KIND)
    keys = [band_kinds.hash_key(_sha1(str(i))) for i in range(7)]
    posts = [(i + 1, (i * 7919) % 5000, [keys[i % 7]]) for i in range(3000)]  # out of order, 7 buckets
    for count, (pid, at, key) in enumerate(posts, 1):
        index.add(pid, at, key)
        if count in (100, 1000, 3000):  # pending only, pending + small run, after folds into the big run
            for key_no, since, until, per_band in ((3, 0, 5000, band_index.ALL), (5, 1000, 3000, 5),
                                                   (0, 4990, 5000, 2)):
                expected = _reference(posts[:count], [keys[key_no]], since, until, per_band)
                assert index.candidates([keys[key_no]], since, until, per_band) == expected
    assert index.candidates([band_kinds.hash_key(_sha1("absent"))], 0, 5000, band_index.ALL) == []

def test_prune_and_the_memory_budget_drop_the_oldest() -> None:
    index = BandIndex(budget_mb=100 * 16 * band_index.ENTRY.itemsize / 2**20)  # room for 100 posts
    for post_id in range(1, 301):
        index.add(post_id, post_id * DAY, _bands(TEXTS[post_id % 40]))
    index.prune(0)  # a merge applies the budget
    assert len(index) <= 100 * 16 + 1024
    assert min(index.post_ids()) > 150
    index.prune(290 * DAY)
    assert index.post_ids() == set(range(290, 301))


def _index_row(store: Store, post_id: int, created: int, text: str) -> None:
    with store.write() as db:
        db.execute("INSERT INTO dedupe_posts (post_id, post_key, first_key, created_at, signature) VALUES"
                   " (?, ?, ?, ?, ?)", [post_id, f"x:{post_id}", f"x:{post_id}", created, to_bytes(signature(text))])


def test_rebuilt_at_start_and_follows_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "bands.db"
    writer, reader = Store(path), Store(path)
    _index_row(writer, 1, 1000, TEXTS[0])
    index = band_index.for_db(reader.db)  # built from the file
    assert index.candidates(_bands(TEXTS[0]), 0, 10**6) == [1]
    _index_row(writer, 2, 2000, TEXTS[0] + " (AFP)")  # committed by another connection
    assert band_index.for_db(reader.db).candidates(_bands(TEXTS[0]), 0, 10**6) == [1, 2]
    restarted = band_index.for_db(Store(path).db)
    assert restarted.candidates(_bands(TEXTS[0]), 0, 10**6) == [1, 2] and len(restarted) == 32


def test_bucket_keys_differ_between_bands() -> None:
    same_value = [7] * 16
    assert len(set(bucket_keys(same_value).tolist())) == 16
    assert bucket_keys(np.array(same_value, np.int64)).dtype == np.uint32


def test_the_exact_text_index_is_rebuilt_from_any_stored_hash(tmp_path: Path) -> None:
    """Posts by content hash, rebuilt at start; a stored hash that is not hex (never written by
    this version) gets a key of its own instead of stopping the rebuild."""
    path = tmp_path / "text.db"
    store = Store(path)
    with store.write() as db:
        for post_id, digest in ((1, _sha1("a")), (2, _sha1("a")), (3, "not-hex"), (4, _sha1("b"))):
            db.execute("INSERT INTO dedupe_posts (post_id, post_key, first_key, created_at, content_hash) VALUES"
                       " (?, ?, ?, ?, ?)", [post_id, f"x:{post_id}", f"x:{post_id}", 1000 * post_id, digest])
    index = band_index.for_db(Store(path).db, kind=band_kinds.TEXT_KIND)
    same = index.candidates([band_kinds.hash_key(_sha1("a"))], 0, 10**6, band_index.ALL)
    assert same == [1, 2]  # oldest first
    assert index.candidates([band_kinds.hash_key("not-hex")], 0, 10**6, band_index.ALL) == [3]
    assert index.candidates([band_kinds.hash_key(_sha1("a"))], 1500, 10**6, band_index.ALL) == [2]  # the window


def test_two_hashes_sharing_a_folded_key_are_told_apart_by_the_stored_hash(tmp_path: Path) -> None:
    """Keys are folded to 32 bits: 0xaaaa… and 0xbbbb… both fold to 0. The index gives both posts
    as candidates; the lookup's SQL compares the full hash, so neither is the other's copy."""
    store = Store(tmp_path / "fold.db")
    with store.write() as db:
        for post_id, digest in ((1, "a" * 40), (2, "b" * 40)):
            db.execute("INSERT INTO dedupe_posts (post_id, post_key, first_key, created_at, content_hash) VALUES"
                       " (?, ?, ?, ?, ?)", [post_id, f"x:{post_id}", f"x:{post_id}", 1000 * post_id, digest])
    index = band_index.for_db(store.db, kind=band_kinds.TEXT_KIND)
    assert index.candidates([band_kinds.hash_key("a" * 40)], 0, 10**6, band_index.ALL) == [1, 2]
    assert dedupe_index.lookup(store.db, "x:9", "b" * 40, 0, 10**6) == (None, "x:2")
    assert dedupe_index.lookup(store.db, "x:9", "c" * 40, 0, 10**6) == (None, None)


def test_times_far_from_now_are_kept_in_32_bits_without_wrapping() -> None:
    """Times are seconds from 2020 in 32 bits: a hostile date (year 9999, 1900) is clamped to the
    range, never wrapped onto another post's window, and folds keep the order."""
    far, old, now = 253_402_300_799, -2_208_988_800, 1_764_000_000  # 9999-12-31, 1900-01-01, 2025-11
    index = BandIndex()
    index.add(1, far, _bands(TEXTS[0]))
    index.add(2, old, _bands(TEXTS[0]))
    for post in range(3, 3 + 200):  # enough to fold the pending entries into the arrays
        index.add(post, now + post, _bands(TEXTS[post % len(TEXTS)]))
    assert index.candidates(_bands(TEXTS[0]), far - 7 * DAY, far + 7 * DAY) == [1]
    assert index.candidates(_bands(TEXTS[0]), old - 7 * DAY, old + 7 * DAY) == [2]
    found = index.candidates(_bands(TEXTS[0]), now - 7 * DAY, now + 7 * DAY)
    assert found and 1 not in found and 2 not in found
    index.prune(now)
    assert 2 not in index.post_ids() and 1 in index.post_ids()


def test_a_prune_with_nothing_to_drop_copies_nothing_and_one_with_something_drops_only_that() -> None:
    index = BandIndex()
    for post in range(1, 301):  # folded into the arrays
        index.add(post, 1_764_000_000 + post * 60, _bands(TEXTS[post % len(TEXTS)]))
    columns = index.big
    index.prune(1_764_000_000)  # older than every post
    assert all(after is before for after, before in zip(index.big, columns, strict=True))
    index.prune(1_764_000_000 + 100 * 60)
    assert index.post_ids() == set(range(100, 301))


def _random_run(rng: np.random.Generator, size: int) -> np.ndarray:
    entries = np.empty(size, band_index.ENTRY)
    entries["key"] = rng.integers(0, 3000, size)  # many entries a bucket, as templated posts make
    entries["newest"] = -rng.integers(0, 10**6, size)
    entries["id"] = rng.integers(1, 10**6, size)
    entries.sort()
    return entries


def test_folding_in_place_gives_the_merge_of_the_runs_minus_what_is_too_old() -> None:
    """The big run is merged into in place, a chunk at a time from the end: runs longer than a
    chunk, buckets spread over chunks, entries dropped from both runs first."""
    rng = np.random.default_rng(7)
    big, small = _random_run(rng, 3 * band_runs.CHUNK + 123), _random_run(rng, 2 * band_runs.CHUNK + 45)
    oldest = -250_000  # entries created more than 250,000 s after 2020 are kept
    columns = [np.empty(len(big) + len(small), big.dtype[name]) for name in band_index.ENTRY.names]
    for column, name in zip(columns, band_index.ENTRY.names, strict=True):
        column[:len(big)] = big[name]
    length = band_runs.compact(columns, len(big), oldest)
    length = band_runs.insert_into(columns, length, band_runs.not_older(band_runs.as_run(small), oldest))
    expected = np.sort(np.concatenate((big, small)))
    expected = expected[expected["newest"] <= oldest]
    assert length == len(expected) < len(big) + len(small)
    for column, name in zip(columns, band_index.ENTRY.names, strict=True):
        assert np.array_equal(column[:length], expected[name])


def test_an_index_over_its_budget_keeps_the_newest_posts_through_folds_and_prunes() -> None:
    posts = 400
    index = BandIndex(budget_mb=100 * 16 * band_index.ENTRY.itemsize / 2**20)  # room for 100 posts
    rng = np.random.default_rng(3)
    order = rng.permutation(posts) + 1  # out of time order
    for post_id in order.tolist():
        index.add(post_id, post_id * DAY, _bands(TEXTS[post_id % 40]))
        if post_id % 50 == 0:
            index.prune(0)
    index.prune(0)
    kept = index.post_ids()
    assert len(index.big[0]) <= index.budget and max(kept) == posts
    assert kept >= set(range(posts - 40, posts + 1))  # the newest survive every fold
    assert index.candidates(_bands(TEXTS[posts % 40]), posts * DAY, posts * DAY)[0] == posts


def test_compacting_in_place_moves_every_later_chunk_down_past_a_drop_in_the_first() -> None:
    """Old entries only in the first chunk: every later chunk keeps all it holds and must still
    move down into the room the drop left."""
    rng = np.random.default_rng(11)
    run = _random_run(rng, 3 * band_runs.CHUNK + 7)
    run["newest"] = -rng.integers(300_000, 10**6, len(run))  # all kept ...
    run["newest"][:100] = 0  # ... but the first 100, created at the epoch
    columns = [np.ascontiguousarray(run[name]) for name in band_index.ENTRY.names]
    length = band_runs.compact(columns, len(run), -250_000)
    expected = run[100:]
    assert length == len(expected)
    for column, name in zip(columns, band_index.ENTRY.names, strict=True):
        assert np.array_equal(column[:length], expected[name])


def _entries(index: BandIndex) -> list[tuple[int, int, int]]:
    """Every entry of ``index``, sorted, wherever it is held (runs, pending additions)."""
    held = [entry for run in index.runs for entry in zip(*(column.tolist() for column in run), strict=True)]
    held += [(key, newest, pid) for key, items in index.pending.items() for newest, pid in items]
    return sorted(held)


def test_a_restart_folds_the_rows_in_groups_into_the_index_adding_would_build(tmp_path: Path) -> None:
    """At start the rows are loaded an eighth of the budget at a time (room for 200 posts: 25
    rows a fold, 150 rows), each group folded in: the same entries, the same answers, and the
    big run sorted."""
    store = Store(tmp_path / "restart.db")
    budget_mb = 200 * 16 * band_index.ENTRY.itemsize / 2**20
    added = BandIndex(budget_mb)
    for post_id in range(1, 151):
        text = TEXTS[post_id % len(TEXTS)] + f" ({post_id % 7})"
        _index_row(store, post_id, 1000 * post_id, text)
        added.add(post_id, 1000 * post_id, _bands(text))
    restarted_db = Store(tmp_path / "restart.db").db
    restarted = band_index.for_db(restarted_db, budget_mb)
    assert len(restarted) == 150 * 16 and _entries(restarted) == _entries(added)
    big = np.rec.fromarrays(restarted.big, dtype=band_index.ENTRY)
    assert len(big) > 100 * 16 and np.array_equal(big, np.sort(big))
    for post_id in (1, 75, 150):
        probe = _bands(TEXTS[post_id % len(TEXTS)] + f" ({post_id % 7})")
        assert restarted.candidates(probe, 0, 10**6) == added.candidates(probe, 0, 10**6)
    _index_row(store, 151, 500, TEXTS[0])  # another writer, after the restart: loaded once
    assert len(band_index.for_db(restarted_db, budget_mb)) == 151 * 16
