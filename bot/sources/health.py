"""Source health published to SQLite, so ``sahelwatch stats`` (another process) can show it.

A live run writes every source's :class:`~bot.sources.base.SourceHealth` (connected, last item
and activity, reconnects, last error) to the ``state`` table as ``health:<source>`` JSON,
every ``interval`` seconds and once more at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.sources.base import Source
from bot.store.db import Store
from bot.store.state import put_state

if TYPE_CHECKING:
    from bot.runtime import Runtime

PREFIX = "health:"


def publish(store: Store, sources: Sequence[Source]) -> None:
    with store.write() as db:
        for source in sources:
            put_state(db, PREFIX + source.name, json.dumps(source.health.as_dict(), default=str))


def read(store: Store) -> dict[str, dict[str, object]]:
    rows = store.query("SELECT key, value FROM state WHERE key LIKE ?", (PREFIX + "%",))
    return {r["key"].removeprefix(PREFIX): json.loads(r["value"]) for r in rows}


def health_component(runtime: Runtime, interval: float = 15.0) -> None:
    if not runtime.live:
        return

    async def publish_health(stop: asyncio.Event) -> None:
        while not stop.is_set():
            publish(runtime.store, runtime.sources)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
        publish(runtime.store, runtime.sources)

    runtime.tasks.append(publish_health)
