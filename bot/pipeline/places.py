"""Resolve one place per post from gazetteer hits, with the evidence that decided it.

Rules, in order (each is a test in tests/test_places.py):

1. **Longest hit wins** where hits overlap: "Niger State" hides "Niger", "fleuve Niger" (a
   feature) hides the country, "Boko Haram" (a blocking phrase) hides the town Boko.
2. **Context-only names** (Say, Kaya, Gao, Boni, Téra, Mali/مالي, ... : also common words)
   count only with context: a cue word before them ("à", "near", "a", "في", "قرب", or the
   proclitic بـ), a headline colon after them ("Say : ..."), or another place or word of the
   same country in the text. In Latin script they must also be written with a capital.
3. **Country votes**: every remaining hit gives one vote, split between the countries it may
   mean (Gao: ½ Mali, ½ Burkina Faso). Country names and demonyms vote too.
4. **Score** each candidate: 10 × its country's votes, + the admin level the text supports
   (town 4, region 2, country 0), + 2 for a cue word (+ 1 for a headline colon; neither for a
   country), + 3 for a town whose region another hit names, - 0.3 per place named before it
   (headlines name the incident's place first), + a little for population (tie-break).
5. A tie between two countries with no evidence either way leaves the post unresolved.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from bot.models import Place
from bot.pipeline.gazetteer import Entry, Gazetteer, Hit
from bot.text import Folded
from bot.watchlist.variants import is_arabic

LOCATIVE_CLITICS = frozenset({"ب", "وب", "فب"})
LEVEL_SCORE = {"place": 4, "admin1": 2, "country": 0}


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    hit: Hit
    cue: str  # the cue word(s) before the name, "" if none
    score: float = 0.0


def resolve(gazetteer: Gazetteer, text: str, folded: Folded | None = None) -> Place | None:
    """The place ``text`` is about, or ``None`` when it names none (or only ambiguously)."""
    folded = folded or Folded(text)
    hits = longest(gazetteer.scan(folded))
    named = [h for h in hits if not h.key.special and any(gazetteer.entries[i].kind != "feature"
                                                          for i in h.key.entries)]
    candidates = [Candidate(gazetteer.entries[i], h, cue_before(gazetteer, folded, text, h))
                  for h in named for i in h.key.entries if gazetteer.entries[i].kind != "feature"]
    candidates = with_context(candidates, text)
    if not candidates:
        return None
    votes = country_votes(candidates)
    scored = sorted((score(c, votes, candidates) for c in candidates), key=lambda c: -c.score)
    best = scored[0]
    rival = next((c for c in scored if c.entry.country != best.entry.country), None)
    if rival is not None and rival.hit is best.hit \
            and math.isclose(votes[rival.entry.country], votes[best.entry.country]):
        return None  # e.g. "Gao" alone with nothing else: Mali or Burkina Faso
    return place_of(best, candidates, text)


def longest(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer (or equal, earlier) one."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.fend - h.fstart), h.fstart)):
        if all(hit.fend <= k.fstart or hit.fstart >= k.fend for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.fstart)


def cue_before(gazetteer: Gazetteer, folded: Folded, text: str, hit: Hit) -> str:
    """The cue as written: a word before ("près de"), a proclitic بـ, or ":" (a headline colon after)."""
    if hit.key.clitic in LOCATIVE_CLITICS:
        return hit.key.clitic
    before = folded.text[: hit.fstart].rstrip()
    words = before.split()
    for size in (3, 2, 1):
        phrase = " ".join(words[-size:])
        if len(words) >= size and phrase in gazetteer.cues:
            start = folded.span(len(before) - len(phrase), len(before))[0]
            return text[start:hit.start].strip()
    return ":" if text[hit.end:].lstrip().startswith(":") else ""


def with_context(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Rule 2: keep context-only names only with a cue or a same-country co-mention."""
    sure = [c for c in candidates if not c.hit.key.context_only]
    sure_countries = {c.entry.country for c in sure}
    kept = []
    for c in candidates:
        if c.hit.key.context_only:
            written = text[c.hit.start:c.hit.end]
            if written[:1].isalpha() and not is_arabic(written[0]) and not written[0].isupper():
                continue
            if not c.cue and c.entry.country not in sure_countries - {""}:
                continue
        kept.append(c)
    return kept


def country_votes(candidates: list[Candidate]) -> dict[str, float]:
    by_hit: dict[Hit, set[str]] = defaultdict(set)
    for c in candidates:
        by_hit[c.hit].add(c.entry.country)
    votes: dict[str, float] = defaultdict(float)
    for countries in by_hit.values():
        for country in countries:
            votes[country] += 1 / len(countries)
    return votes


def score(c: Candidate, votes: dict[str, float], candidates: list[Candidate]) -> Candidate:
    value = 10 * votes[c.entry.country] + LEVEL_SCORE[c.entry.kind]
    if c.cue and c.entry.kind != "country":
        value += 1 if c.cue == ":" else 2
    if c.entry.kind == "place" and any(o.entry.kind == "admin1" and o.hit is not c.hit
                                       and o.entry.name == c.entry.admin1 for o in candidates):
        value += 3
    earlier = len({o.hit.fstart for o in candidates if o.hit.fstart < c.hit.fstart and o.entry.kind != "country"})
    value += 0.1 * math.log10(c.entry.population + 1) - 0.3 * earlier
    return Candidate(c.entry, c.hit, c.cue, value)


def place_of(best: Candidate, candidates: list[Candidate], text: str) -> Place:
    entry = best.entry
    said = text[best.hit.start:best.hit.end]
    shown_cue = best.cue not in ("", ":") and best.cue not in LOCATIVE_CLITICS
    why = [f"{best.cue} {said}" if shown_cue else said]
    why += sorted({text[c.hit.start:c.hit.end] for c in candidates
                   if c.entry.country == entry.country and c.hit is not best.hit})[:3]
    admin1 = entry.admin1 if entry.kind != "country" else None
    return Place(entry.country, entry.name, admin1, entry.lat, entry.lon, "; ".join(why))
