"""Reading ``events.yaml`` (event-type cues, casualty words, number words) strictly.

The same reader as the watchlists (:mod:`bot.watchlist.nodes`): every problem is a
:class:`~bot.watchlist.schema.Problem` with file, line and column; words must be YAML strings
(``NO`` or ``1.10`` are errors, not ``False``/``1.1``); duplicate keys are errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import WatchlistError
from bot.models import EVENT_TYPES
from bot.watchlist.limits import DEFAULT_WATCHLIST_LIMITS, WatchlistLimits, read_limited, too_many_nodes
from bot.watchlist.nodes import Reader, compose
from bot.watchlist.schema import Problem

EVENTS_FILE = "events.yaml"
TOP_KEYS = ("events", "violence", "fallback", "casualties", "units", "numbers")
EVENT_KEYS = ("cues", "attack_on")
CASUALTY_KINDS = ("killed", "wounded", "kidnapped")


@dataclass(frozen=True)
class EventRules:
    """Words as written; order of ``cues`` is the precedence."""

    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attack_on: dict[str, tuple[str, ...]] = field(default_factory=dict)
    violence: tuple[str, ...] = ()
    fallback: str | None = None
    casualties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    units: tuple[str, ...] = ()
    numbers: dict[str, int] = field(default_factory=dict)


def check_events(
    path: Path, shown: str, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS
) -> tuple[EventRules | None, list[Problem]]:
    """Parse ``path`` (within the watchlists' size limits); the rules are ``None`` when there are errors."""
    data = read_limited(path, shown, limits)  # missing: the code copied without its watchlists folder
    if isinstance(data, Problem):
        return None, [data]
    node, problems = compose(shown, data.decode("utf-8", errors="replace"))
    if node is not None and (bomb := too_many_nodes(shown, node, limits)) is not None:
        return None, [bomb]
    if node is None:
        return None, problems
    reader = Reader(shown)
    rules = _parse(reader, node)
    problems += reader.problems
    return (None if any(p.level == "error" for p in problems) else rules), problems


def load_events(path: Path) -> EventRules:
    """The rules of ``path``; raises :class:`WatchlistError` listing every problem."""
    rules, problems = check_events(path, str(path))
    if rules is None:
        raise WatchlistError([str(p) for p in problems])
    return rules


def _parse(reader: Reader, node: yaml.Node) -> EventRules:
    pairs = reader.mapping(node, EVENTS_FILE) or []
    reader.unknown_keys(pairs, TOP_KEYS, EVENTS_FILE)
    top = {key: value for key, _, value in pairs}
    cues: dict[str, tuple[str, ...]] = {}
    attack_on: dict[str, tuple[str, ...]] = {}
    events = (reader.mapping(top["events"], "events") or []) if "events" in top else []
    for name, key_node, value in events:
        if name not in EVENT_TYPES:
            reader.report(key_node, f"unknown event type '{name}'; known: {', '.join(EVENT_TYPES)}")
            continue
        parts = reader.mapping(value, f"events.{name}") or []
        reader.unknown_keys(parts, EVENT_KEYS, f"events.{name}")
        lists = {key: _words(reader, v, f"events.{name}.{key}") for key, _, v in parts}
        cues[name] = lists.get("cues", ())
        if lists.get("attack_on"):
            attack_on[name] = lists["attack_on"]
    fallback = reader.string(top["fallback"], "fallback") if "fallback" in top else None
    if fallback is not None and fallback not in EVENT_TYPES:
        reader.report(top["fallback"], f"fallback must be an event type, found '{fallback}'")
    casualties = {kind: _words(reader, v, f"casualties.{kind}")
                  for kind, _, v in (reader.mapping(top["casualties"], "casualties") or [])
                  } if "casualties" in top else {}
    for kind in set(casualties) - set(CASUALTY_KINDS):
        reader.report(top["casualties"], f"unknown casualty kind '{kind}'; known: {', '.join(CASUALTY_KINDS)}")
    return EventRules(cues, attack_on, _words(reader, top.get("violence"), "violence"), fallback,
                      casualties, _words(reader, top.get("units"), "units"), _numbers(reader, top.get("numbers")))


def _words(reader: Reader, node: yaml.Node | None, what: str) -> tuple[str, ...]:
    if node is None:
        return ()
    items = reader.sequence(node, what) or []
    return tuple(w for w in (reader.string(item, f"a word in {what}") for item in items) if w)


def _numbers(reader: Reader, node: yaml.Node | None) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for word, _, value in (reader.mapping(node, "numbers") or []) if node is not None else []:
        if isinstance(value, yaml.ScalarNode) and value.value.isdigit():
            numbers[word] = int(value.value)
        else:
            reader.report(value, f"numbers.{word} must be a whole number")
    return numbers
