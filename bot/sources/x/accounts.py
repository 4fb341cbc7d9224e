"""Account handles → X user ids: looked up once (100 per request), cached in SQLite.

Ids survive renames, so rules use ``from:<id>`` and timelines need ids anyway. A handle X
does not know (or a suspended one) is reported, never fatal; a failed lookup leaves the
handle unresolved (rules fall back to ``from:<handle>``) and is retried next time. The cache
lives in the ``state`` table under ``x.user:<handle casefolded>``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import tweepy

from bot.store.db import Store
from bot.store.state import get_state, put_state

log = logging.getLogger(__name__)
HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
BATCH = 100
KEY = "x.user:"


@dataclass
class Resolution:
    ids: dict[str, str] = field(default_factory=dict)  # casefolded handle → user id
    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    failed: str | None = None


def lookup(client: tweepy.Client, handles: Sequence[str]) -> Resolution:
    """Blocking lookup; raises tweepy errors (network, 429) to the caller."""
    found = Resolution()
    for start in range(0, len(handles), BATCH):
        batch = list(handles[start : start + BATCH])
        body = client.get_users(usernames=batch).json()
        for user in body.get("data") or []:
            found.ids[str(user["username"]).casefold()] = str(user["id"])
        found.unknown += [str(e.get("value") or e.get("resource_id")) for e in body.get("errors") or []]
    return found


class AccountCache:
    def __init__(self, store: Store | None) -> None:
        self.store = store

    def get(self, handles: Sequence[str]) -> dict[str, str]:
        if self.store is None:
            return {}
        cached = {h.casefold(): get_state(self.store, KEY + h.casefold()) for h in handles}
        return {h: v for h, v in cached.items() if v}

    def put(self, ids: dict[str, str]) -> None:
        if self.store is None or not ids:
            return
        with self.store.write() as db:
            for handle, user_id in ids.items():
                put_state(db, KEY + handle, user_id)

    def forget(self, handle: str) -> None:
        if self.store is not None:
            with self.store.write() as db:
                db.execute("DELETE FROM state WHERE key = ?", (KEY + handle.casefold(),))


async def resolve(client: tweepy.Client, cache: AccountCache, handles: Sequence[str]) -> Resolution:
    """Ids for ``handles``: cached ones, then one lookup for the rest."""
    result = Resolution(invalid=[h for h in handles if not HANDLE.match(h)])
    valid = [h for h in handles if HANDLE.match(h)]
    result.ids = cache.get(valid)
    todo = [h for h in valid if h.casefold() not in result.ids]
    if todo:
        try:
            fresh = await asyncio.to_thread(lookup, client, todo)
        except (tweepy.TweepyException, OSError) as exc:
            result.failed = f"{type(exc).__name__}: {exc}"
            log.warning("x account lookup failed; will retry", extra={"error": result.failed})
        else:
            cache.put(fresh.ids)
            result.ids.update(fresh.ids)
            result.unknown = fresh.unknown
    for handle in result.unknown + result.invalid:
        log.warning("x account not found; check the watchlist", extra={"handle": handle})
    return result
