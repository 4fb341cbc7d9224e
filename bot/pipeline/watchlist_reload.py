"""Hot reload: the running bot picks up watchlist edits, and a broken edit never stops matching.

:class:`WatchlistHolder` keeps the last good :class:`Loaded` (watchlist + compiled matcher). It
polls the files' stat (mtime, size, inode); once a change has been stable for ``debounce``
seconds it loads the directory in a worker thread and swaps the new one in with one attribute
assignment, so a post in flight finishes with the matcher it started with. An invalid change
is logged as ``file:line:column: problem`` lines and the old watchlist keeps running.

Subscribers: ``on_reloaded`` (X rule sync, Telegram routing) get the new :class:`Loaded`;
``on_invalid`` (admin chat) get a :class:`Rejected`. Callbacks are plain functions called on
the event loop (from :meth:`watch`) or the caller's thread (from :meth:`check_now`); schedule
async work with ``asyncio.get_running_loop().create_task``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import WatchlistError
from bot.pipeline.match import Matcher
from bot.watchlist.limits import DEFAULT_WATCHLIST_LIMITS, WatchlistLimits
from bot.watchlist.load import check_directory, watchlist_files
from bot.watchlist.schema import Mark, Problem, Watchlist

log = logging.getLogger(__name__)
Snapshot = tuple[tuple[str, int, int, int], ...]


@dataclass(frozen=True)
class Loaded:
    watchlist: Watchlist
    matcher: Matcher
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """An invalid change: its errors, each printing as ``file:line:column: problem``."""

    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def attempt(directory: str | Path, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS) -> Loaded | Rejected:
    """Load, check and compile a directory. Never raises: nothing in a watchlist may stop the bot."""
    try:
        checked = check_directory(directory, limits)
        if checked.watchlist is None:
            return Rejected(checked.errors)
        return Loaded(checked.watchlist, Matcher(checked.watchlist), checked.warnings)
    except (OSError, RecursionError, MemoryError, ValueError) as exc:
        log.exception("watchlist could not be loaded")
        return Rejected((Problem(Mark(str(directory), 0, 0), f"could not be loaded: {type(exc).__name__}: {exc}"),))


def build(directory: str | Path, limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS) -> Loaded:
    """Like :func:`attempt`, but raises :class:`~bot.errors.WatchlistError` on errors."""
    outcome = attempt(directory, limits)
    if isinstance(outcome, Rejected):
        raise WatchlistError([str(p) for p in outcome.problems])
    return outcome


def snapshot(directory: str | Path) -> Snapshot:
    """What the poller compares: name, mtime, size and inode of each watchlist file."""
    try:
        stats = [(p.name, p.stat()) for p in watchlist_files(directory)]
    except OSError:
        return ()
    return tuple((name, st.st_mtime_ns, st.st_size, st.st_ino) for name, st in stats)


class WatchlistHolder:
    """The current watchlist of a running bot; put it in ``Context.extras["watchlist"]``."""

    def __init__(self, directory: str | Path, debounce: float = 0.5,
                 clock: Callable[[], float] = time.monotonic,
                 limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS) -> None:
        self.directory = directory
        self.limits = limits
        self.debounce = debounce
        self._clock = clock
        self._seen = snapshot(directory)
        self._current = build(directory, limits)  # no last good one yet: errors go to the caller
        self._pending: tuple[Snapshot, float] | None = None
        self.errors: tuple[Problem, ...] = ()
        self.on_reloaded: list[Callable[[Loaded], Any]] = []
        self.on_invalid: list[Callable[[Rejected], Any]] = []
        _log_warnings(self._current)

    @property
    def current(self) -> Loaded:
        return self._current

    @property
    def matcher(self) -> Matcher:
        return self._current.matcher

    @property
    def watchlist(self) -> Watchlist:
        return self._current.watchlist

    def due(self) -> Snapshot | None:
        """The files' new state once it has been unchanged for ``debounce`` seconds."""
        state, now = snapshot(self.directory), self._clock()
        if state == self._seen:
            self._pending = None
            return None
        if self._pending is None or self._pending[0] != state:
            self._pending = (state, now)
        return state if now - self._pending[1] >= self.debounce else None

    def check_now(self) -> Loaded | Rejected | None:
        """One poll: reload if due. Returns the new Loaded, the rejection, or None."""
        state = self.due()
        if state is None:
            return None
        outcome = attempt(self.directory, self.limits)
        self._apply(state, outcome)
        return outcome

    def reload_now(self) -> Loaded | Rejected:
        """Load the directory at once, without waiting for the poller (a chat edit just wrote it)."""
        outcome = attempt(self.directory, self.limits)
        self._apply(snapshot(self.directory), outcome)
        return outcome

    async def watch(self, stop: asyncio.Event, interval: float = 0.5) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set; loading runs in a thread."""
        while not stop.is_set():
            state = self.due()
            if state is not None:
                self._apply(state, await asyncio.to_thread(attempt, self.directory, self.limits))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    def _apply(self, state: Snapshot, outcome: Loaded | Rejected) -> None:
        self._seen, self._pending = state, None
        if isinstance(outcome, Rejected):
            self.errors = outcome.problems
            log.error("watchlist change rejected, the last good watchlist stays active:\n%s", outcome,
                      extra={"errors": len(outcome.problems)})
            _notify(self.on_invalid, outcome)
            return
        self._current, self.errors = outcome, ()
        log.info("watchlist reloaded", extra={"topics": len(outcome.watchlist.topics),
                                              "forms": outcome.matcher.size})
        _log_warnings(outcome)
        _notify(self.on_reloaded, outcome)


def _log_warnings(loaded: Loaded) -> None:
    for warning in loaded.warnings:
        log.warning("%s", warning)


def _notify(callbacks: list[Callable[[Any], Any]], value: object) -> None:
    for callback in callbacks:
        try:
            callback(value)
        except Exception:  # a failing subscriber must not stop the others or the watcher
            log.exception("watchlist subscriber failed", extra={"callback": repr(callback)})
