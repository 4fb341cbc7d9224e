"""A fake Mastodon instance on 127.0.0.1 (REST API v1,
https://docs.joinmastodon.org/methods/timelines/ and https://docs.joinmastodon.org/methods/accounts/).

    with FakeMastodon("sahel.social") as m:
        m.add_account("fama", "Fama Diallo")
        m.status("fama", "<p>Attaque à <a href=…>#Ménaka</a></p>", tags=["Ménaka"])
        base = m.url

``GET /api/v1/accounts/lookup?acct=`` (404 ``Record not found``), ``/api/v1/accounts/:id/statuses``
and ``/api/v1/timelines/tag/:tag`` with ``max_id``/``since_id``/``min_id``/``limit`` (20 by
default, 40 at most), newest first, and ``Link`` headers (``rel="next"`` older, ``rel="prev"``
newer). ``require_token`` makes anonymous reads 401; ``rate_limit(n)`` answers 429 with the
``X-RateLimit-*`` headers after ``n`` more requests; ``broken(status_id)`` makes one status
malformed in every listing.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from tests.fakes.http_fake import HttpFake, Reply, Request

MAX_LIMIT, DEFAULT_LIMIT = 40, 20


@dataclass
class FakeAccount:
    id: str
    username: str
    display_name: str
    statuses: list[dict[str, Any]] = field(default_factory=list)


class FakeMastodon(HttpFake):
    name = "fake-mastodon"

    def __init__(self, domain: str = "sahel.social") -> None:
        super().__init__()
        self.domain = domain
        self.accounts: dict[str, FakeAccount] = {}
        self.statuses: list[dict[str, Any]] = []
        self.broken_ids: set[str] = set()
        self.require_token: str | None = None
        self._ids = itertools.count(int(time.time() * 1000) << 16)
        self._budget: int | None = None

    # --- arranging -------------------------------------------------------------------------------
    def add_account(self, username: str, display_name: str = "") -> FakeAccount:
        account = FakeAccount(str(next(self._ids)), username, display_name or username)
        with self.lock:
            self.accounts[username.lower()] = account
        return account

    def status(self, username: str, content: str, *, tags: list[str] | None = None, language: str | None = "fr",
               media: list[dict[str, Any]] | None = None, created_at: datetime | None = None,
               spoiler_text: str = "", reblog: dict[str, Any] | None = None) -> dict[str, Any]:
        with self.lock:
            account = self.accounts[username.lower()]
            sid = str(next(self._ids))
            status = {
                "id": sid, "uri": f"https://{self.domain}/users/{account.username}/statuses/{sid}",
                "url": f"https://{self.domain}/@{account.username}/{sid}",
                "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"),
                "content": content, "spoiler_text": spoiler_text, "language": language, "sensitive": False,
                "visibility": "public", "in_reply_to_id": None, "reblog": reblog, "edited_at": None,
                "account": self._account_json(account), "media_attachments": media or [],
                "tags": [{"name": t, "url": f"https://{self.domain}/tags/{t}"} for t in tags or []],
                "mentions": [], "emojis": [], "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
            }
            account.statuses.append(status)
            self.statuses.append(status)
        return status

    def image(self, url: str, description: str = "") -> dict[str, Any]:
        return {"id": str(next(self._ids)), "type": "image", "url": url, "preview_url": url + "?small",
                "remote_url": None, "description": description or None, "blurhash": "UABC"}

    def broken(self, status_id: str) -> None:
        self.broken_ids.add(status_id)

    def rate_limit(self, after: int) -> None:
        self._budget = after

    def _account_json(self, account: FakeAccount) -> dict[str, Any]:
        return {"id": account.id, "username": account.username, "acct": account.username,
                "display_name": account.display_name, "url": f"https://{self.domain}/@{account.username}",
                "locked": False, "bot": False, "created_at": "2024-01-01T00:00:00.000Z"}

    # --- serving ---------------------------------------------------------------------------------
    def respond(self, request: Request) -> Reply:
        with self.lock:
            if self._budget is not None:
                if self._budget <= 0:
                    return _too_many()
                self._budget -= 1
            if self.require_token and request.headers.get("authorization") != f"Bearer {self.require_token}":
                return Reply(401, json.dumps({"error": "This method requires an authenticated user"}))
            return self._route(request)

    def _route(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        if parts == ["api", "v1", "accounts", "lookup"]:
            account = self.accounts.get((request.arg("acct") or "").lower())
            if account is None:
                return Reply(404, json.dumps({"error": "Record not found"}))
            return Reply(200, json.dumps(self._account_json(account)))
        if len(parts) == 5 and parts[:3] == ["api", "v1", "accounts"] and parts[4] == "statuses":
            account = next((a for a in self.accounts.values() if a.id == parts[3]), None)
            if account is None:
                return Reply(404, json.dumps({"error": "Record not found"}))
            return self._page(request, account.statuses)
        if len(parts) == 5 and parts[:4] == ["api", "v1", "timelines", "tag"]:
            tag = parts[4].lower()
            return self._page(request, [s for s in self.statuses if tag in {t["name"].lower() for t in s["tags"]}])
        return Reply(404, json.dumps({"error": "Not found"}))

    def _page(self, request: Request, statuses: list[dict[str, Any]]) -> Reply:
        limit = min(int(request.arg("limit") or DEFAULT_LIMIT), MAX_LIMIT)
        key = _order
        chosen = [s for s in statuses
                  if all(bound is None or test(key(s["id"]), key(bound)) for bound, test in (
                      (request.arg("max_id"), lambda a, b: a < b), (request.arg("since_id"), lambda a, b: a > b),
                      (request.arg("min_id"), lambda a, b: a > b)))]
        chosen.sort(key=lambda s: key(s["id"]))
        # min_id: the statuses right after it; otherwise (since_id / none): the newest ones.
        chosen = chosen[:limit] if request.arg("min_id") else chosen[-limit:]
        page = [self._shown(s) for s in reversed(chosen)]
        return Reply(200, json.dumps(page), self._links(request, chosen))

    def _shown(self, status: dict[str, Any]) -> Any:
        return {**status, "created_at": 12345, "account": "nobody"} if status["id"] in self.broken_ids else status

    def _links(self, request: Request, chosen: list[dict[str, Any]]) -> dict[str, str]:
        if not chosen:
            return {}
        base = f"{self.url}{quote(request.path)}"
        older = urlencode({"max_id": chosen[0]["id"]})
        newer = urlencode({"min_id": chosen[-1]["id"]})
        return {"Link": f'<{base}?{older}>; rel="next", <{base}?{newer}>; rel="prev"'}


def _order(status_id: str) -> tuple[int, str]:
    """Mastodon ids are opaque strings: compare by length, then lexically."""
    return len(status_id), status_id


def _too_many() -> Reply:
    reset = (datetime.now(UTC) + timedelta(seconds=60)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return Reply(429, json.dumps({"error": "Too many requests"}),
                 {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
