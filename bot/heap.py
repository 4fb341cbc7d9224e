"""Give the heap's free pages back to the system after a large load (glibc ``malloc_trim``).

Loading the language model decompresses ~65 MB through an 8 MB LZMA dictionary and reads
tables in blocks; once freed, that memory stays in the process (glibc keeps freed blocks that
sit below live ones) and counts in its RSS for good: ~11 MB after the model, more after the
watchlists and gazetteer. ``malloc_trim(0)`` returns every whole free page. Elsewhere than glibc
(musl, macOS) there is no such call and :func:`trim` does nothing.

Large blocks are a second leak of the same kind. glibc serves a block of at least its mmap
threshold with its own mapping, given back when freed, but raises that threshold to the size of
every such block freed (up to 32 MB): after the first fold of the dedupe band index (columns of
several MB, :mod:`bot.pipeline.band_index`) its arrays came from the heap, and the holes they
left stayed resident: 53 MB of free heap in a `run` of 1,000,000 posts, peak RSS 215 MB.
:func:`map_large_blocks` fixes the threshold (which turns the raising off).
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3
"""mallopt's parameter number (glibc malloc.h)."""
LARGE_BLOCK = 256 * 1024
"""Blocks from this size up get their own mapping, returned to the system when freed."""


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Serve blocks of ``threshold`` bytes and more from their own mappings, for good (glibc
    ``mallopt(M_MMAP_THRESHOLD)``); ``False`` where the C library has no such call."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))


def trim() -> bool:
    """Return free heap pages to the system; ``False`` where the C library cannot."""
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    malloc_trim(0)
    return True
