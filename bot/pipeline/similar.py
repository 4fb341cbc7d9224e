"""Is a near-duplicate candidate the same story? The verification after the LSH lookup.

Precision first. A stored candidate is accepted only if all hold:

1. **Same language**: equal ``lang``, or one side is ``und``/unknown. Posts in different
   languages are never merged here (a translation is a different post).
2. **Similar enough**: the MinHash estimate of the Jaccard similarity of their character
   5-gram sets is at least the configured threshold.
3. **No fact replaced**: key words (numbers, names, Arabic-script words; see
   :mod:`bot.pipeline.fingerprint`) may be *added* (an appended source, a hashtag) but
   not *replaced*. If each side has a key word the other lacks, the pair is rejected,
   unless every such word has a close spelling on the other side (a typo or accent
   variant, similarity ≥ :data:`CLOSE_SPELLING`). Numbers never count as close: "12 killed"
   and "13 killed" are different stories. This is what separates "the same template in
   another town or with another toll" from "the same post with one word edited".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.pipeline.langid import UND
from bot.pipeline.minhash import Signature, similarity

CLOSE_SPELLING = 0.8


@dataclass(frozen=True)
class Features:
    """What verification needs about one post (stored in the index for candidates)."""

    lang: str | None
    signature: Signature
    words: frozenset[str]
    keys: frozenset[str]


def same_language(a: str | None, b: str | None) -> bool:
    return a in (None, UND) or b in (None, UND) or a == b


def _close(word: str, others: Iterable[str]) -> bool:
    if any(ch.isdigit() for ch in word):
        return False
    return any(
        not any(ch.isdigit() for ch in other) and SequenceMatcher(None, word, other).ratio() >= CLOSE_SPELLING
        for other in others
    )


def keys_replaced(a: Features, b: Features) -> bool:
    """True when both sides carry key words missing from the other (beyond spelling slips)."""
    only_a = a.keys - b.words
    only_b = b.keys - a.words
    if not only_a or not only_b:
        return False
    missing_a = {w for w in only_a if not _close(w, b.words - a.words)}
    missing_b = {w for w in only_b if not _close(w, a.words - b.words)}
    return bool(missing_a and missing_b)


def verify(new: Features, stored: Features, threshold: float) -> float | None:
    """The estimated similarity when ``stored`` is a near-duplicate of ``new``, else ``None``."""
    if not same_language(new.lang, stored.lang):
        return None
    score = similarity(new.signature, stored.signature)
    if score < threshold or keys_replaced(new, stored):
        return None
    return score
