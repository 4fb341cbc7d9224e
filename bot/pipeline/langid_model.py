"""Load py3langid's model cut to a few languages without ever holding the whole model.

py3langid ships an LZMA-compressed ``.npz`` (a stored zip of ``.npy`` arrays, 68 MB
uncompressed). Its own loader inflates it to a temporary file (tmpfs in our container: memory)
and holds all of it, ~140 MB peak, before we would cut the 142-language ``ptc`` table down to
our columns. Here the compressed stream is read sequentially twice: once up to the class
labels, once to copy only the wanted ``ptc`` columns block by block and the rest as is.
Peak stays near the size of what is kept.
"""

from __future__ import annotations

import lzma
import struct
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from bot import heap

LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
LOCAL_MAGIC = 0x04034B50
TYPECODES = {2: "H", 4: "I", 8: "L"}  # as py3langid.modelio._to_array
Reader = Callable[[IO[bytes], tuple[int, ...], np.dtype], object]


def members(stream: IO[bytes]) -> Iterator[tuple[str, int]]:
    """``(name, size)`` of each stored member, the stream positioned at its data."""
    while True:
        fields = LOCAL_HEADER.unpack(stream.read(LOCAL_HEADER.size))
        if fields[0] != LOCAL_MAGIC:
            return
        if fields[2] & 0x08 or fields[3] != 0:
            raise ValueError("py3langid model: unexpected zip layout (compressed or streamed member)")
        name = stream.read(fields[9]).decode()
        extra = stream.read(fields[10])
        size = fields[8] if fields[8] != 0xFFFFFFFF else struct.unpack_from("<QQ", extra, 4)[0]
        start = stream.tell()
        yield name, size
        stream.seek(start + size)


def npy_header(stream: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(stream)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read(stream)
    if fortran:
        raise ValueError("py3langid model: unexpected Fortran-ordered array")
    return shape, dtype


def whole(stream: IO[bytes], shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    count = int(np.prod(shape))
    return np.frombuffer(stream.read(count * dtype.itemsize), dtype).reshape(shape)


def as_array(stream: IO[bytes], shape: tuple[int, ...], dtype: np.dtype) -> array:
    """A 1-D unsigned array read straight into a stdlib ``array`` (no second copy)."""
    out = array(TYPECODES[dtype.itemsize], [0]) * int(np.prod(shape))
    view, done = memoryview(out).cast("B"), 0
    while done < len(view):  # in 1 MB steps: never a second full-size buffer
        read = stream.readinto(view[done : done + (1 << 20)])  # type: ignore[attr-defined]
        if not read:
            raise ValueError("py3langid model: array data ends early")
        done += read
    return out


def columns(keep: list[int]) -> Reader:
    def read(stream: IO[bytes], shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        rows, width = shape
        out = np.empty((rows, len(keep)), dtype)
        step = max(1, (4 << 20) // (width * dtype.itemsize))
        for start in range(0, rows, step):
            n = min(step, rows - start)
            out[start : start + n] = np.frombuffer(stream.read(n * width * dtype.itemsize), dtype).reshape(n, width)[
                :, keep
            ]
        return out

    return read


def read_members(path: Path, readers: dict[str, Reader]) -> dict[str, object]:
    found: dict[str, object] = {}
    with lzma.open(path) as stream:
        for name, _size in members(stream):
            if name in readers:
                shape, dtype = npy_header(stream)
                found[name] = readers[name](stream, shape, dtype)
                if len(found) == len(readers):
                    break
    return found


_CLASSES_TEXT = (
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi hr ht hu hy id"
    " ig is it ja jv ka kk km kn ko ku ky la lg ln lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps pt qu ro ru"
    " sa si sk sl so sq sr sr sv sw ta te th tl tr ug uk ur uz vi xh yo zh zu zxx ace bcl dz ext gcf gom grc gug hbo"
    " kik nso pcm rw se sn st uz an ary crh fo fuv gcr guw kab lb lij ltg uzs wa sdh arz ba mt nn oc tg tk tt vec vo"
    " wuu yue"
)
MODEL_CLASSES = _CLASSES_TEXT.split()
"""The classes of py3langid 0.4.0's model, in its order. ``classes.npy`` is stored after the
28 MB ``ptc.npy`` it describes: knowing them up front cuts ``ptc`` in the one pass that reads
everything (the LZMA stream is inflated once, not twice). A model with other classes is
detected when ``classes.npy`` is read, and read again with the right cut."""


def load_cut(path: Path, wanted: Callable[[list[str]], list[int]]) -> tuple[np.ndarray, ...] | tuple:
    """``(ptc, pc, classes, nextmove, row, output)`` with only the classes ``wanted(classes)`` picks."""
    return read_model(path, wanted).cut()


@dataclass(frozen=True)
class CutModel:
    """The model with ``ptc`` cut to the ``keep`` columns; ``pc`` and ``classes`` are whole."""

    ptc: np.ndarray
    pc: np.ndarray
    classes: list[str]
    keep: list[int]
    nextmove: array
    row: array
    output: list[int]

    def cut(self) -> tuple:
        return (self.ptc, self.pc[self.keep], [self.classes[i] for i in self.keep], self.nextmove, self.row,
                self.output)


def read_model(path: Path, wanted: Callable[[list[str]], list[int]]) -> CutModel:
    """The model at ``path`` with ``ptc`` cut to the classes ``wanted(classes)`` picks."""
    try:
        guess: list[int] | None = wanted(list(MODEL_CLASSES))
    except ValueError:  # not a language of that model: maybe of this one (told below if not)
        guess = None
    readers: dict[str, Reader] = {
        "classes.npy": whole, "pc.npy": whole, "nextmove.npy": as_array, "nextmove_row.npy": as_array,
        "out_feat.npy": whole, **({"ptc.npy": columns(guess)} if guess is not None else {}),
    }
    parts = read_members(path, readers)
    classes = whole_list(parts["classes.npy"])
    keep = wanted(classes)
    if guess is None or classes != MODEL_CLASSES:  # another model: its ptc again, cut by its own classes
        parts.update(read_members(path, {"ptc.npy": columns(keep)}))
    model = CutModel(parts["ptc.npy"], np.array(parts["pc.npy"]), classes, keep, parts["nextmove.npy"],
                     parts["nextmove_row.npy"], np.asarray(parts["out_feat.npy"]).tolist())
    del parts
    heap.trim()  # the LZMA dictionary and read blocks, freed but still resident (see bot.heap)
    return model


def whole_list(value: object) -> list[str]:
    return [str(v) for v in np.asarray(value).tolist()]
