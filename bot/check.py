"""Check a whole watchlists directory as the bot will read it: the watchlist files, then
``channels.yaml`` against their topics and the configured languages, whether every topic
reaches a channel, and ``sources.yaml`` (the collectors' feeds and accounts). What
``sahelwatch watchlist check`` runs; every problem is a :class:`~bot.watchlist.schema.Problem`
(``file:line:column: message``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.alerts.channels import Known, check_routing
from bot.alerts.routing import Routing
from bot.errors import WatchlistError
from bot.sources.sources_file import FILE_NAME as SOURCES
from bot.sources.sources_file import load_sources_file
from bot.watchlist.limits import DEFAULT_WATCHLIST_LIMITS, WatchlistLimits
from bot.watchlist.load import check_directory, shown_path
from bot.watchlist.schema import Checked, Mark, Problem, Watchlist

CHANNELS = "channels.yaml"
PROBLEM = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): (?:warning: )?(?P<message>.*)$", re.S)


@dataclass(frozen=True)
class DirectoryCheck:
    """The watchlists' check with the other files' problems merged in, and what those were."""

    checked: Checked
    extra_files: tuple[str, ...] = ()


def check_all(directory: str | Path, languages: Collection[str] | None = None,
              limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS) -> DirectoryCheck:
    checked = check_directory(directory, limits)
    problems = list(checked.problems)
    extra: list[str] = []
    path = Path(directory) / CHANNELS
    if path.is_file():
        extra.append(CHANNELS)
        problems += check_channels(directory, path, checked.watchlist, languages)
    if (Path(directory) / SOURCES).is_file():
        extra.append(SOURCES)
        problems += check_sources(directory)
    problems.sort()
    valid = checked.watchlist if not any(p.level == "error" for p in problems) else None
    return DirectoryCheck(Checked(valid, tuple(problems)), tuple(extra))


def check_channels(directory: str | Path, path: Path, watchlist: Watchlist | None,
                   languages: Collection[str] | None) -> list[Problem]:
    shown = shown_path(directory, path.name)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(Mark(shown, 0, 0), f"cannot read: {exc}")]
    topics = {t.name for t in watchlist.topics} if watchlist is not None else None
    routing, problems = check_routing(shown, source, Known(topics, languages))
    if routing is not None and watchlist is not None:
        problems += unreceived(watchlist, routing, shown)
    return problems


def unreceived(watchlist: Watchlist, routing: Routing, shown: str) -> list[Problem]:
    """A warning for each topic that no channel receives (its posts are stored, never sent)."""
    return [
        Problem(topic.mark, f"no channel in {shown} receives topic '{topic.name}': its posts are stored but "
                            "never sent; add it to a channel's topics (or leave topics out to receive all)",
                "warning")
        for topic in watchlist.topics
        if not any(rule.topics is None or topic.name in rule.topics for rule in routing.channels)
    ]


def check_sources(directory: str | Path) -> list[Problem]:
    """``sources.yaml`` through the collectors' own loader (its errors are ``file:line:column`` lines)."""
    shown = shown_path(directory, SOURCES)
    try:
        load_sources_file(Path(directory) / SOURCES, shown)
    except WatchlistError as exc:
        return [_problem(line, shown) for line in exc.problems]
    return []


def _problem(line: str, shown: str) -> Problem:
    match = PROBLEM.match(line)
    if match is None:
        return Problem(Mark(shown, 0, 0), line)
    return Problem(Mark(match["file"], int(match["line"]), int(match["column"])), match["message"])


def summary(checked: Checked, extra_files: tuple[str, ...] = ()) -> str:
    """The verdict line of ``sahelwatch watchlist check`` and the chat's ``/reload``."""
    counts = f"{len(checked.errors)} error(s), {len(checked.warnings)} warning(s)"
    if checked.watchlist is None:
        return f"invalid: {counts}"
    wl = checked.watchlist
    terms = sum(len(t.terms) for t in wl.topics)
    also = "".join(f" and {name}" for name in extra_files)
    return (f"valid: {len(wl.topics)} topics, {terms} terms, {len(wl.accounts)} accounts "
            f"in {len(wl.files)} file(s){also}; {counts}")
