"""What the fake X "knows": users, media and Posts that tests seed, and rules clients add."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tests.fakes.x_query import Doc

JSON = dict[str, Any]


def parse_x_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


class XStore:
    """Seeded content. Methods take the lock; handlers read under ``store.lock`` too."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, JSON] = {}
        self.media: dict[str, JSON] = {}
        self.tweets: dict[str, JSON] = {}
        self.suspended: set[str] = set()

    def add_user(self, *users: JSON) -> None:
        with self.lock:
            for item in users:
                self.users[item["id"]] = item

    def add_media(self, *media: JSON) -> None:
        with self.lock:
            for item in media:
                self.media[item["media_key"]] = item

    def add_tweet(self, *tweets: JSON) -> None:
        with self.lock:
            for item in tweets:
                self.tweets[item["id"]] = item

    def seed(self, users: Iterable[JSON], media: Iterable[JSON], tweets: Iterable[JSON]) -> None:
        self.add_user(*users)
        self.add_media(*media)
        self.add_tweet(*tweets)

    def user_by_name(self, username: str) -> JSON | None:
        folded = username.casefold()
        with self.lock:
            return next((u for u in self.users.values() if u["username"].casefold() == folded), None)

    def newest_first(self) -> list[JSON]:
        with self.lock:
            return sorted(self.tweets.values(), key=lambda t: int(t["id"]), reverse=True)

    def doc(self, item: JSON, with_quoted: bool) -> Doc:
        """The view of a Post that rule and query matching sees."""
        texts = [item.get("note_tweet", item)["text"]]
        refs = {ref["type"]: ref["id"] for ref in item.get("referenced_tweets", [])}
        quoted = self.tweets.get(refs.get("quoted", ""))
        if with_quoted and quoted:
            texts.append(quoted.get("note_tweet", quoted)["text"])
        author = self.users.get(item.get("author_id", ""), {})
        flags = {
            name
            for name, kind in (("retweet", "retweeted"), ("reply", "replied_to"), ("quote", "quoted"))
            if kind in refs
        }
        if item.get("attachments", {}).get("media_keys"):
            flags |= {"media", *self._media_flags(item)}
        if item.get("entities", {}).get("urls"):
            flags.add("links")
        if author.get("verified"):
            flags.add("verified")
        return Doc(
            tuple(texts),
            item.get("author_id", ""),
            author.get("username", ""),
            item.get("lang", ""),
            frozenset(flags),
            self._reply_to(refs),
        )

    def _media_flags(self, item: JSON) -> set[str]:
        kinds = {self.media.get(key, {}).get("type") for key in item["attachments"]["media_keys"]}
        return (
            {"images"} if "photo" in kinds else ({"videos"} if kinds & {"video", "animated_gif"} else set())
        )

    def _reply_to(self, refs: dict[str, str]) -> str:
        parent = self.tweets.get(refs.get("replied_to", ""))
        if not parent:
            return ""
        return self.users.get(parent.get("author_id", ""), {}).get("username", "").casefold()
