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
   variant, similarity ≥ :data:`CLOSE_SPELLING`, or the same Arabic word with another
   proclitic or article: سوق / السوق). Numbers never count as close: "12 killed" and
   "13 killed" are different stories. This is what separates "the same template in another
   town or with another toll" from "the same post with one word edited". The check is made
   against the candidate *and* its cluster's first post, so a generic member (a post cut
   before the place name) cannot chain other towns' stories into the cluster.
4. In Arabic, which has no capital letters, any replaced word counts as a possible name:
   a one-word synonym edit in Arabic is therefore kept apart (recall traded for precision).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Generic, TypeVar

from bot.pipeline.langid import UND
from bot.pipeline.minhash import NUM_PERM, Signature, similarities

CLOSE_SPELLING = 0.8
_ARABIC_PREFIX = re.compile(r"^(?:[وفبلك]?ال|[وفبلك])(?=..)")
_T = TypeVar("_T")


class _computed_once(Generic[_T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    read; thousands of candidates a second are read once each, in one thread)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute, self.name = compute, compute.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        value = instance.__dict__[self.name] = self.compute(instance)  # later reads find it there
        return value


@dataclass(frozen=True)
class Features:
    """What verification needs about one post (stored in the index for candidates).

    ``words`` and ``keys`` are space-separated, as stored; their sets are built only for
    candidates that pass the cheaper checks.
    """

    lang: str | None
    signature: Signature
    words_text: str
    keys_text: str

    @_computed_once
    def words(self) -> frozenset[str]:
        return frozenset(self.words_text.split())

    @_computed_once
    def keys(self) -> frozenset[str]:
        return frozenset(self.keys_text.split())

    @_computed_once
    def numbers(self) -> frozenset[str]:
        """The key words with a digit (never a spelling slip of another word)."""
        return frozenset(word for word in self.keys if _has_digit(word))


def same_language(a: str | None, b: str | None) -> bool:
    return a in (None, UND) or b in (None, UND) or a == b


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _stem(word: str) -> str:
    """An Arabic word without a leading proclitic/article (other words unchanged)."""
    return _ARABIC_PREFIX.sub("", word)


@lru_cache(maxsize=8192)
def close_spelling(a: str, b: str) -> bool:
    if _has_digit(a) or _has_digit(b):
        return False
    if _stem(a) == _stem(b):
        return True
    if 2 * min(len(a), len(b)) < CLOSE_SPELLING * (len(a) + len(b)):
        return False  # the ratio cannot reach the bar: skip the costly comparison
    return SequenceMatcher(None, a, b).ratio() >= CLOSE_SPELLING


def _close(word: str, others: Iterable[str]) -> bool:
    return any(close_spelling(word, other) for other in others)


def keys_replaced(a: Features, b: Features) -> bool:
    """True when both sides carry key words missing from the other (beyond spelling slips)."""
    only_a = a.keys - b.words
    if not only_a:
        return False
    only_b = b.keys - a.words
    if not only_b:
        return False
    return _replaced(only_a, a, b) and _replaced(only_b, b, a)


def _replaced(keys: frozenset[str], mine: Features, theirs: Features) -> bool:
    """Some key word of ``mine`` has no close spelling among the words only ``theirs`` has
    (a number never has one)."""
    if not keys.isdisjoint(mine.numbers):
        return True
    others = theirs.words - mine.words
    return any(not _close(w, others) for w in keys)


def similar_enough(new: Features, stored: Sequence[Features], threshold: float) -> list[tuple[float, int]]:
    """``(estimated similarity, position in stored)`` of the stored posts that pass checks 1 and 2
    (same language, similar enough), the most similar first (then by position): all signatures
    compared in one step. Check 3 (:func:`keys_replaced`, against the candidate and its cluster's
    first post) is the caller's, made once per cluster."""
    usable = [i for i, s in enumerate(stored) if same_language(new.lang, s.lang) and len(s.signature) == NUM_PERM]
    scores = similarities(new.signature, [stored[i].signature for i in usable])
    passed = [(score, i) for score, i in zip(scores, usable, strict=True) if score >= threshold]
    return sorted(passed, key=lambda pair: -pair[0])
