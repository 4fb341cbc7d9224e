"""Character-level text cleaning shared by the normalise stage, the matcher and dedupe.

Evasion tricks (zero-width and other format characters, bidi controls, soft hyphen, Arabic
tatweel, the combining grapheme joiner) are deleted; typographic quotes and dashes fold to
ASCII; every kind of space becomes one ASCII space. NFKC handles width and compatibility
forms. The original text is never changed: callers keep it for display.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Format (Cf) characters are deleted too; these are the non-Cf ones that also hide inside words.
EXTRA_DROPS = frozenset("\u0640\u034f\u00ad\u180e")
QUOTES = dict.fromkeys("‘’‚‛ʼʻ′`´", "'") | dict.fromkeys("“”„‟″«»", '"')
DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
_SPACES = re.compile(r"\s+")


def is_dropped(ch: str) -> bool:
    """True for characters that must vanish before matching (invisible or evasion aids)."""
    return ch in EXTRA_DROPS or ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cf"


def fold_char(ch: str) -> str:
    """One character after drop/quote/dash/space folding ('' when dropped)."""
    if is_dropped(ch):
        return ""
    if ch.isspace():
        return " "
    return QUOTES.get(ch) or DASHES.get(ch) or ch


class _CleanTable(dict[int, str]):
    """``str.translate`` table of :func:`fold_char`, filled on first use of each character."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold_char(chr(code))
        return folded


_CLEAN = _CleanTable()


def clean(text: str) -> str:
    """NFKC, drop invisible characters, fold quotes/dashes, collapse whitespace, strip."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_CLEAN)).strip()


def strip_bidi(text: str) -> str:
    """Remove bidi controls only: for snippets shown to readers (no misleading rendering)."""
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


# --- The matching copy ------------------------------------------------------------------------
# Watchlist terms and post texts are folded by the SAME per-character function, so whatever a
# term survives, the text survives too. Order (cases in tests/test_match_folding.py; NFKC is Unicode's
# UAX #15, https://www.unicode.org/reports/tr15/): drop invisible characters →
# NFKC → quote/dash folds → casefold → strip combining marks (accents, Arabic tashkeel and the
# hamza marks of أ إ آ) → script folds → every non-word character becomes a space. Runs of
# spaces collapse to one, so a phrase matches across any punctuation. :class:`Folded` maps
# offsets in the folded copy back to the original text, for highlighting.

SCRIPT_FOLDS = {
    "\u0671": "\u0627",  # ٱ alef wasla → ا
    "\u0649": "\u064a",  # ى alef maqsura → ي
    "\u0629": "\u0647",  # ة taa marbuta → ه (common, lossy)
    "\u06a9": "\u0643",  # Persian ک → ك
    "\u06cc": "\u064a",  # Persian ی → ي
    "ɓ": "b", "ɗ": "d", "ƙ": "k", "ƴ": "y", "Ɓ": "B", "Ɗ": "D", "Ƙ": "K", "Ƴ": "Y",  # Hausa hooks
    "\u03b5": "ɛ", "ɔ": "o", "Ɔ": "O",  # Bambara: Greek ε typed for ɛ; open o
}
_RUNS = re.compile(r"  +")


def match_fold_char(ch: str, keep_case: bool = False) -> str:
    """The matching form of one character: '' (dropped), ' ' (separator) or letters/digits."""
    if is_dropped(ch):
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        c = fold_char(c) if keep_case else fold_char(c).casefold()
        for d in unicodedata.normalize("NFD", c):
            category = unicodedata.category(d)
            if category == "Mn" or is_dropped(d):
                continue
            d = SCRIPT_FOLDS.get(d, d)
            if d.isdecimal():
                d = str(unicodedata.decimal(d))
            out.append(d if d.isalnum() or category == "Mc" else " ")
    return "".join(out)


class FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on first use; remembers which characters are not 1:1."""

    def __init__(self, keep_case: bool) -> None:
        super().__init__()
        self.keep_case = keep_case
        self._odd: set[str] = set()
        self._odd_re: re.Pattern[str] | None = None

    def __missing__(self, code: int) -> str:
        folded = match_fold_char(chr(code), self.keep_case)
        if len(folded) != 1:  # publish "odd" before the entry, for readers in other threads
            self._odd.add(chr(code))
            self._odd_re = None
        self[code] = folded
        return folded

    def odd_pattern(self) -> re.Pattern[str]:
        """Matches any seen character whose folded form is not exactly one character."""
        pattern = self._odd_re
        if pattern is None:
            chars = "".join(re.escape(c) for c in sorted(set(self._odd)))
            pattern = self._odd_re = re.compile(f"[{chars}]" if chars else "(?!)")
        return pattern


