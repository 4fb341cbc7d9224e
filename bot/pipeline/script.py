"""What the letters alone say about a post's language, for the language stage.

Two cheap rules that run beside the statistical detector:

- :func:`settled_by_script`: a short post written only in Arabic letters (``هجوم في ميناكا``,
  too short for the detector) is Arabic when ``ar`` is configured, unless it uses letters that
  Arabic does not (Persian/Urdu/Pashto پ چ ژ گ ک ی ٹ ڈ ڑ ں ے ۃ ...): those stay ``und``.
- :func:`other_letters`: letters that none of the usual configured languages write — the
  open vowels and nasals of Bambara, Fulfulde, Wolof and their neighbours (ɛ ɔ ɲ ŋ, and the
  Greek ε typed for ɛ). Posts that use them in several words are in a language outside
  the configured set, which the restricted detector would otherwise force into Hausa.
"""

from __future__ import annotations

OTHER_LETTERS = frozenset("ɛɔɲŋƐƆƝŊε")
WRITE_OTHER_LETTERS = frozenset({"bm", "ff", "fuv", "wo", "ln", "ee", "ak", "tw", "din", "kr"})
NOT_ARABIC = frozenset("پچژگکیٹڈڑںےۃۓھڭڤڠ")
SCRIPT_MIN_LETTERS = 3
OTHER_MIN_WORDS = 2


def is_arabic_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc"


def settled_by_script(text: str, languages: tuple[str, ...]) -> str | None:
    """``"ar"`` when every letter of ``text`` (at least 3) is an Arabic letter and ``ar`` is
    configured; else ``None`` (the script does not settle it)."""
    letters = [ch for ch in text if ch.isalpha()]
    if "ar" not in languages or len(letters) < SCRIPT_MIN_LETTERS:
        return None
    if all(is_arabic_letter(ch) and ch not in NOT_ARABIC for ch in letters):
        return "ar"
    return None


def other_letters(text: str, languages: tuple[str, ...]) -> bool:
    """True when at least two words use letters no configured language writes."""
    if WRITE_OTHER_LETTERS.intersection(languages):
        return False
    words = sum(1 for word in text.split() if OTHER_LETTERS.intersection(word))
    return words >= OTHER_MIN_WORDS
