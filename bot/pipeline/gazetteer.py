"""The vendored gazetteer (``bot/data/gazetteer.tsv.gz``, built by ``scripts/build_gazetteer.py``)
compiled into one Aho-Corasick automaton over the matcher's folded forms.

Every alias is folded exactly as watchlist terms are (:func:`bot.text.fold_term`, so accents,
case, Arabic letter variants and evasion characters do not matter) and expanded with the Arabic
proclitics (بتمبكتو, وكيدال) by :func:`bot.watchlist.variants.variants`, without the article
(المالي is "the financial" or "Malian", never Mali). :meth:`Gazetteer.scan` returns whole-word
hits only, overlapping ones included; the resolver (:mod:`bot.pipeline.places`) decides.
"""

from __future__ import annotations

import gzip
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick

from bot.text import Folded, fold_term
from bot.watchlist.schema import Mark, Term
from bot.watchlist.variants import variants

DATA = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv.gz"
MARK = Mark("gazetteer", 0, 0)
LEVEL = {"place": 3, "admin1": 2, "country": 1, "feature": 0}


@dataclass(frozen=True)
class Entry:
    """One country, admin-1 region, town or feature (a river: never a place itself)."""

    kind: str
    country: str
    name: str
    admin1: str | None
    lat: float
    lon: float
    population: int

    @property
    def level(self) -> int:
        return LEVEL[self.kind]


@dataclass(frozen=True)
class Key:
    """What one folded form stands for."""

    entries: tuple[int, ...]
    context_only: bool
    clitic: str  # the Arabic proclitic it was matched with ("ب" "in/at", "و" "and", ...) or ""
    special: str = ""  # "block" or "cue"


@dataclass(frozen=True)
class Hit:
    """A gazetteer form found in a text: folded ``[fstart, fend)`` and original ``[start, end)``."""

    fstart: int
    fend: int
    start: int
    end: int
    key: Key


SPECIALS = ("", "block", "cue")


class Forms:
    """What each folded form stands for, in flat arrays (a few hundred KB for ~15,000 forms, where
    one :class:`Key` object per form took ~3 MB); :meth:`key` builds the Key of one form."""

    def __init__(self, forms: dict[str, dict[str, Any]]) -> None:
        self.lengths = array("H")  # padded length of each form
        self.starts = array("I", [0])  # form i's entries are entries[starts[i]:starts[i + 1]]
        self.entries = array("H")
        self.flags = array("B")  # bit 0: context only; bits 1-2: index in SPECIALS
        self.clitic = array("B")  # index in self.clitics
        self.clitics: list[str] = []
        for form, info in forms.items():
            self.lengths.append(len(form) + 2)
            self.entries.extend(dict.fromkeys(info["entries"]))
            self.starts.append(len(self.entries))
            self.flags.append(info["context_only"] | SPECIALS.index(info["special"]) << 1)
            if info["clitic"] not in self.clitics:
                self.clitics.append(info["clitic"])
            self.clitic.append(self.clitics.index(info["clitic"]))

    def key(self, index: int) -> Key:
        flags = self.flags[index]
        return Key(tuple(self.entries[self.starts[index] : self.starts[index + 1]]), bool(flags & 1),
                   self.clitics[self.clitic[index]], SPECIALS[flags >> 1])


class Gazetteer:
    def __init__(self, rows: list[list[str]]) -> None:
        self.entries: list[Entry] = []
        self.cues: set[str] = set()
        forms: dict[str, dict[str, Any]] = {}
        for kind, country, name, admin1, lat, lon, population, aliases in rows:
            if kind in ("block", "cue"):
                self._special(kind, aliases, forms)
                continue
            index = len(self.entries)
            self.entries.append(Entry(kind, country, name, admin1 or None, float(lat), float(lon), int(population)))
            for alias in aliases.split("|"):
                self._add(alias.lstrip("~"), index, alias.startswith("~"), forms)
        self._forms = Forms(forms)
        padded = [f" {form} " for form in forms]
        del forms  # before the automaton's many small nodes are made: they can take its place
        self._automaton: Any = ahocorasick.Automaton(ahocorasick.STORE_INTS)  # form number, not an object
        for index, form in enumerate(padded):
            self._automaton.add_word(form, index)
        self._automaton.make_automaton()

    def _special(self, kind: str, phrase: str, forms: dict[str, dict[str, Any]]) -> None:
        if kind == "cue":
            self.cues.add(fold_term(phrase))
            return
        for form in variants(Term(phrase, MARK, arabic_article=False)):
            forms.setdefault(form, {"entries": [], "context_only": False, "clitic": "", "special": kind})

    def _add(self, alias: str, index: int, context_only: bool, forms: dict[str, dict[str, Any]]) -> None:
        base = fold_term(alias)
        for form in variants(Term(alias, MARK, arabic_article=False)):
            clitic = form[: len(form) - len(base)] if form.endswith(base) else ""
            info = forms.setdefault(form, {"entries": [], "context_only": True, "clitic": clitic, "special": ""})
            info["entries"].append(index)
            info["context_only"] = info["context_only"] and context_only

    def scan(self, folded: Folded) -> list[Hit]:
        """Every whole-word hit in ``folded``, in text order (overlapping ones included)."""
        padded = f" {folded.text} "
        hits = []
        for end, index in self._automaton.iter(padded):
            fstart, fend = end - self._forms.lengths[index] + 2, end  # the word(s) between the padding spaces
            start, stop = folded.span(fstart - 1, fend - 1)
            hits.append(Hit(fstart - 1, fend - 1, start, stop, self._forms.key(index)))
        return sorted(hits, key=lambda h: (h.fstart, -h.fend))


def read_rows(path: Path = DATA) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [line.rstrip("\n").split("\t") for line in lines if line.strip()]


@cache
def default_gazetteer() -> Gazetteer:
    """The vendored gazetteer, loaded once per process (read-only, safe to share)."""
    return Gazetteer(read_rows())
