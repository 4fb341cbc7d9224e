"""The keys of the band index (:mod:`bot.pipeline.band_index`): what each kind of index holds
for a ``dedupe_posts`` row, and how a 64-bit key is folded into the index's 32-bit bucket key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.pipeline.minhash import BANDS, band_matrix

BAND_SALT = np.uint64(0x9E3779B97F4A7C15)
SALT, U64 = int(BAND_SALT), 2**64 - 1


def bucket_keys(bands: Sequence[int] | np.ndarray) -> np.ndarray:
    """One uint32 per band: its key mixed with the band's number (buckets of bands differ), its
    two halves folded (:func:`fold`)."""
    values = np.asarray(bands, dtype=np.int64).view(np.uint64)
    return folded(values + np.arange(values.shape[-1], dtype=np.uint64) * BAND_SALT)


def folded(keys: np.ndarray) -> np.ndarray:
    return ((keys >> np.uint64(32)) ^ keys).astype(np.uint32)


def fold(key: int) -> int:
    """A 64-bit key in 32 bits (high half XOR low half), as :func:`folded` does to arrays. Two
    buckets may share a folded key (about one lookup in 4,000 at 1.6M entries): their posts are
    extra candidates, which verification (or the caller's SQL) turns down."""
    key &= U64
    return (key >> 32 ^ key) & 0xFFFFFFFF


@dataclass(frozen=True)
class Kind:
    """What an index holds: ``per_row`` keys of each ``dedupe_posts`` row, made by ``keys``
    from the values of ``column`` (rows where it is NULL have none); ``share`` of the budget."""

    column: str
    per_row: int
    keys: Callable[[list], np.ndarray]
    share: float = 1.0


def _signature_keys(blobs: list[bytes]) -> np.ndarray:
    sigs = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), -1)
    return bucket_keys(band_matrix(sigs.astype(np.uint32))).ravel()


def _int_keys(values: list[int]) -> np.ndarray:
    return folded(np.array(values, np.int64).view(np.uint64))


def hash_key(content_hash: str) -> int:
    """The signed 64-bit key of a hex ``content_hash`` (its first 16 digits; a value that is
    not hex, never written by this version, is hashed instead of stopping the rebuild)."""
    try:
        return int.from_bytes(bytes.fromhex(content_hash[:16]), "big", signed=True)
    except ValueError:
        return int.from_bytes(hashlib.sha1(content_hash.encode()).digest()[:8], "big", signed=True)


BANDS_KIND = Kind("signature", BANDS, _signature_keys)
"""The LSH band buckets of a post's MinHash signature (16 a post)."""
TEXT_KIND = Kind("content_hash", 1, lambda hashes: _int_keys([hash_key(h) for h in hashes]), share=1 / 8)
"""The exact text: posts with the same normalised text (one key a post; a 64-bit key can
collide, so the caller checks the full hash)."""
PREFIX_KIND = Kind("prefix", 1, _int_keys, share=1 / 8)
"""The first words (``dedupe_posts.prefix``): a copy cut short finds the post it starts."""
KINDS = (BANDS_KIND, TEXT_KIND, PREFIX_KIND)
