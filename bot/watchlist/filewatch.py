"""Hot reload of the watchlists directory's files while a bot runs, with their last good version.

:class:`Reloadable` is the one place that decides: it polls the files' state (mtime, size,
inode), loads a change once it has settled, and then either swaps the new value in with one
attribute assignment (a reader in flight keeps the value it started with), logs
``<name> reloaded`` and tells ``on_reloaded``; or keeps the last good value, logs the
``file:line:column`` problems once (the same state is not loaded again) and tells
``on_invalid``. The first load happens in ``__init__``: with no last good value yet, its
errors go to the caller. A failing subscriber is logged and does not stop the others.

A change has settled once the state has been seen unchanged on ``settle_checks`` more polls
and for ``debounce`` seconds (an editor may write a file in several steps). Subclasses say
what the state is (``_state``) and how to load (``_attempt``, which never raises for a bad
edit). :class:`FileHolder` is one YAML file (``channels.yaml``, ``sources.yaml``);
:class:`bot.pipeline.watchlist_reload.WatchlistHolder` is the watchlist files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Hashable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.errors import WatchlistError

log = logging.getLogger(__name__)
T = TypeVar("T")
F = TypeVar("F")
Stamp = tuple[int, int, int] | None


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Reloadable(Generic[T, F]):
    """A value loaded from files, reloaded when they change; ``F`` is what a rejected load gives."""

    name = "file"
    """How log lines name the files ("watchlist", or the file's name)."""
    what = "file"
    """How log lines name the value ("routing", "sources", "watchlist")."""
    stays = "stays"
    rejection: type = WatchlistError
    """The type :meth:`_attempt` returns for a rejected edit."""
    settle_checks = 0
    interval = 1.0
    """Seconds between polls in :meth:`watch`."""
    log = log

    def __init__(self, debounce: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.debounce, self._clock = debounce, clock
        self._seen = self._state()
        first = self._attempt()
        if isinstance(first, self.rejection):
            raise self._error(first)  # no last good one yet: errors go to the caller
        self._value: T = first
        self._pending: tuple[Hashable, float, int] | None = None
        self.rejected: F | None = None
        """The last rejected edit while the files stay so; None once a good one is loaded."""
        self.on_invalid: list[Callable[[F], object]] = []
        self.on_reloaded: list[Callable[[T], object]] = []
        self._telling: set[asyncio.Task[object]] = set()
        self._log_warnings(first)

    def tell_rejections(self, tell: Callable[[str], Coroutine[Any, Any, object]], intro: str) -> None:
        """Every rejected edit is told with ``tell`` (the admin chat): ``intro``, then its problems,
        from the running loop (the task is kept until it ends: the loop holds only a weak reference)."""
        def told(rejected: F) -> None:
            task = asyncio.get_running_loop().create_task(tell(f"{intro}\n{rejected}"))
            self._telling.add(task)
            task.add_done_callback(self._telling.discard)

        self.on_invalid.append(told)

    def _state(self) -> Hashable:
        raise NotImplementedError

    def _attempt(self) -> T | F:
        raise NotImplementedError

    def _error(self, rejected: F) -> Exception:
        """The exception a rejected first load raises."""
        return rejected if isinstance(rejected, Exception) else WatchlistError([str(rejected)])

    def _describe(self, value: T) -> dict[str, Any]:
        """Extra fields of the ``reloaded`` log line."""
        return {}

    def _warnings(self, value: T) -> Sequence[object]:
        return ()

    def due(self) -> tuple[bool, Hashable]:
        """``(True, the files' new state)`` once a change has settled, else ``(False, None)`` (a
        state may itself be None: a file that was deleted)."""
        state, now = self._state(), self._clock()
        if state == self._seen:
            self._pending = None
            return False, None
        if self._pending is None or self._pending[0] != state:
            self._pending = (state, now, 0)
        else:
            self._pending = (state, self._pending[1], self._pending[2] + 1)
        _, since, checks = self._pending
        return checks >= self.settle_checks and now - since >= self.debounce, state

    def poll(self) -> T | F | None:
        """One poll: load the change if it has settled. The new value, the rejection, or None."""
        settled, state = self.due()
        return self._apply(state, self._attempt()) if settled else None

    def load_now(self) -> T | F:
        """Load at once, without waiting for the change to settle (a chat edit just wrote it)."""
        return self._apply(self._state(), self._attempt())

    async def watch(self, stop: asyncio.Event, interval: float | None = None) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set; loading runs in a thread."""
        while not stop.is_set():
            settled, state = self.due()
            if settled:
                self._apply(state, await asyncio.to_thread(self._attempt))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval if interval is None else interval)

    def _apply(self, state: Hashable, outcome: T | F) -> T | F:
        self._seen, self._pending = state, None
        if isinstance(outcome, self.rejection):
            self.rejected = outcome
            self.log.error("%s change rejected, the last good %s %s:\n%s", self.name, self.what, self.stays, outcome,
                           extra={"errors": len(getattr(outcome, "problems", ()))})
            self._notify(self.on_invalid, outcome)
        else:
            self._value, self.rejected = outcome, None
            self.log.info("%s reloaded", self.name, extra=self._describe(outcome))
            self._log_warnings(outcome)
            self._notify(self.on_reloaded, outcome)
        return outcome

    def _log_warnings(self, value: T) -> None:
        for warning in self._warnings(value):
            self.log.warning("%s", warning)

    def _notify(self, callbacks: list[Callable[[Any], object]], value: object) -> None:
        for callback in callbacks:
            try:
                callback(value)
            except Exception:  # a failing subscriber must not stop the others or the watcher
                self.log.exception("%s subscriber failed", self.name, extra={"callback": repr(callback)})


class FileHolder(Reloadable[T, WatchlistError]):
    """One YAML file of the watchlists directory; subclasses say how to load it (``_load``, raising
    :class:`~bot.errors.WatchlistError`). A change is loaded once the file stayed the same for one
    check; :meth:`check_now` and :meth:`reload_now` return whether a new value is in use."""

    settle_checks = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__()

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.path.name

    def _load(self) -> T:
        raise NotImplementedError

    def _state(self) -> Stamp:
        return stamp(self.path)

    def _attempt(self) -> T | WatchlistError:
        try:
            return self._load()
        except WatchlistError as exc:
            return exc

    def get(self) -> T:
        return self._value

    def check_now(self) -> bool:
        outcome = self.poll()
        return outcome is not None and not isinstance(outcome, WatchlistError)

    def reload_now(self) -> bool:
        """Load the file at once (``/reload``), without waiting for it to be stable; False when
        the file is rejected (the last good value stays, ``on_invalid`` is told)."""
        return not isinstance(self.load_now(), WatchlistError)
