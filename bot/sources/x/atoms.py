"""Watchlist terms → X rule atoms (keywords and quoted phrases), never narrower than our matcher.

X's matching differs from SahelWatch's (reference §6): it is accent-sensitive on the stream,
has no prefix wildcard and no Arabic clitic or letter-variant folding. A rule is only a
pre-filter, so each term becomes the spellings X must see to pass what our matcher would
match: the term as written, plus the matcher's own folded forms
(:func:`bot.watchlist.variants.variants`: accents and Arabic letter variants folded, Arabic
clitic and article forms). A prefix term ``russe*`` is sent as its stem plus the inflected
forms :mod:`bot.sources.x.inflect` knows or stored posts show (``russes``, ``russe``…): still an
approximation (other words with that start reach us only if another rule brings them), reported
so an admin can add the forms that matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.sources.x.inflect import expansion
from bot.text import fold_term
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


def atoms_for(term: Term, observed: Sequence[str] = (), expand: bool = True) -> Atoms:
    """The atoms for ``term``; a prefix term also gets its inflected forms when ``expand``
    (``observed``: words stored posts show it matched)."""
    found = unique(a for a in (quote(form) for form in [term.body, *variants(term)]) if a)
    if not (term.prefix and found):
        return Atoms(term.text, tuple(found))
    extra, over = expansion(term, observed) if expand else ([], 0)
    extra_atoms = unique(a for a in (quote(f) for w in extra for f in (w, fold_term(w))) if a)
    atoms = unique([*found, *extra_atoms])
    return Atoms(term.text, tuple(atoms), prefix_note(term, len(atoms) - len(found), over, expand))


def prefix_note(term: Term, added: int, over: int, expand: bool) -> str:
    """What a prefix term is sent as, in words an admin reads."""
    sent = f"X has no prefix match: {term.text} is sent as {quote(term.body)}"
    if not expand:
        return f"{sent} only (inflected forms left out to stay within the rule limit)"
    more = f" and {added} inflected spellings" if added else ""
    cut = f" ({over} more known forms did not fit)" if over else ""
    return f"{sent}{more}{cut}; other words starting with '{term.body}' reach SahelWatch only if X sends them"


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


ARABIC_VARIANT_LETTERS = frozenset("اأإآٱىيةه")


def matcher_only(term: Term, sent: bool) -> tuple[str, ...]:
    """What SahelWatch's matcher catches with ``term`` that the X rule does not ask for: those
    posts reach the bot only if X sends them for another rule."""
    if not sent:
        return ("everything: no rule carries it",)
    body, folded = term.body, fold_term(term.body)
    found = []
    if term.prefix:
        found.append(f"other words starting with '{body}'")
    if has_arabic(body):
        if ARABIC_VARIANT_LETTERS & set(body):
            found.append("other spellings of ا/أ/إ/آ, ى/ي or ة/ه")
        if term.prefix:
            found.append("forms with other attached prefixes (ب, ل, ف, ك ...)")
    elif folded != " ".join(body.casefold().split()) and folded != unicodedata.normalize("NFC", body).casefold():
        found.append(f"spellings with other accents or punctuation than '{body}' and '{folded}'")
    return tuple(found)
