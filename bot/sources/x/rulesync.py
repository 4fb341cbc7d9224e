"""Make the server's filtered-stream rules equal the compiled ones (at start and after reloads).

Rules persist on X across connections and restarts, and tags are immutable, so the sync
compares ``(value, tag)`` pairs: our stale rules (tag ``sahelwatch:…``) are deleted first
(freeing room under the rule cap), then missing ones added. Rules another tool added are left
alone and reported. X answers rule problems with HTTP 200 and ``errors`` (tweepy raises
nothing): they are returned, never ignored. Blocking calls: run in a thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import tweepy

from bot.sources.x.rules import Compiled, Rule, is_ours

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
