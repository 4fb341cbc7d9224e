"""Stage 4: find watchlist terms in the post and decide which topics fire.

One Aho-Corasick automaton holds every folded form of every term, padded with a space on both
sides (a prefix term only on the left). The post's matching copy (:class:`bot.text.Folded`) has
every non-word character as a space, so a hit IS a whole-word (or whole-phrase) match: no
per-term regex, no loop over terms, and all overlapping hits are reported (``niger state`` and
``niger``). Spans are mapped back to the ORIGINAL text. Posts that match nothing pass through.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import ahocorasick

from bot.models import Match, Post, Severity
from bot.pipeline.base import Context
from bot.text import Folded, fold_term
from bot.watchlist.schema import Role, Term, Topic, Watchlist
from bot.watchlist.variants import variants

ROLES: tuple[Role, ...] = ("terms", "require", "exclude")


@dataclass(frozen=True)
class Rule:
    """One term of one topic, as stored in the automaton."""

    topic: str
    role: Role
    term: Term
    exact: str | None  # the case-kept folded term, for case_sensitive terms


@dataclass(frozen=True)
class Hit:
    topic: str
    role: Role
    term: Term
    start: int
    end: int
    evasion: bool


@dataclass(frozen=True)
class Verdict:
    """Whether ``topic`` fired for a text, and why (or why not)."""

    topic: Topic
    fired: bool
    reason: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Classified:
    matches: tuple[Match, ...] = ()
    topics: tuple[str, ...] = ()
    severity: Severity | None = None


class Matcher:
    """The compiled form of a :class:`Watchlist`; immutable, safe to share between tasks."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self.topics = {topic.name: topic for topic in watchlist.topics}
        self._order = {name: index for index, name in enumerate(self.topics)}
        keys = automaton_keys(watchlist)
        self._automaton: Any = ahocorasick.Automaton()
        for key, rules in keys.items():
            self._automaton.add_word(key, (len(key), not key.endswith(" "), tuple(dict.fromkeys(rules))))
        self._automaton.make_automaton()
        self.size = len(keys)

    def scan(self, text: str) -> list[Hit]:
        """Every hit of every term (all roles), overlapping ones included, in text order."""
        if not self.size:
            return []
        folded = Folded(text)
        padded = f" {folded.text} "
        found: dict[tuple[str, Role, Term, int, int], Hit] = {}
        for end, (length, prefix, rules) in self._automaton.iter(padded):
            stop = padded.index(" ", end + 1) - 1 if prefix else end - 1
            start, stop = folded.span(end - length + 1, stop)
            for rule in rules:
                key = (rule.topic, rule.role, rule.term, start, stop)
                if key not in found and (rule.exact is None or _same_case(rule.exact, text[start:stop])):
                    found[key] = Hit(*key, evasion=folded.evasion(start, stop))
        return sorted(found.values(), key=lambda h: (h.start, h.end, h.topic, h.term.text))

    def verdicts(self, text: str) -> list[Verdict]:
        """One verdict per topic one of whose ``terms`` hit, in watchlist order."""
        by_topic: dict[str, list[Hit]] = defaultdict(list)
        for hit in self.scan(text):
            by_topic[hit.topic].append(hit)
        hit_topics = sorted(by_topic, key=self._order.__getitem__)
        return [judge(self.topics[name], tuple(by_topic[name])) for name in hit_topics
                if any(hit.role == "terms" for hit in by_topic[name])]

    def classify(self, text: str) -> Classified:
        """The matches (term hits of fired topics), sorted topic names and severity."""
        fired = [v for v in self.verdicts(text) if v.fired]
        if not fired:
            return Classified()
        matches = sorted(
            (Match(h.topic, h.term.text, h.start, h.end, h.evasion) for v in fired for h in v.hits
             if h.role == "terms"),
            key=lambda m: (m.start, m.end, m.topic, m.term),
        )
        urgent = any(v.topic.severity == "urgent" for v in fired)
        return Classified(tuple(matches), tuple(sorted(v.topic.name for v in fired)),
                          "urgent" if urgent else "routine")


def automaton_keys(watchlist: Watchlist) -> dict[str, list[Rule]]:
    """Padded folded form → the rules it stands for (several topics may share a form)."""
    keys: dict[str, list[Rule]] = defaultdict(list)
    for topic in watchlist.topics:
        for role in ROLES:
            for term in topic.role(role):
                exact = fold_term(term.body, keep_case=True) if term.case_sensitive else None
                rule = Rule(topic.name, role, term, exact)
                for form in variants(term):
                    keys[f" {form}" if term.prefix else f" {form} "].append(rule)
    return keys


def judge(topic: Topic, hits: tuple[Hit, ...]) -> Verdict:
    roles = {role: [h for h in hits if h.role == role] for role in ROLES}
    if roles["exclude"]:
        first = roles["exclude"][0]
        return Verdict(topic, False, f"excluded by '{first.term.text}' at {first.start}-{first.end}", hits)
    if topic.require and not roles["require"]:
        needed = ", ".join(t.text for t in topic.require)
        return Verdict(topic, False, f"required term missing (needs one of: {needed})", hits)
    return Verdict(topic, True, "matched", hits)


def _same_case(exact: str, span: str) -> bool:
    return exact in fold_term(span, keep_case=True)


def current_matcher(context: Context) -> Matcher:
    """The matcher in ``context.extras["watchlist"]``: a Matcher or a holder with ``.matcher``."""
    source = context.extras["watchlist"]
    return source if isinstance(source, Matcher) else source.matcher


def match(post: Post, context: Context) -> Post:
    """Set ``matches``, ``topics`` and ``severity``; never drops a post."""
    result = current_matcher(context).classify(post.text)
    if not result.topics and not (post.matches or post.topics or post.severity):
        return post  # nothing to change: skip the copy (most posts)
    return post.with_(matches=result.matches, topics=result.topics, severity=result.severity)
