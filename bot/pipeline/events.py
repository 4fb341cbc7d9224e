"""Event type (ACLED) and casualty numbers of a text, from the words of ``events.yaml``.

One Aho-Corasick automaton holds every word, folded like watchlist terms and expanded with
Arabic proclitics and the article (هجوم → والهجوم, الهجوم). A text is scanned once; hits become
word positions, so "near" means a number of words, not characters. The rules are documented
at the top of ``watchlists/events.yaml``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import ahocorasick

from bot.models import Casualties, EventType
from bot.text import Folded
from bot.watchlist.event_rules import CASUALTY_KINDS, EventRules
from bot.watchlist.schema import Mark, Term
from bot.watchlist.variants import variants

MARK = Mark("events.yaml", 0, 0)
WINDOW = 6  # words between a number and its casualty word
MAX_COUNT = 1900  # from here on a number is a year, a sum of money, ...


@dataclass(frozen=True)
class Found:
    """Labels (``cue:battle``, ``killed``, ``number:12``, ...) found at words ``[first, last]``."""

    first: int
    last: int
    labels: frozenset[str]


class EventClassifier:
    def __init__(self, rules: EventRules) -> None:
        self.rules = rules
        labels: dict[str, set[str]] = defaultdict(set)
        for event, words in rules.cues.items():
            _label(labels, words, f"cue:{event}")
        for event, words in rules.attack_on.items():
            _label(labels, words, f"target:{event}")
        _label(labels, rules.violence, "violence")
        for kind, words in rules.casualties.items():
            _label(labels, words, kind)
            _label(labels, words, "violence")
        _label(labels, rules.units, "unit")
        for word, value in rules.numbers.items():
            _label(labels, (word,), f"number:{value}")
        self._automaton: Any = ahocorasick.Automaton()
        for form, names in labels.items():
            self._automaton.add_word(f" {form} ", (form.count(" ") + 1, frozenset(names)))
        self._automaton.make_automaton()

    def scan(self, text: str, folded_copy: Folded | None = None) -> list[Found]:
        folded = (folded_copy or Folded(text)).text
        padded = f" {folded} "
        found = []
        for end, (size, names) in self._automaton.iter(padded):
            last = padded.count(" ", 0, end) - 1  # index of the word ending just before `end`
            found.append(Found(last - size + 1, last, names))
        for index, word in enumerate(folded.split()):
            if word.isdigit() and 0 < int(word) < MAX_COUNT:
                found.append(Found(index, index, frozenset({f"number:{int(word)}"})))
        return sorted(found, key=lambda f: (f.first, f.last))

    def classify(self, text: str, folded: Folded | None = None) -> tuple[EventType | None, Casualties]:
        found = self.scan(text, folded)
        return self.event(found), self.casualties(found)

    def event(self, found: list[Found]) -> EventType | None:
        labels = set().union(*(f.labels for f in found)) if found else set()
        for event in self.rules.cues:
            if f"cue:{event}" in labels:
                return event  # type: ignore[return-value]
        if "violence" not in labels:
            return None
        for event in self.rules.cues:
            if f"target:{event}" in labels:
                return event  # type: ignore[return-value]
        return self.rules.fallback  # type: ignore[return-value]

    def casualties(self, found: list[Found]) -> Casualties:
        counts: dict[str, int] = {}
        for item in found:
            value = _number(item)
            if value is None or _unit_after(found, item):
                continue
            kind = _nearest_kind(found, item)
            if kind is not None and kind not in counts:
                counts[kind] = value
        return Casualties(**counts)


def _label(labels: dict[str, set[str]], words: tuple[str, ...], name: str) -> None:
    for word in words:
        for form in variants(Term(word, MARK)):
            labels[form].add(name)


def _number(item: Found) -> int | None:
    values = [int(label.split(":")[1]) for label in item.labels if label.startswith("number:")]
    return values[0] if values else None


def _unit_after(found: list[Found], item: Found) -> bool:
    return any("unit" in f.labels and f.first == item.last + 1 for f in found)


def _nearest_kind(found: list[Found], item: Found) -> str | None:
    """The casualty word nearest to the number (same word first, then after, then before)."""
    best: tuple[int, int, str] | None = None
    for other in found:
        for kind in CASUALTY_KINDS:
            if kind not in other.labels:
                continue
            if other.first > item.last:
                rank = (other.first - item.last, 0)
            elif other.last < item.first:
                rank = (item.first - other.last, 1)
            else:
                rank = (0, 0)
            if rank[0] <= WINDOW and (best is None or rank < best[:2]):
                best = (*rank, kind)
    return best[2] if best else None
