"""Fields and expansions: what a v2 response contains, decided by the request's parameters.

Objects carry their default fields plus the requested ``*.fields``; ``includes`` holds only the
expanded objects, and a media key absent from the store is silently missing (as on X).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.x_problems import InvalidRequest, not_found

if TYPE_CHECKING:
    from tests.fakes.x_store import XStore

JSON = dict[str, Any]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


TWEET_FIELDS = _names(
    "article attachments author_id card_uri community_id context_annotations conversation_id created_at "
    "display_text_range edit_controls edit_history_tweet_ids entities geo id in_reply_to_user_id lang "
    "media_metadata non_public_metrics note_tweet organic_metrics possibly_sensitive promoted_metrics "
    "public_metrics referenced_tweets reply_settings scopes source text withheld"
)
USER_FIELDS = _names(
    "affiliation connection_status created_at description entities id location most_recent_tweet_id name "
    "pinned_tweet_id profile_banner_url profile_image_url protected public_metrics receives_your_dm "
    "subscription_type url username verified verified_type withheld"
)
MEDIA_FIELDS = _names(
    "alt_text duration_ms height media_key non_public_metrics organic_metrics preview_image_url "
    "promoted_metrics public_metrics type url variants width"
)
TWEET_EXPANSIONS = _names(
    "attachments.poll_ids attachments.media_keys author_id edit_history_tweet_ids entities.mentions.username "
    "geo.place_id in_reply_to_user_id referenced_tweets.id referenced_tweets.id.author_id "
    "referenced_tweets.id.attachments.media_keys"
)
USER_EXPANSIONS = frozenset({"pinned_tweet_id", "most_recent_tweet_id", "affiliation.user_id"})
DEFAULTS = {
    "tweet": ("id", "text", "edit_history_tweet_ids"),
    "user": ("id", "name", "username"),
    "media": ("media_key", "type"),
}


def _listed(params: Mapping[str, str], name: str, allowed: frozenset[str]) -> frozenset[str]:
    raw = params.get(name, "")
    values = frozenset(v for v in raw.split(",") if v)
    unknown = sorted(values - allowed)
    if unknown:
        raise InvalidRequest(
            name,
            unknown[0],
            f"The `{name}` query parameter value [{unknown[0]}] is not one of [{','.join(sorted(allowed))}]",
        )
    return values


@dataclass(frozen=True)
class FieldSpec:
    expansions: frozenset[str]
    tweet: frozenset[str]
    user: frozenset[str]
    media: frozenset[str]

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], expansions: frozenset[str] = TWEET_EXPANSIONS
    ) -> FieldSpec:
        return cls(
            expansions=_listed(params, "expansions", expansions),
            tweet=_listed(params, "tweet.fields", TWEET_FIELDS),
            user=_listed(params, "user.fields", USER_FIELDS),
            media=_listed(params, "media.fields", MEDIA_FIELDS),
        )


def pick(obj: JSON, kind: str, requested: Iterable[str]) -> JSON:
    wanted = set(DEFAULTS[kind]) | set(requested)
    return {k: v for k, v in obj.items() if k in wanted}


def _tweet_fields(spec: FieldSpec) -> set[str]:
    fields = set(spec.tweet)
    if "author_id" in spec.expansions:
        fields.add("author_id")
    if "attachments.media_keys" in spec.expansions:
        fields.add("attachments")
    if "referenced_tweets.id" in spec.expansions:
        fields.add("referenced_tweets")
    return fields


class _Includes:
    def __init__(self, store: XStore, spec: FieldSpec) -> None:
        self.store, self.spec = store, spec
        self.users: dict[str, JSON] = {}
        self.media: dict[str, JSON] = {}
        self.tweets: dict[str, JSON] = {}
        self.errors: list[JSON] = []

    def add_user(self, user_id: str | None) -> None:
        found = self.store.users.get(user_id or "")
        if found and user_id not in self.users:
            self.users[found["id"]] = pick(found, "user", self.spec.user)

    def add_media(self, tweet: JSON) -> None:
        for key in tweet.get("attachments", {}).get("media_keys", []):
            if key in self.store.media and key not in self.media:
                self.media[key] = pick(self.store.media[key], "media", self.spec.media)

    def add_referenced(self, tweet: JSON) -> None:
        for ref in tweet.get("referenced_tweets", []):
            found = self.store.tweets.get(ref["id"])
            if found is None:
                self.errors.append(not_found("tweet", "referenced_tweets.id", ref["id"]))
                continue
            self.tweets.setdefault(found["id"], pick(found, "tweet", _tweet_fields(self.spec)))
            if "referenced_tweets.id.author_id" in self.spec.expansions:
                self.add_user(found.get("author_id"))
            if "referenced_tweets.id.attachments.media_keys" in self.spec.expansions:
                self.add_media(found)

    def as_json(self) -> JSON:
        parts = {"users": self.users, "media": self.media, "tweets": self.tweets}
        return {name: list(items.values()) for name, items in parts.items() if items}


def render_tweets(tweets: list[JSON], store: XStore, spec: FieldSpec) -> JSON:
    """``{"data": [...], "includes": {...}, "errors": [...]}`` with only requested parts present."""
    includes = _Includes(store, spec)
    for item in tweets:
        if "author_id" in spec.expansions:
            includes.add_user(item.get("author_id"))
        if "attachments.media_keys" in spec.expansions:
            includes.add_media(item)
        if "referenced_tweets.id" in spec.expansions:
            includes.add_referenced(item)
    body: JSON = {"data": [pick(item, "tweet", _tweet_fields(spec)) for item in tweets]}
    if rendered := includes.as_json():
        body["includes"] = rendered
    if includes.errors:
        body["errors"] = includes.errors
    return body


def render_users(users: list[JSON], spec: FieldSpec) -> list[JSON]:
    return [pick(item, "user", spec.user) for item in users]
