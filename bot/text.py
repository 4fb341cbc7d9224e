"""Character-level text cleaning shared by the normalise stage, the matcher and dedupe.

Evasion tricks (zero-width and other format characters, bidi controls, soft hyphen, Arabic
tatweel, the combining grapheme joiner) are deleted; typographic quotes and dashes fold to
ASCII; every kind of space becomes one ASCII space. NFKC handles width and compatibility
forms. The original text is never changed: callers keep it for display.
"""

from __future__ import annotations

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


def clean(text: str) -> str:
    """NFKC, drop invisible characters, fold quotes/dashes, collapse whitespace, strip."""
    folded = "".join(fold_char(ch) for ch in unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", folded).strip()


def strip_bidi(text: str) -> str:
    """Remove bidi controls only: for snippets shown to readers (no misleading rendering)."""
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)
