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


def load_cut(path: Path, wanted: Callable[[list[str]], list[int]]) -> tuple[np.ndarray, ...] | tuple:
    """``(ptc, pc, classes, nextmove, row, output)`` with only the classes ``wanted(classes)`` picks."""
    classes = whole_list(read_members(path, {"classes.npy": whole})["classes.npy"])
    keep = wanted(classes)
    parts = read_members(path, {
        "ptc.npy": columns(keep), "pc.npy": whole, "nextmove.npy": as_array,
        "nextmove_row.npy": as_array, "out_feat.npy": whole,
    })
    pc = np.asarray(parts["pc.npy"])[keep]
    output = np.asarray(parts["out_feat.npy"]).tolist()
    cut = (parts["ptc.npy"], pc, [classes[i] for i in keep], parts["nextmove.npy"], parts["nextmove_row.npy"],
           output)
    del parts
    heap.trim()  # the LZMA dictionary and read blocks, freed but still resident (see bot.heap)
    return cut


def whole_list(value: object) -> list[str]:
    return [str(v) for v in np.asarray(value).tolist()]
