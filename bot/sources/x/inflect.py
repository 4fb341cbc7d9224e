"""The whole words X must be asked for so that a prefix term reaches SahelWatch.

X has no prefix operator: ``attaque*`` sent as ``attaque`` never brings "attaques" or
"attaqué". So a prefix term is expanded into the inflected forms a small per-language suffix
table knows (French and English for Latin script, Arabic for Arabic script; the script decides,
a term has no language) plus the spellings stored posts show (words our matcher caught with the
term). Only forms our matcher would also catch are kept (their folded form starts with the
term's), at most :data:`MAX_FORMS` per term; the rest is reported as an approximation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from bot.text import fold_term
from bot.watchlist.schema import Term, Watchlist
from bot.watchlist.variants import article_allowed, is_arabic

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
