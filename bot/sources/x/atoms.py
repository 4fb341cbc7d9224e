"""Watchlist terms → X rule atoms (keywords and quoted phrases), never narrower than our matcher.

X's matching differs from SahelWatch's (reference §6): it is accent-sensitive on the stream,
has no prefix wildcard and no Arabic clitic or letter-variant folding. A rule is only a
pre-filter, so each term becomes the spellings X must see to pass what our matcher would
match: the term as written, plus the matcher's own folded forms
(:func:`bot.watchlist.variants.variants`: accents and Arabic letter variants folded, Arabic
clitic and article forms). A prefix term ``russe*`` can only be sent as its stem ``russe``:
an approximation, reported so an admin can add the forms that matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.watchlist.schema import Term
from bot.watchlist.variants import is_arabic, variants

BARE = re.compile(r"[#@]?\w+")
RESERVED = {"OR", "AND"}


@dataclass(frozen=True)
class Atoms:
    """The rule atoms for one term, and why they only approximate it (``""`` when exact)."""

    term: str
    atoms: tuple[str, ...]
    approximate: str = ""


def quote(text: str) -> str:
    """An atom X reads as one keyword or one exact phrase (``""`` when nothing is left)."""
    cleaned = " ".join(unicodedata.normalize("NFC", text).replace('"', " ").split())
    if BARE.fullmatch(cleaned) and cleaned not in RESERVED:
        return cleaned
    return f'"{cleaned}"' if cleaned else ""


def unique(atoms: Iterable[str]) -> list[str]:
    """Without repeats, X being case-insensitive; the first spelling is kept."""
    seen: dict[str, str] = {}
    for atom in atoms:
        seen.setdefault(atom.casefold(), atom)
    return list(seen.values())


def atoms_for(term: Term) -> Atoms:
    found = unique(a for a in (quote(form) for form in [term.body, *variants(term)]) if a)
    note = f"X has no prefix match: {term.text} is sent as {quote(term.body)}" if term.prefix and found else ""
    return Atoms(term.text, tuple(found), note)


def has_arabic(text: str) -> bool:
    return any(is_arabic(ch) for ch in text)


def exact_atoms(terms: Sequence[Term]) -> list[str] | None:
    """Atoms for a ``require`` group, or None when X cannot express it without narrowing it
    (prefix terms; Arabic terms, whose hamza spellings with attached clitics X cannot fold)."""
    out: list[str] = []
    for term in terms:
        found = atoms_for(term)
        if found.approximate or not found.atoms or has_arabic(term.text):
            return None
        out += found.atoms
    return unique(out)


def negated(terms: Sequence[Term]) -> list[str]:
    """``-atom`` for ``exclude`` terms X can apply without excluding more than our matcher does
    (a case-sensitive term would exclude other casings on X; a prefix term only its stem)."""
    safe = [t for t in terms if not t.case_sensitive and not t.prefix]
    return unique(f"-{a}" for t in safe for a in atoms_for(t).atoms)
