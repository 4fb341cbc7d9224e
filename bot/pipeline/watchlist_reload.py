"""Hot reload: the running bot picks up watchlist edits, and a broken edit never stops matching.

:class:`WatchlistHolder` keeps the last good :class:`Loaded` (watchlist + compiled matcher). It
polls the files' stat (mtime, size, inode); once a change has been stable for ``debounce``
seconds it loads the directory in a worker thread and swaps the new one in with one attribute
assignment, so a post in flight finishes with the matcher it started with. An invalid change
is logged as ``file:line:column: problem`` lines and the old watchlist keeps running.

The polling, last-good and reporting logic is :class:`bot.watchlist.filewatch.Reloadable`'s,
shared with ``channels.yaml`` and ``sources.yaml``.

Subscribers: ``on_reloaded`` (X rule sync, Telegram routing) get the new :class:`Loaded`;
``on_invalid`` (admin chat) get a :class:`Rejected`. Callbacks are plain functions called on
the event loop (from :meth:`watch`) or the caller's thread (from :meth:`check_now`); schedule
async work with ``asyncio.get_running_loop().create_task``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.errors import WatchlistError
from bot.pipeline.match import Matcher
from bot.watchlist.filewatch import Reloadable
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


class WatchlistHolder(Reloadable[Loaded, Rejected]):
    """The current watchlist of a running bot (the match stage and the X rules read it); the
    reload logic is :class:`~bot.watchlist.filewatch.Reloadable`'s."""

    name = what = "watchlist"
    stays = "stays active"
    rejection = Rejected
    interval = 0.5
    log = log

    def __init__(self, directory: str | Path, debounce: float = 0.5,
                 clock: Callable[[], float] = time.monotonic,
                 limits: WatchlistLimits = DEFAULT_WATCHLIST_LIMITS) -> None:
        self.directory = directory
        self.limits = limits
        super().__init__(debounce, clock)

    @property
    def current(self) -> Loaded:
        return self._value

    @property
    def matcher(self) -> Matcher:
        return self._value.matcher

    @property
    def watchlist(self) -> Watchlist:
        return self._value.watchlist

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of the rejected edit in the files now, or ``()``."""
        return self.rejected.problems if self.rejected else ()

    def check_now(self) -> Loaded | Rejected | None:
        """One poll: reload if due. Returns the new Loaded, the rejection, or None."""
        return self.poll()

    def reload_now(self) -> Loaded | Rejected:
        """Load the directory at once, without waiting for the poller (a chat edit just wrote it)."""
        return self.load_now()

    def _state(self) -> Snapshot:
        return snapshot(self.directory)

    def _attempt(self) -> Loaded | Rejected:
        return attempt(self.directory, self.limits)

    def _error(self, rejected: Rejected) -> WatchlistError:
        return WatchlistError([str(p) for p in rejected.problems])

    def _describe(self, value: Loaded) -> dict[str, int]:
        return {"topics": len(value.watchlist.topics), "forms": value.matcher.size}

    def _warnings(self, value: Loaded) -> tuple[Problem, ...]:
        return value.warnings
