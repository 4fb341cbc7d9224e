"""Make the server's filtered-stream rules equal the compiled ones (at start and after reloads).

Rules persist on X across connections and restarts, and tags are immutable, so the sync
compares ``(value, tag)`` pairs: our stale rules (tag ``sahelwatch:…``) are deleted first
(freeing room under the rule cap), then missing ones added. Rules another tool added are left
alone and reported. X answers rule problems with HTTP 200 and ``errors`` (tweepy raises
nothing): they are returned, never ignored. Blocking calls: run in a thread.

``accounts``: Account handles → X user ids: looked up once (100 per request), cached in SQLite.

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

from bot.sources.x.rules import Compiled, Rule, is_ours
from bot.store.db import Store
from bot.store.state import get_state, put_state

log = logging.getLogger(__name__)
ADD_BATCH = 100


@dataclass(frozen=True)
class ServerRule:
    id: str
    value: str
    tag: str | None


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    deleted: int = 0
    kept: int = 0
    foreign: int = 0
    errors: tuple[str, ...] = ()


def list_rules(client: tweepy.StreamingClient) -> list[ServerRule]:
    rules: list[ServerRule] = []
    token = None
    while True:
        params = {"pagination_token": token} if token else {}
        response = client.get_rules(**params)
        rules += [ServerRule(str(r.id), r.value, r.tag or None) for r in response.data or []]
        token = (response.meta or {}).get("next_token")
        if not token:
            return rules


def _problems(response: tweepy.Response) -> list[str]:
    return [
        f"{e.get('title', 'error')}: {e.get('value', '')} {e.get('details') or e.get('detail') or ''}".strip()
        for e in response.errors or []
    ]


def add_rules(client: tweepy.StreamingClient, rules: list[Rule], dry_run: bool = False) -> tuple[int, list[str]]:
    created, problems = 0, []
    for start in range(0, len(rules), ADD_BATCH):
        batch = [tweepy.StreamRule(r.value, tag=r.tag) for r in rules[start : start + ADD_BATCH]]
        response = client.add_rules(batch, dry_run="true") if dry_run else client.add_rules(batch)
        created += int(((response.meta or {}).get("summary") or {}).get("created", 0))
        problems += _problems(response)
    return created, problems


def sync_rules(client: tweepy.StreamingClient, compiled: Compiled) -> SyncResult:
    """Delete our stale rules, add the missing ones; raises tweepy errors (403, 429, 5xx) to the caller."""
    current = list_rules(client)
    wanted = compiled.pairs()
    stale = [r for r in current if is_ours(r.tag) and (r.value, r.tag) not in wanted]
    foreign = [r for r in current if not is_ours(r.tag)]
    have = {(r.value, r.tag) for r in current}
    missing = [r for r in compiled.rules if (r.value, r.tag) not in have]
    problems: list[str] = []
    if stale:
        response = client.delete_rules([r.id for r in stale])
        problems += _problems(response)
    created, add_problems = add_rules(client, missing)
    result = SyncResult(
        created, len(stale), len(compiled.rules) - len(missing), len(foreign), tuple(problems + add_problems)
    )
    if foreign:
        log.warning(
            "x rules not managed by sahelwatch are active",
            extra={"count": len(foreign), "values": [r.value[:60] for r in foreign[:5]]},
        )
    for problem in result.errors:
        log.warning("x rule not accepted", extra={"problem": problem})
    return result


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
