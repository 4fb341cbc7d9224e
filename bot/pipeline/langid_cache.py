"""py3langid's model tables as plain files, mapped read-only instead of inflated in every process.

The byte automaton that turns text into features (``nextmove``: 9.8 M uint32, 39 MB) is the
largest thing a SahelWatch process holds. Inflated from py3langid's LZMA archive
(:mod:`bot.pipeline.langid_model`) it is private memory of each process, and inflating the
archive takes about half a second at every start. Written once as raw little-endian files and
mapped with ``mmap``, only the pages the automaton visits are resident (text in a handful of
languages visits a small part of it), they are shared between processes, and the kernel can
drop them under memory pressure. The naive-Bayes table is kept cut to the configured
languages, one file per language set.

Where: ``SAHELWATCH_CACHE_DIR`` (``off`` for no cache; :func:`cache_root`), else ``$XDG_CACHE_HOME/sahelwatch``,
else ``~/.cache/sahelwatch``; one directory per model (py3langid's version and a hash of
its archive). Each file is written to a temporary name and renamed, the manifest
last; a missing, short or unwritable cache means the tables are read from the archive as
before (logged at DEBUG), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mmap
import os
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np

from bot import heap
from bot.atomic import write_atomic
from bot.pipeline.langid_model import CutModel, load_cut, read_model

log = logging.getLogger(__name__)
FORMAT = 1
TABLES = {"nextmove": "I", "row": "H", "output": "i"}
"""The automaton's tables: file stem -> ``memoryview`` format (what py3langid indexes)."""
Model = tuple  # (ptc, pc, classes, nextmove, row, output), as load_cut returns


def cache_root(chosen: str, env: Mapping[str, str] = os.environ) -> Path | None:
    """The cache directory for the ``SAHELWATCH_CACHE_DIR`` value ``chosen``; ``None`` when off."""
    chosen = chosen.strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    if env.get("XDG_CACHE_HOME", "").strip():
        return Path(env["XDG_CACHE_HOME"].strip()) / "sahelwatch"
    try:
        return Path.home() / ".cache" / "sahelwatch"
    except RuntimeError:  # no home directory to speak of
        return None


def load(archive: Path, wanted: Callable[[list[str]], list[int]], root: Path | None) -> Model:
    """``load_cut(archive, wanted)``, mapped from the cache ``root`` when it has it (written
    there when not); read from the archive when ``root`` is ``None``."""
    if root is None:
        return load_cut(archive, wanted)
    folder = root / _model_key(archive)
    found = _mapped_or_forgotten(folder, wanted)
    if found is not None:
        return found
    model = read_model(archive, wanted)
    try:
        _write(folder, model)
    except OSError as error:
        log.debug("language model cache not written", extra={"error": str(error)})
        return model.cut()
    del model
    heap.trim()
    return _mapped_or_forgotten(folder, wanted) or load_cut(archive, wanted)


def _mapped_or_forgotten(folder: Path, wanted: Callable[[list[str]], list[int]]) -> Model | None:
    """The cached model, or ``None`` (a damaged cache's manifest removed: it is written again)."""
    try:
        return _mapped(folder, wanted)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.debug("language model cache unreadable, rebuilt", extra={"error": str(error)})
        with contextlib.suppress(OSError):
            (folder / "manifest.json").unlink(missing_ok=True)
        return None


def _model_key(archive: Path) -> str:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]  # 4.6 MB: ~5 ms
    return f"py3langid-{version('py3langid')}-{digest}-f{FORMAT}"


def _ptc_name(labels: Sequence[str]) -> str:
    return "ptc-" + hashlib.sha256(" ".join(labels).encode()).hexdigest()[:16] + ".f16"


def _mapped(folder: Path, wanted: Callable[[list[str]], list[int]]) -> Model | None:
    """The model from ``folder``, or ``None`` when it (or this language set's table) is not there."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    classes: list[str] = manifest["classes"]
    keep = wanted(list(classes))
    labels = [classes[i] for i in keep]
    ptc_file = folder / _ptc_name(labels)
    if not ptc_file.exists():
        return None
    features = int(manifest["features"])
    ptc = np.frombuffer(_map(ptc_file, features * len(keep) * 2), "<f2").reshape(features, len(keep))
    pc = np.asarray(manifest["pc"], np.float32)[keep]
    sizes = manifest["sizes"]
    tables = [_map(folder / f"{stem}.bin", sizes[stem]).cast(code) for stem, code in TABLES.items()]
    return (ptc, pc, labels, *tables)


def _map(path: Path, size: int) -> memoryview:
    """``path`` mapped read-only; a file of another size (cut short, another model) is refused."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size != size:
            raise ValueError(f"{path.name}: {os.fstat(file.fileno()).st_size} bytes, expected {size}")
        if hasattr(os, "posix_fadvise"):  # the writer's large page-cache folios (2 MB on recent kernels)
            os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)  # would be mapped whole
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):  # no read-ahead: only the pages the automaton visits are read
        mapped.madvise(mmap.MADV_RANDOM)
    return memoryview(mapped)


def _write(folder: Path, model: CutModel) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    labels = [model.classes[i] for i in model.keep]
    write_atomic(folder / _ptc_name(labels), np.ascontiguousarray(model.ptc, "<f2").tobytes(), 0o644)
    if (folder / "manifest.json").exists():
        return  # the automaton is there already: this was another language set's table
    blobs = {"nextmove": np.asarray(model.nextmove, "<u4").tobytes(), "row": np.asarray(model.row, "<u2").tobytes(),
             "output": np.asarray(model.output, "<i4").tobytes()}
    for stem, blob in blobs.items():
        write_atomic(folder / f"{stem}.bin", blob, 0o644)
    manifest = {"format": FORMAT, "classes": model.classes, "pc": model.pc.tolist(), "features": len(model.ptc),
                "sizes": {stem: len(blob) for stem, blob in blobs.items()}}
    write_atomic(folder / "manifest.json", json.dumps(manifest).encode(), 0o644)
