"""MinHash-64 signatures over character 5-gram shingles, and their LSH band keys (numpy only).

Shingles are hashed with a polynomial over code points (folded to 32 bits), then 64
multiply-add-shift hash functions ``((a·x + b) mod 2^64) >> 32`` give the signature; the
Jaccard similarity of two shingle sets is estimated by the share of equal positions.
16 bands × 4 rows: a pair at Jaccard 0.5 / 0.6 / 0.7 becomes a candidate with probability
0.64 / 0.89 / 0.99.

The constants come from a fixed splitmix64 sequence (not numpy's RNG, whose streams may
change between versions): signatures stored in the database stay comparable across
upgrades. Changing :data:`SCHEME` or the constants invalidates stored signatures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

SCHEME = "minhash64-char5-v1"
NUM_PERM = 64
BANDS, ROWS = 16, 4
SHINGLE = 5
_SHIFT = np.uint64(32)
_MASK32 = np.uint64(0xFFFFFFFF)

Signature = npt.NDArray[np.uint32]


def _splitmix64(seed: int, count: int) -> list[int]:
    out, state = [], seed
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        out.append(z ^ (z >> 31))
    return out


_CONST = _splitmix64(20240501, 2 * NUM_PERM + SHINGLE + ROWS)
_A = np.array([c | 1 for c in _CONST[:NUM_PERM]], dtype=np.uint64)  # odd 64-bit multipliers
_B = np.array(_CONST[NUM_PERM : 2 * NUM_PERM], dtype=np.uint64)
_POLY = np.array([c | 1 for c in _CONST[2 * NUM_PERM : 2 * NUM_PERM + SHINGLE]], dtype=np.uint64)
_BAND_MIX = np.array([c | 1 for c in _CONST[2 * NUM_PERM + SHINGLE :]], dtype=np.uint64)


def shingle_hashes(text: str) -> npt.NDArray[np.uint64]:
    """32-bit hashes (as uint64) of the character 5-grams of ``text`` (one shingle if shorter)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < SHINGLE:
        points = np.concatenate([points, np.zeros(SHINGLE - len(points), dtype=np.uint64)])
    count = len(points) - SHINGLE + 1
    mixed = points[:count] * _POLY[0]  # arithmetic wraps modulo 2^64, as intended
    for offset in range(1, SHINGLE):
        mixed += points[offset : offset + count] * _POLY[offset]
    return (mixed >> _SHIFT) ^ (mixed & _MASK32)


def signature(text: str) -> Signature:
    """The 64-value MinHash signature of ``text`` (already normalised)."""
    values = np.outer(shingle_hashes(text), _A)
    values += _B
    values >>= _SHIFT
    return values.min(axis=0).astype(np.uint32)


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per band, band ``i`` at index ``i``."""
    return band_matrix(sig.reshape(1, NUM_PERM))[0].tolist()


def band_matrix(sigs: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """:func:`band_keys` of each row of an ``(n, 64)`` array of signatures, as ``(n, 16)``."""
    rows = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    return (rows @ _BAND_MIX).view(np.int64)


def similarities(sig: Signature, others: Sequence[Signature]) -> list[float]:
    """Estimated Jaccard similarity of ``sig``'s shingle set with each of ``others``' (one numpy step)."""
    if not others:
        return []
    return [count / NUM_PERM for count in np.count_nonzero(np.stack(others) == sig, axis=1).tolist()]


def to_bytes(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes | None) -> Signature:
    """The stored signature (empty when none was stored: exact copies, short or cut texts)."""
    return np.frombuffer(blob or b"", dtype="<u4").astype(np.uint32)
