"""Give the heap's free pages back to the system after a large load (glibc ``malloc_trim``).

Loading the language model decompresses ~65 MB through an 8 MB LZMA dictionary and reads
tables in blocks; once freed, that memory stays in the process (glibc keeps freed blocks that
sit below live ones) and counts in its RSS for good: ~11 MB after the model, more after the
watchlists and gazetteer. ``malloc_trim(0)`` returns every whole free page. Elsewhere than glibc
(musl, macOS) there is no such call and :func:`trim` does nothing.
"""

from __future__ import annotations

import ctypes


def trim() -> bool:
    """Return free heap pages to the system; ``False`` where the C library cannot."""
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    malloc_trim(0)
    return True
