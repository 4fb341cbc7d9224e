"""Load and check a whole watchlist directory.

Every ``*.yaml``/``*.yml`` file in the directory is a watchlist, except ``channels.yaml`` (the
Telegram routing file) and hidden or editor files. All problems of all files are collected
(never only the first), sorted by file and line, as :class:`~bot.watchlist.schema.Problem`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from bot.errors import WatchlistError
from bot.watchlist.event_rules import EVENTS_FILE, check_events
from bot.watchlist.limits import (
    DEFAULT_WATCHLIST_LIMITS,
    WatchlistLimits,
    over_long,
    read_limited,
    term_problems,
    too_many_nodes,
    total_problem,
)
from bot.watchlist.lint import lint_topic
from bot.watchlist.nodes import Reader, compose
from bot.watchlist.parse import parse_file
from bot.watchlist.schema import Account, Checked, Mark, Problem, Topic, Watchlist

NOT_WATCHLISTS = frozenset({"channels.yaml", "channels.yml", "sources.yaml", "sources.yml", EVENTS_FILE})
SUFFIXES = (".yaml", ".yml")


def watchlist_files(directory: str | Path) -> list[Path]:
    """The watchlist files of ``directory``, sorted by name."""
    return sorted(
        path for path in Path(directory).iterdir()
        if path.suffix in SUFFIXES and path.name not in NOT_WATCHLISTS
        and not path.name.startswith((".", "#")) and path.is_file()
    )


def shown_path(directory: str | Path, name: str) -> str:
    """The file name as errors show it: relative to where the admin pointed us."""
    return os.path.normpath(os.path.join(str(directory), name))


def check_directory(directory: str | Path, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS, *,
                    overrides: Mapping[str, str] | None = None) -> Checked:
    """Parse and check every watchlist file; the watchlist is ``None`` when there are errors.

    ``overrides`` (file name → text) checks a file as it would be after an edit, without writing it.
    """
    if not Path(directory).is_dir():
        return Checked(None, (Problem(Mark(str(directory), 0, 0), "not a directory"),))
    overrides = overrides or {}
    files = sorted({*watchlist_files(directory), *(Path(directory) / name for name in overrides)})
    if not files:
        return Checked(None, (Problem(Mark(str(directory), 0, 0), "no watchlist files (*.yaml) here"),))
    problems: list[Problem] = []
    topics: list[Topic] = []
    accounts: list[Account] = []
    for path in files:
        file_topics, file_accounts, file_problems = check_file(path, shown_path(directory, path.name), limits,
                                                                overrides.get(path.name))
        topics += file_topics
        accounts += file_accounts
        problems += file_problems
    topics, extension_problems = _extend(topics)
    problems += _duplicate_topics(topics) + _duplicate_accounts(accounts) + extension_problems
    if (Path(directory) / EVENTS_FILE).is_file():
        problems += check_events(Path(directory) / EVENTS_FILE, shown_path(directory, EVENTS_FILE), limits)[1]
    problems += [p for p in (total_problem(topics, limits),) if p is not None]
    problems.sort()
    shown = tuple(shown_path(directory, p.name) for p in files)
    watchlist = Watchlist(tuple(topics), tuple(accounts), shown)
    return Checked(None if any(p.level == "error" for p in problems) else watchlist, tuple(problems))


def load_directory(directory: str | Path, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS,
                   ) -> tuple[Watchlist, tuple[Problem, ...]]:
    """The checked watchlist and its warnings; raises :class:`WatchlistError` on any error."""
    checked = check_directory(directory, limits)
    if checked.watchlist is None:
        raise WatchlistError([str(p) for p in checked.errors])
    return checked.watchlist, checked.warnings


def check_file(path: Path, shown: str, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS,
               text: str | None = None) -> tuple[list[Topic], list[Account], list[Problem]]:
    data = read_limited(path, shown, limits) if text is None else text.encode("utf-8")
    if isinstance(data, Problem):
        return [], [], [data]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [], [Problem(_byte_mark(shown, data, exc.start), f"not UTF-8 text ({exc.reason}); "
                                                                      "save the file as UTF-8")]
    root, problems = compose(shown, text)
    if root is not None and (bomb := too_many_nodes(shown, root, limits)) is not None:
        return [], [], [bomb]
    reader = Reader(shown)
    topics, accounts = parse_file(reader, root)
    if root is None and not problems:
        problems.append(Problem(Mark(shown, 1, 1), "file is empty: no topics or accounts", "warning"))
    problems += term_problems(topics, limits)
    for topic in topics:
        problems += [] if over_long(topic, limits) else lint_topic(topic)
    return topics, accounts, problems + reader.problems


def _byte_mark(shown: str, data: bytes, offset: int) -> Mark:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Mark(shown, data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def _extend(topics: list[Topic]) -> tuple[list[Topic], list[Problem]]:
    """Fold ``more_terms`` into the topics they name; a name no file defines is an error."""
    base = [t for t in topics if not t.extends]
    first = {t.name: i for i, t in reversed(list(enumerate(base)))}
    problems = []
    for ext in (t for t in topics if t.extends):
        if ext.name not in first:
            known = ", ".join(sorted(first)) or "none"
            problems.append(Problem(ext.mark, f"more_terms: no watchlist defines topic '{ext.name}' "
                                              f"(topics: {known})"))
            continue
        target = base[first[ext.name]]
        base[first[ext.name]] = replace(target, terms=target.terms + ext.terms)
    return base, problems


def _duplicate_topics(topics: list[Topic]) -> list[Problem]:
    first: dict[str, Topic] = {}
    problems = []
    for topic in topics:
        if topic.name in first:
            where = first[topic.name].mark
            problems.append(Problem(topic.mark, f"topic '{topic.name}' is already defined at {where}"))
        first.setdefault(topic.name, topic)
    return problems


def _duplicate_accounts(accounts: list[Account]) -> list[Problem]:
    """The same account twice (X handles ignore case; '@' is optional): a warning at the repeat."""
    first: dict[tuple[str, str], Account] = {}
    problems = []
    for account in accounts:
        key = (account.platform, account.handle.casefold())
        if key in first:
            where = first[key].mark
            problems.append(Problem(account.mark, f"account '{account.handle}' is already listed at {where} "
                                                  f"(X handles ignore case and '@' is optional); remove one",
                                    "warning"))
        first.setdefault(key, account)
    return problems
