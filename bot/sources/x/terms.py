"""Watchlist terms → X rule atoms (keywords and quoted phrases), never narrower than our matcher.

X's matching differs from SahelWatch's (https://docs.x.com/x-api/posts/filtered-stream/integrate/build-a-rule):
it is accent-sensitive on the stream,
has no prefix wildcard and no Arabic clitic or letter-variant folding. A rule is only a
pre-filter, so each term becomes the spellings X must see to pass what our matcher would
match: the term as written, plus the matcher's own folded forms
(:func:`bot.watchlist.variants.variants`: accents and Arabic letter variants folded, Arabic
clitic and article forms). A prefix term ``russe*`` is sent as its stem plus the inflected
forms :mod:`bot.sources.x.terms` knows or stored posts show (``russes``, ``russe``…): still an
approximation (other words with that start reach us only if another rule brings them), reported
so an admin can add the forms that matter.

``inflect``: The whole words X must be asked for so that a prefix term reaches SahelWatch.

X has no prefix operator: ``attaque*`` sent as ``attaque`` never brings "attaques" or
"attaqué". So a prefix term is expanded into the inflected forms a small per-language suffix
table knows (French and English for Latin script, Arabic for Arabic script; the script decides,
a term has no language) plus the spellings stored posts show (words our matcher caught with the
term). Only forms our matcher would also catch are kept (their folded form starts with the
term's), at most :data:`MAX_FORMS` per term; the rest is reported as an approximation.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.text import fold_term
from bot.watchlist.schema import Term, Watchlist
from bot.watchlist.variants import article_allowed, is_arabic, variants

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


SUFFIXES: Mapping[str, tuple[str, ...]] = {
    "fr": ("s", "e", "es", "é", "ée", "és", "ées", "er", "ent", "ne", "nes"),
    "en": ("s", "es", "ed", "ing", "er", "ers"),
    "ar": ("ة", "ات", "ين", "ون", "ي", "وا", "ت", "ه", "هم", "ها"),
}
AFTER_N = ("ne", "nes")
"""French feminine of -ien/-en words (nigérienne): only after a final n."""
NOMINAL = ("ة", "ات", "ين", "ون", "ي")
"""Arabic endings of nouns and adjectives: only these also get the article (المختطفين)."""
MAX_FORMS = 48
"""Spellings sent per prefix term at most, on top of its stem's own forms."""
VOWELS = frozenset("aeiouyéè")
DOUBLING = ("ed", "ing", "er", "ers", "é", "ée", "és", "ées")


def languages(body: str) -> tuple[str, ...]:
    return ("ar",) if any(is_arabic(ch) for ch in body) else ("fr", "en")


def _attach(body: str, suffix: str) -> list[str]:
    """``body`` + ``suffix`` as the language writes it: a final e/é gives way to a suffix
    starting with a vowel (attaqu-ée); a final consonant after one vowel may double (kidnapp-ed)."""
    if suffix in AFTER_N and not body.endswith("n"):
        return []
    if suffix[0] not in VOWELS or is_arabic(suffix[0]):
        return [body + suffix]
    if body[-1:] in ("e", "é"):
        return [body[:-1] + suffix]
    return [body + suffix, body + body[-1] + suffix] if _doubles(body, suffix) else [body + suffix]


def _doubles(body: str, suffix: str) -> bool:
    """kidnap → kidnapped, kidnappé: a short word ending consonant-vowel-consonant."""
    tail = body[-3:].lower()
    syllables = len(re.findall(f"[{''.join(VOWELS)}]+", body.lower()))
    return (suffix in DOUBLING and syllables <= 2 and len(tail) == 3 and tail[0] not in VOWELS
            and tail[1] in VOWELS and tail[2].isalpha() and tail[2] not in VOWELS | {"w", "x"})


def known_forms(term: Term) -> list[str]:
    """Words the suffix tables make of ``term`` that our matcher would catch with it."""
    body, stem = term.body, fold_term(term.body)
    if not stem:
        return []
    words = (w for lang in languages(body) for suffix in SUFFIXES[lang] for w in _attach(body, suffix))
    return [w for w in dict.fromkeys(words) if w != body and fold_term(w).startswith(stem)]


def with_clitics(term: Term, word: str) -> list[str]:
    """An Arabic form as X must see it: bare and with و; nouns also with the article when the
    term allows it. Sending every clitic of every form would multiply them by 24."""
    if not is_arabic(word[-1]):
        return [word]
    nominal = word.endswith(NOMINAL) and not fold_term(term.body).startswith("ال")
    clitics = ("", "و") + (("ال", "وال", "بال", "لل") if nominal and article_allowed(term) else ())
    return [clitic + word for clitic in clitics]


def observed_forms(watchlist: Watchlist, texts: Iterable[str]) -> dict[str, list[str]]:
    """Prefix term text → the words stored posts show it matched, as written (most frequent first)."""
    from bot.pipeline.match import Matcher  # the matcher decides what a prefix term caught

    matcher = Matcher(watchlist)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for text in texts:
        for hit in matcher.scan(text):
            if hit.term.prefix:
                counts[hit.term.text][text[hit.start:hit.end]] += 1
    return {term: sorted(words, key=lambda w: -words[w]) for term, words in counts.items()}


def expansion(term: Term, observed: Sequence[str] = ()) -> tuple[list[str], int]:
    """Extra spellings to send for a prefix term (stored posts' words as written first, then the
    tables' forms with their clitics), and how many did not fit under :data:`MAX_FORMS`."""
    known = (s for w in known_forms(term) for s in with_clitics(term, w))
    spellings = [s for s in dict.fromkeys([*observed, *known]) if s != term.body]
    return spellings[:MAX_FORMS], max(0, len(spellings) - MAX_FORMS)
