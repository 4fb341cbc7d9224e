"""The dedupe view of a post's text: normalised words, "key" words and the content hash.

Normalisation (so reposts, appended links/emoji, case, accents and punctuation do not
count as differences): drop an ``RT @x:`` prefix, URLs and @mentions; split on anything
that is not a letter or digit (this drops emoji, punctuation, spacing and the ``#`` of
hashtags); a CamelCase hashtag becomes its words first (``#BurkinaFaso`` → ``burkina faso``,
so it differs from ``#Burkina`` by an *added* word, not a replaced one); combining marks
(Arabic tashkeel, stray accents) are removed before splitting, so a vowelled Arabic copy
gives the same words; per word, strip accents and Arabic marks (NFKD), casefold, fold Arabic
letter variants and Hausa hooked letters, and turn Arabic-Indic digits into ASCII. The words
joined by single spaces are ``norm``; its SHA-1 is ``content_hash``.

A text cut short with an ellipsis (``…`` or ``...``, X's truncated reposts, headline teasers)
also has a ``cut`` form: its words without the last, possibly partial, one. See
:func:`cut_words` and the prefix check in :mod:`bot.pipeline.dedupe`.

Key words are those a near-duplicate may not *replace*, because they carry the facts:
numbers, capitalised words (names) in cased scripts, and every word in Arabic script
(caseless, so names cannot be told from other words). See :mod:`bot.pipeline.similar`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_RT_PREFIX = re.compile(r"^(?:\s*RT\s+@\w+:?\s*)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_SPLIT = re.compile(r"[\W_]+")
# Combining marks that NFKC leaves apart: Latin combining accents, Arabic tashkeel, Quranic marks.
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[^\W\d_])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")
_CUT_END = re.compile(r"\s*(?:…|\.\.\.+)\s*$")
_FOLDS = str.maketrans(
    {"ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه", "ɓ": "b", "ɗ": "d", "ƙ": "k", "ƴ": "y", "ʼ": "", "ß": "ss"}
    | {chr(0x0660 + d): str(d) for d in range(10)}
    | {chr(0x06F0 + d): str(d) for d in range(10)}
)


@dataclass(frozen=True)
class Fingerprint:
    norm: str
    keys: frozenset[str]
    content_hash: str | None  # None when nothing is left (emoji- or link-only posts)

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.norm.split())


def fold_word(word: str) -> str:
    """One word without accents/marks, casefolded, with script folds applied."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_FOLDS)


@lru_cache(maxsize=16384)
def _word(raw: str) -> tuple[str, bool]:
    return fold_word(raw), is_key(raw)


def is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


def is_key(raw: str) -> bool:
    """Numbers, capitalised words and Arabic-script words (see the module docstring)."""
    return raw[0].isupper() or is_arabic(raw) or any(ch.isdigit() for ch in raw)


def strip_noise(text: str) -> str:
    """Remove the RT prefix, URLs, mentions and combining marks; split CamelCase hashtags."""
    bare = _MENTION.sub(" ", _URL.sub(" ", _RT_PREFIX.sub("", text)))
    return _HASHTAG.sub(_hashtag_words, _MARKS.sub("", bare))


def _hashtag_words(found: re.Match[str]) -> str:
    return _CAMEL.sub(" ", found[1])


def is_cut(text: str) -> bool:
    """True for a text that ends with an ellipsis, links and mentions aside (X truncates long
    reposts this way: ``RT @afp: Des hommes armés ont…``)."""
    return _CUT_END.search(strip_noise(text)) is not None


def cut_words(text: str) -> str | None:
    """The normalised words a cut text surely has: all but the last (it may be cut mid-word).

    ``None`` when ``text`` is not cut, or when no key word (a name, a number, any Arabic word)
    is left after its first word: "Des hommes armés ont attaqué un village près de…" fits
    every story made from that template, whatever the window holds.
    """
    bare = strip_noise(text)
    found = _CUT_END.search(bare)
    if found is None:
        return None
    raw = [word for word in _SPLIT.split(bare[: found.start()]) if word][:-1]
    if not any(is_key(word) for word in raw[1:]):
        return None
    return " ".join(_word(word)[0] for word in raw)


@lru_cache(maxsize=256)
def fingerprint(text: str) -> Fingerprint:
    """Fingerprint of an already :func:`bot.text.clean`-ed text (cached: the stage and the
    store's :func:`~bot.pipeline.dedupe_index.index_post` ask for the same text in turn)."""
    folded = [_word(raw) for raw in _SPLIT.split(strip_noise(text)) if raw]
    norm = " ".join(word for word, _ in folded)
    keys = frozenset(word for word, key in folded if key)
    digest = hashlib.sha1(norm.encode()).hexdigest() if norm else None
    return Fingerprint(norm, keys, digest)
