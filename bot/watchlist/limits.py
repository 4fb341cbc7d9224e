"""Size limits that keep a careless or hostile watchlist from taking the bot down.

A 1 MB term made the Aho-Corasick build crash the process; a 22 KB file whose YAML aliases
repeat one list of terms expanded to 1.2 million terms (50 s, 633 MB). So, before anything is
compiled: a file over ``file_bytes`` is not read, YAML deeper than :data:`MAX_DEPTH` is not
composed, a file whose aliases expand it past ``yaml_nodes`` nodes is not parsed, and terms
longer than ``term_chars``, topics over ``terms_per_topic`` and watchlists over ``terms_total``
are errors at their ``file:line:column``. Each limit is a setting (``SAHELWATCH_WATCHLIST_MAX_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.watchlist.schema import Mark, Problem, Topic

if TYPE_CHECKING:
    from bot.config import Settings

MAX_DEPTH = 64  # a watchlist needs 6; the pure-Python YAML composer recurses per level
SHOWN = 40  # characters of an over-long term quoted in its error


@dataclass(frozen=True)
class WatchlistLimits:
    file_bytes: int = 1_000_000
    term_chars: int = 200
    terms_per_topic: int = 2_000
    terms_total: int = 10_000  # Arabic terms compile to ~24 forms each
    yaml_nodes: int = 200_000

    @classmethod
    def from_settings(cls, settings: Settings) -> WatchlistLimits:
        return cls(settings.watchlist_max_bytes, settings.watchlist_max_term_chars,
                   settings.watchlist_max_terms_per_topic, settings.watchlist_max_terms,
                   settings.watchlist_max_nodes)


DEFAULT_WATCHLIST_LIMITS = WatchlistLimits()


def file_too_big(path: Path, shown: str, limits: WatchlistLimits) -> Problem | None:
    size = path.stat().st_size
    if size <= limits.file_bytes:
        return None
    return Problem(Mark(shown, 1, 1), f"file is {size:,} bytes, over the limit of {limits.file_bytes:,} "
                                      "(SAHELWATCH_WATCHLIST_MAX_BYTES); split it or remove terms")


def read_limited(path: Path, shown: str, limits: WatchlistLimits) -> bytes | Problem:
    """The bytes of a watchlist file, or the one problem that stops it: over the size limit, or
    unreadable (missing, a directory, no permission)."""
    try:
        if (big := file_too_big(path, shown, limits)) is not None:
            return big
        return path.read_bytes()
    except OSError as exc:
        return Problem(Mark(shown, 0, 0), f"cannot read: {exc.strerror or exc}")


def too_deep(shown: str, text: str, loader: type) -> Problem | None:
    """Nesting deeper than :data:`MAX_DEPTH`, found from the event stream (no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return Problem(Mark(shown, mark.line + 1, mark.column + 1),
                               f"nested more than {MAX_DEPTH} levels deep; a watchlist needs at most 6")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def too_many_nodes(shown: str, root: yaml.Node, limits: WatchlistLimits) -> Problem | None:
    """Walk ``root`` as the loader would, aliases expanded, and stop past ``yaml_nodes`` nodes."""
    seen: dict[int, yaml.Node] = {}
    repeated: yaml.Node | None = None
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > limits.yaml_nodes:
            where = (repeated or node).start_mark
            return Problem(Mark(shown, where.line + 1, where.column + 1),
                           f"YAML aliases (*name) repeat the anchor here until the file holds more than "
                           f"{limits.yaml_nodes:,} values (SAHELWATCH_WATCHLIST_MAX_NODES); write terms out once")
        if id(node) in seen and repeated is None:
            repeated = node
        seen.setdefault(id(node), node)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return None


def term_problems(topics: list[Topic], limits: WatchlistLimits) -> list[Problem]:
    """Over-long terms and topics with too many terms (the total is checked across files)."""
    problems = []
    for topic in topics:
        terms = [*topic.terms, *topic.require, *topic.exclude]
        if len(terms) > limits.terms_per_topic:
            problems.append(Problem(topic.mark, f"topic '{topic.name}' has {len(terms):,} terms, over the limit "
                                    f"of {limits.terms_per_topic:,} (SAHELWATCH_WATCHLIST_MAX_TERMS_PER_TOPIC)"))
        problems += [Problem(t.mark, f"term '{t.text[:SHOWN]}…' is {len(t.text):,} characters, over the limit of "
                                     f"{limits.term_chars} (SAHELWATCH_WATCHLIST_MAX_TERM_CHARS)")
                     for t in terms if len(t.text) > limits.term_chars]
    return problems


def over_long(topic: Topic, limits: WatchlistLimits) -> bool:
    """True when a term of ``topic`` is over the length limit (then it is not linted further)."""
    return any(len(t.text) > limits.term_chars for t in (*topic.terms, *topic.require, *topic.exclude))


def total_problem(topics: list[Topic], limits: WatchlistLimits) -> Problem | None:
    count = 0
    for topic in topics:
        count += len(topic.terms) + len(topic.require) + len(topic.exclude)
        if count > limits.terms_total:
            return Problem(topic.mark, f"the watchlists hold more than {limits.terms_total:,} terms by topic "
                                       f"'{topic.name}' (SAHELWATCH_WATCHLIST_MAX_TERMS)")
    return None
