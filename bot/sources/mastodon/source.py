"""Mastodon: the public statuses of listed accounts and hashtag timelines, one source per instance.

``accounts.mastodon: [user@instance]`` names the instances; each is read at
``SAHELWATCH_MASTODON_URL`` (``https://{instance}`` by default) with the kit's polite poller:
``/api/v1/accounts/lookup`` once per account, then ``/api/v1/accounts/:id/statuses`` and, for
every ``hashtags.mastodon`` entry, ``/api/v1/timelines/tag/:tag``, every
``SAHELWATCH_MASTODON_EVERY`` seconds (jittered). The cursor is JSON: the last status id of each
timeline (and the looked-up account ids). A known timeline is read forward with ``min_id``
(the statuses right after the last one, 40 a page, until a short page), so nothing published
meanwhile is skipped (``since_id`` would return only the newest 40). A new timeline stores its
newest page, alerting only what is newer than ``SAHELWATCH_NEW_SOURCE_ALERT_AGE``. A user token
(``MASTODON_TOKENS``) is sent only to its own instance. Malformed statuses are skipped and counted.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from bot.sources.base import Collected, SourceHealth
from bot.sources.kit import Kit
from bot.sources.mastodon.convert import parse_status, to_post
from bot.sources.payload import PayloadError, loads
from bot.sources.poller import PollError
from bot.sources.polling import poll_loop

log = logging.getLogger(__name__)
PAGE = 40


@dataclass(frozen=True)
class InstanceOptions:
    base_url: str
    """``https://{instance}``, or a fixed URL (a test server)."""
    every: float = 300.0
    token: str | None = None
    max_pages: int = 10


def id_order(status_id: str) -> tuple[int, str]:
    """Status ids are opaque strings: compare by length, then lexically
    (https://docs.joinmastodon.org/api/guidelines/#id)."""
    return len(status_id), status_id


class InstanceSource:
    def __init__(self, instance: str, users: list[str], tags: list[str], kit: Kit, options: InstanceOptions) -> None:
        self.instance, self.users, self.tags, self.kit, self.options = instance, users, tags, kit, options
        self.name = f"mastodon:{instance}"
        self.spec = (tuple(sorted(users)), tuple(sorted(tags)))
        self.health = SourceHealth(self.name)
        self.base = options.base_url.replace("{instance}", instance).rstrip("/")

    async def collect(self, cursor: str | None, stop: asyncio.Event) -> AsyncIterator[Collected]:
        state = _load_state(cursor)
        async for item in poll_loop(self.name, self.health, self.kit.clock, stop, lambda: self.options.every,
                                    lambda: self.once(state)):
            yield item

    async def once(self, state: dict[str, Any]) -> AsyncIterator[Collected]:
        for user in self.users:
            account_id = await self.account_id(user, state)
            if account_id is not None:
                async for item in self.timeline(f"@{user}", f"/api/v1/accounts/{account_id}/statuses", state):
                    yield item
        for tag in self.tags:
            async for item in self.timeline(f"#{tag.lower()}", f"/api/v1/timelines/tag/{quote(tag)}", state):
                yield item

    async def check(self) -> str:
        """``sahelwatch sources --check``: look every account up and read one page of each timeline."""
        state: dict[str, Any] = {}
        found: list[str] = []
        for user in self.users:
            account_id = await self.account_id(user, state)
            if account_id is None:
                raise PollError("http", f"no account {user}@{self.instance}", 404)
            page = await self.get_json(f"/api/v1/accounts/{account_id}/statuses", {"limit": "5"})
            found.append(f"@{user}: {len(page) if isinstance(page, list) else 0} recent statuses")
        for tag in self.tags:
            page = await self.get_json(f"/api/v1/timelines/tag/{quote(tag)}", {"limit": "5"})
            found.append(f"#{tag}: {len(page) if isinstance(page, list) else 0} recent statuses")
        return "; ".join(found)

    async def account_id(self, user: str, state: dict[str, Any]) -> str | None:
        ids: dict[str, str] = state.setdefault("ids", {})
        if user.lower() in ids:
            return ids[user.lower()]
        try:
            found = await self.get_json("/api/v1/accounts/lookup", {"acct": user})
        except PollError as exc:
            if exc.status != 404:
                raise
            self.health.skip(f"no account {user}@{self.instance}")
            log.warning("mastodon account not found", extra={"source": self.name, "account": user})
            return None
        account_id = found.get("id") if isinstance(found, dict) else None
        if not isinstance(account_id, str) or not account_id.isalnum():
            raise PollError("http", f"lookup of {user}@{self.instance} gave no account id")
        ids[user.lower()] = account_id
        return account_id

    async def timeline(self, key: str, path: str, state: dict[str, Any]) -> AsyncIterator[Collected]:
        """Every status of one timeline after its cursor, oldest first, each with the whole cursor."""
        last: str | None = state.setdefault("last", {}).get(key)
        first = last is None
        for _ in range(self.options.max_pages if not first else 1):
            params = {"limit": str(PAGE), **({"min_id": last} if last else {})}
            page = await self.get_json(path, params)
            if not isinstance(page, list):
                raise PollError("http", f"{path} did not answer a JSON list")
            for obj in sorted(page, key=_order_key):
                last = _newer(last, obj)
                state["last"][key] = last
                item = self._item(obj, first, state)
                if item is not None:
                    yield item
            if len(page) < PAGE or first:
                break

    def _item(self, obj: object, first: bool, state: dict[str, Any]) -> Collected | None:
        cursor = json.dumps(state, sort_keys=True)
        try:
            post = to_post(parse_status(obj), self.instance)
        except PayloadError as exc:
            self.health.skip(str(exc))
            log.warning("mastodon status skipped", extra={"source": self.name, "problem": str(exc)[:300]})
            return Collected(None, cursor=cursor)
        self.health.item()
        return Collected(post, cursor=cursor, alert=self.kit.is_news(post.created_at, first))

    async def get_json(self, path: str, params: dict[str, str]) -> Any:
        headers = {"Authorization": f"Bearer {self.options.token}"} if self.options.token else {}
        fetched = await self.kit.poller.get(f"{self.base}{path}?{urlencode(params)}", headers=headers)
        try:
            return loads(fetched.body)
        except PayloadError as exc:
            raise PollError("http", f"{path}: {exc}") from None


def _status_id(obj: object) -> str | None:
    value = obj.get("id") if isinstance(obj, dict) else None
    return value if isinstance(value, str) and value.isalnum() and len(value) <= 40 else None


def _order_key(obj: object) -> tuple[int, str]:
    return id_order(_status_id(obj) or "")


def _newer(last: str | None, obj: object) -> str | None:
    found = _status_id(obj)
    if found is None or (last is not None and id_order(found) <= id_order(last)):
        return last
    return found


def _load_state(cursor: str | None) -> dict[str, Any]:
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        log.warning("mastodon cursor unreadable; starting fresh", extra={"cursor": (cursor or "")[:100]})
        return {}
    return state if isinstance(state, dict) else {}
