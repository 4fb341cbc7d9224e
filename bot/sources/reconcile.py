"""The running sources follow ``sources.yaml``: a valid edit takes effect without a restart.

When the file reloads (:class:`~bot.sources.sources_file.SourcesFileHolder`), the plugins that
read it (:attr:`~bot.sources.kit.SourcePlugin.reloads`: feeds, public Telegram channels,
Bluesky, Mastodon) build their sources again from the new file (building connects nothing),
and :func:`plan` compares them, by name, with the ones running:

- a name not running starts (its remembered ids and stored posts keep anything from being
  stored or alerted twice);
- a running name the file no longer gives stops: what it already queued is still stored, its
  health row ends ``stopped``; listed again later (in this run or a later one), it starts afresh
  as a new source would (:func:`bot.store.sources.listed_again`: only recent items alert, nothing
  is stored twice);
- the same name built from another :func:`spec_of` (a feed's period, name or language, a
  Mastodon instance's accounts or hashtags) stops and starts again with the new one.

Sources of the other plugins (X follows the watchlists, not this file) and replays are never
touched. A build that fails (``SAHELWATCH_FEEDS=on`` with every feed removed) changes nothing;
the admin chat is told why. Every change is logged (``sources changed``) and told to the admin
chat, so an edit is never silently ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.sources.base import Source

log = logging.getLogger(__name__)


def spec_of(source: Source) -> Hashable | None:
    """What ``source`` was built from (its optional ``spec`` attribute): another spec under the
    same name means the file changed it (see the module docstring)."""
    spec: Hashable | None = getattr(source, "spec", None)
    return spec


@dataclass(frozen=True)
class Plan:
    """What to stop (names) and what to start to make the running sources what was built."""

    stop: tuple[str, ...] = ()
    start: tuple[Source, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stop or self.start)

    def describe(self) -> str:
        """One line for the log and the admin chat: started, stopped and restarted names."""
        started = {s.name for s in self.start}
        parts = [(label, sorted(names)) for label, names in (
            ("started", started - set(self.stop)), ("stopped", set(self.stop) - started),
            ("restarted with the new settings", started & set(self.stop))) if names]
        return "; ".join(f"{label}: {', '.join(names)}" for label, names in parts)


def plan(running: Sequence[Source], built: Sequence[Source]) -> Plan:
    """Stop what is running and not built (or built from another spec); start what is new."""
    wanted = {source.name: source for source in built}
    stop = [s.name for s in running if s.name not in wanted or spec_of(wanted[s.name]) != spec_of(s)]
    kept = {s.name for s in running} - set(stop)
    return Plan(tuple(stop), tuple(source for name, source in wanted.items() if name not in kept))


class Runner(Protocol):
    """The running app (:class:`bot.app.App`), as far as following the file goes."""

    def launch(self, source: Source) -> None: ...

    async def retire(self, name: str) -> Source | None: ...


class Follower:
    """Keeps the running sources of the file-reading plugins what the last good file lists."""

    def __init__(self, followed: Sequence[Source], build: Callable[[], Sequence[Source]],
                 runner: Callable[[], Runner | None], retired: Callable[[Source], None],
                 notify: Callable[[str, int], Awaitable[object]], removed: Callable[[str], object] = lambda name: None,
                 added: Callable[[str], object] = lambda name: None) -> None:
        """``retired``: a source stopped (its last health); ``removed``/``added``: a name the file
        dropped / newly lists (:func:`bot.store.sources.mark_removed` / ``listed_again``)."""
        self.followed = {source.name: source for source in followed}
        self._build, self._runner, self._retired, self._notify = build, runner, retired, notify
        self._removed, self._added = removed, added
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[Plan | None]] = set()

    def changed(self, _config: object) -> None:
        """``on_reloaded`` subscriber: apply the new file in the running loop."""
        task = asyncio.get_running_loop().create_task(self.apply())
        self._pending.add(task)  # a reference until it ends (the loop keeps only a weak one)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Plan | None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:  # e.g. the bot stopping meanwhile
            log.error("sources.yaml change not applied", extra={"error": repr(exc)[:300]}, exc_info=exc)

    async def apply(self) -> Plan | None:
        """Start, stop and restart sources as the current file says; the plan applied, or None."""
        async with self._lock:  # two quick edits apply one after the other
            runner = self._runner()
            if runner is None:
                return None
            try:
                built = self._build()
            except Exception as exc:  # e.g. a switch "on" with nothing left to watch: nothing changes
                log.error("sources.yaml change not applied", extra={"error": str(exc)[:300]})
                await self._notify(f"sources.yaml change not applied, the running sources stay: {str(exc)[:300]}",
                                   logging.WARNING)
                return None
            change = plan(list(self.followed.values()), built)
            restarted = set(change.stop) & {source.name for source in change.start}
            for name in change.stop:
                source = await runner.retire(name)
                self.followed.pop(name, None)
                if source is not None:
                    self._retired(source)
                if name not in restarted:
                    self._removed(name)
            for source in change.start:
                if source.name not in restarted:
                    self._added(source.name)
                runner.launch(source)
                self.followed[source.name] = source
            if change:
                log.info("sources changed", extra={"change": change.describe()})
                await self._notify(f"sources.yaml applied: {change.describe()}.", logging.INFO)
            return change
