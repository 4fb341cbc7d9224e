"""Holding a post through database faults (see :mod:`bot.store.faults`): retry with backoff.

The post and its cursor are not acknowledged until their transaction commits, so a fault can
delay ingest but never lose or skip a post. ``busy`` is retried in every command. A fatal fault
(disk full, read-only, I/O error) stops a batch command (:class:`~bot.errors.StorageError`,
exit 4: rerun it when the disk has room, it resumes from its cursor); a running bot keeps
retrying, every ``max_delay`` seconds at most, and resumes by itself when space returns. Each
episode is logged loudly and told to the admin chat (once when it starts, once when it ends).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.errors import StorageError
from bot.store.faults import fault_of

log = logging.getLogger(__name__)
Reporter = Callable[[str], Awaitable[None]]
REPORT_TIMEOUT = 30.0


@dataclass
class FaultHold:
    first_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    reporters: list[Reporter] = field(default_factory=list)
    failure: StorageError | None = None
    episodes: int = 0
    retries: int = 0

    async def hold(self, fault: str, exc: BaseException, write: Callable[[], None], stop: asyncio.Event,
                   batch: bool) -> bool:
        """Retry ``write`` until it commits (True); False when the run must give it up."""
        self.episodes += 1
        await self._announce(fault, exc, batch)
        delay = self.first_delay
        while True:
            if fault != "busy" and batch:
                self.failure = StorageError(f"{fault} ({exc}); stopped before storing more; "
                                            "run the command again once fixed: it resumes after the last stored line")
                return False
            if stop.is_set() and not batch:  # a batch sets stop when its sources are done: not a shutdown
                log.error("database fault at shutdown: post not stored; its source resumes from its cursor",
                          extra={"fault": fault})
                return False
            await self.sleep(delay)
            delay = min(delay * 2, self.max_delay)
            self.retries += 1
            try:
                write()
            except Exception as again:
                if (fault_again := fault_of(again)) is None:
                    raise
                fault, exc = fault_again, again
                log.warning("database still not writable; retrying", extra={"fault": fault, "delay_s": delay})
                continue
            await self._recovered(fault)
            return True

    async def _announce(self, fault: str, exc: BaseException, batch: bool) -> None:
        if fault == "busy":
            log.warning("database busy past the timeout; holding the post and retrying", extra={"error": str(exc)})
            return
        log.error("DATABASE CANNOT BE WRITTEN: ingest stopped", extra={"fault": fault, "error": str(exc),
                                                                        "batch": batch})
        await self._tell(f"SahelWatch cannot write its database ({fault}: {exc}). Ingest is stopped; "
                         + ("the batch command exits." if batch else
                            "nothing is lost: it resumes by itself once the database is writable again.")
                         + f" [episode {self.episodes}]")

    async def _recovered(self, fault: str) -> None:
        log.warning("database writable again; ingest resumed", extra={"fault": fault, "retries": self.retries})
        if fault != "busy":
            await self._tell(f"SahelWatch database writable again; ingest resumed [episode {self.episodes}]")

    async def _tell(self, message: str) -> None:
        for report in self.reporters:
            with contextlib.suppress(Exception):  # the admin chat is best effort; the log has it all
                await asyncio.wait_for(report(message), REPORT_TIMEOUT)