FOLD = FoldTable(keep_case=False)
FOLD_KEEP_CASE = FoldTable(keep_case=True)


def fold_term(term: str, keep_case: bool = False) -> str:
    """A watchlist term's matching form (the text gets the same folding in :class:`Folded`)."""
    return _RUNS.sub(" ", term.translate(FOLD_KEEP_CASE if keep_case else FOLD)).strip()


class Folded:
    """The matching copy of ``original`` and the map from its offsets back to the original."""

    __slots__ = ("_cuts", "_odd", "_odds", "_pre", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._pre = original.translate(FOLD)
        self._odd = FOLD.odd_pattern().search(original) is not None
        self.text = _RUNS.sub(" ", self._pre)
        self._cuts: tuple[list[int], list[int]] | None = None
        self._odds: tuple[list[int], list[int], list[int], list[int]] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the folded ``text[start:end]`` (``end > start``)."""
        first, last = self._pre_index(start), self._pre_index(end - 1)
        if not self._odd:
            return first, last + 1
        stop = self._source(last)[1]
        while stop < len(self.original) and not FOLD[ord(self.original[stop])] \
                and unicodedata.category(self.original[stop]).startswith("M"):
            stop += 1  # a combining mark belongs to the letter before it
        return self._source(first)[0], stop

    def evasion(self, start: int, end: int) -> bool:
        """True when the original span hid invisible characters or compatibility lookalikes."""
        span = self.original[start:end]
        hidden = self._odd and any(is_dropped(ch) for ch in span)
        return hidden or not unicodedata.is_normalized("NFKC", span)

    def _pre_index(self, index: int) -> int:
        """Folded index → index before space runs were collapsed."""
        if self._cuts is None:
            self._cuts = _run_cuts(self._pre)
        cuts, totals = self._cuts
        k = bisect.bisect_right(cuts, index)
        return index + (totals[k - 1] if k else 0)

    def _source(self, index: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the character that produced uncollapsed ``index``."""
        if self._odds is None:
            self._odds = _odd_chars(self.original)
        pres, origins, widths, shifts = self._odds
        k = bisect.bisect_right(pres, index) - 1
        if k >= 0 and index < pres[k] + widths[k]:
            return origins[k], origins[k] + 1  # one of several characters from one original
        source = index - (shifts[k] if k >= 0 else 0)
        return source, source + 1


def _odd_chars(original: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """For characters not folded 1:1: folded position, original position, folded width, and
    the total shift (folded minus original) after each."""
    pres: list[int] = []
    origins: list[int] = []
    widths: list[int] = []
    shifts: list[int] = []
    shift = 0
    for odd in FOLD.odd_pattern().finditer(original):
        width = len(FOLD[ord(odd.group())])
        pres.append(odd.start() + shift)
        origins.append(odd.start())
        widths.append(width)
        shift += width - 1
        shifts.append(shift)
    return pres, origins, widths, shifts


def _run_cuts(pre: str) -> tuple[list[int], list[int]]:
    """Where collapsing space runs shifted offsets: folded index → characters removed before."""
    cuts: list[int] = []
    totals: list[int] = []
    removed = 0
    for run in _RUNS.finditer(pre):
        cuts.append(run.start() - removed + 1)
        removed += run.end() - run.start() - 1
        totals.append(removed)
    return cuts, totals
