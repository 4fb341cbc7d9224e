"""A YAML file of the watchlists directory kept in use while a bot runs, with its last good version.

:class:`FileHolder` loads the file at start (errors go to the caller), then :meth:`check_now`
(every second from :meth:`watch`) swaps in a valid edit and keeps the old value otherwise. A
change is loaded once the file has stayed the same for one check (an editor may write it in
several steps). A rejected edit is logged with its ``file:line:column`` problems and handed to
``on_invalid``; an accepted one to ``on_reloaded``. Subclasses say how to load (``_load``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from bot.errors import WatchlistError

log = logging.getLogger(__name__)
T = TypeVar("T")
Stamp = tuple[int, int, int] | None


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class FileHolder(Generic[T]):
    what = "file"
    """How log lines name the value ("routing", "sources")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._value: T = self._load()  # no last good one yet: errors go to the caller
        self._stamp = self._pending = stamp(path)
        self.on_invalid: list[Callable[[WatchlistError], object]] = []
        self.on_reloaded: list[Callable[[T], object]] = []

    def _load(self) -> T:
        raise NotImplementedError

    def get(self) -> T:
        return self._value

    def check_now(self) -> bool:
        now = stamp(self.path)
        if now == self._stamp or now != self._pending:
            self._pending = now
            return False
        return self.reload_now()

    def reload_now(self) -> bool:
        """Load the file at once (``/reload``), without waiting for it to be stable; False when
        the file is rejected (the last good value stays, ``on_invalid`` is told)."""
        self._stamp = self._pending = stamp(self.path)
        try:
            self._value = self._load()
        except WatchlistError as exc:
            log.error("%s change rejected, the last good %s stays:\n%s", self.path.name, self.what, exc)
            for callback in self.on_invalid:
                callback(exc)
            return False
        log.info("%s reloaded", self.path.name)
        for reloaded in self.on_reloaded:
            reloaded(self._value)
        return True

    async def watch(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            self.check_now()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
