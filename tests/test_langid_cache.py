"""py3langid's tables are written once to the cache directory and mapped by every later start:
the same model as read from the archive, whatever state the cache is in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE

from bot.pipeline.langid_cache import cache_root, load
from bot.pipeline.langid_model import load_cut

ARCHIVE = MODEL_DIR / MODEL_FILE


def picker(labels: set[str]):
    return lambda classes: [i for i, c in enumerate(classes) if c in labels]


FOUR = picker({"en", "fr", "ar", "ha", "ary", "arz"})


@pytest.fixture(scope="module")
def archived() -> tuple:
    return load_cut(ARCHIVE, FOUR)


def same(model: tuple, archived: tuple) -> None:
    ptc, pc, classes, nextmove, row, output = model
    assert classes == archived[2]
    assert np.array_equal(ptc, archived[0]) and np.array_equal(pc, archived[1])
    assert list(row) == list(archived[4]) and list(output) == archived[5]
    assert bytes(nextmove) == bytes(archived[3])


def files(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file()}


def test_written_at_first_start_and_mapped_at_the_next(tmp_path: Path, archived: tuple) -> None:
    first = load(ARCHIVE, FOUR, tmp_path)
    written = files(tmp_path)
    assert {"manifest.json", "nextmove.bin", "row.bin", "output.bin"} <= written
    assert not any(name.startswith(".") for name in written)  # no temporary file left behind
    second = load(ARCHIVE, FOUR, tmp_path)
    assert isinstance(second[3], memoryview) and second[3].readonly  # mapped, not inflated again
    same(first, archived)
    same(second, archived)


def test_another_language_set_adds_its_table_only(tmp_path: Path) -> None:
    load(ARCHIVE, FOUR, tmp_path)
    automaton = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.bin")}
    two = picker({"en", "fr"})
    same(load(ARCHIVE, two, tmp_path), load_cut(ARCHIVE, two))
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.bin")} == automaton
    assert len([p for p in tmp_path.rglob("ptc-*")]) == 2


def test_a_file_cut_short_is_rebuilt(tmp_path: Path, archived: tuple) -> None:
    load(ARCHIVE, FOUR, tmp_path)
    nextmove = next(tmp_path.rglob("nextmove.bin"))
    with nextmove.open("r+b") as file:  # a disk that filled up while it was written
        file.truncate(1000)
    same(load(ARCHIVE, FOUR, tmp_path), archived)
    assert nextmove.stat().st_size == len(bytes(archived[3]))


def test_a_cache_path_that_is_a_file_reads_the_archive(tmp_path: Path, archived: tuple) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory", encoding="utf-8")
    same(load(ARCHIVE, FOUR, blocker), archived)


def test_where_the_cache_is() -> None:
    assert cache_root("off", {}) is None and cache_root(" OFF ", {}) is None
    assert cache_root("/srv/cache", {"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/srv/cache")
    assert cache_root("", {"XDG_CACHE_HOME": "/var/cache/me"}) == Path("/var/cache/me/sahelwatch")
    assert cache_root("", {}) == Path.home() / ".cache" / "sahelwatch"
