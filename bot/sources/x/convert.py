"""X API v2 payloads → :class:`~bot.models.Post`, defensively.

Works on the raw JSON (dicts), never on tweepy objects, so the raw payload is kept as it came.
Quirks handled (reference §3): long posts carry their full text in ``note_tweet.text``; a
repost's own text is truncated, its original is in ``includes.tweets``; media keys may name
media missing from ``includes.media``; videos use the MP4 variant with the largest
``bit_rate`` (HLS variants have none); ``lang`` is not strict BCP 47.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models import Media, Post, Refs

JSON = dict[str, Any]
PLATFORM = "x"
REF_KINDS = {"retweeted": "repost_of", "quoted": "quote_of", "replied_to": "reply_to"}
NO_LANGUAGE = {"und", "qst", "qme", "qam", "qht", "zxx", "art"}
LEGACY_LANG = {"in": "id", "iw": "he"}
MEDIA_KINDS = {"photo": "photo", "video": "video", "animated_gif": "gif"}


class PayloadError(ValueError):
    """A Post object without the fields a Post needs (id, text, created_at)."""


@dataclass(frozen=True)
class Includes:
    """``includes`` indexed by id / media key; tolerant of missing or malformed parts."""

    users: Mapping[str, JSON]
    media: Mapping[str, JSON]
    tweets: Mapping[str, JSON]

    @classmethod
    def from_json(cls, includes: object) -> Includes:
        parts = includes if isinstance(includes, dict) else {}
        return cls(
            _index(parts.get("users"), "id"), _index(parts.get("media"), "media_key"), _index(parts.get("tweets"), "id")
        )


def _index(items: object, key: str) -> dict[str, JSON]:
    if not isinstance(items, list):
        return {}
    return {str(i[key]): i for i in items if isinstance(i, dict) and i.get(key) is not None}


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/web/status/{post_id}"


def full_text(tweet: JSON) -> str:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return note["text"]
    text = tweet.get("text")
    if not isinstance(text, str):
        raise PayloadError(f"post {tweet.get('id')} has no text")
    return text


def refs_of(tweet: JSON) -> Refs:
    found: dict[str, str] = {}
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") in REF_KINDS and ref.get("id") is not None:
            found.setdefault(REF_KINDS[ref["type"]], str(ref["id"]))
    return Refs(**found)


def best_mp4(variants: object) -> JSON | None:
    mp4s = [
        v
        for v in variants or []
        if isinstance(v, dict) and v.get("content_type") == "video/mp4" and isinstance(v.get("url"), str)
    ]
    return max(mp4s, key=lambda v: v.get("bit_rate") or 0, default=None)


def media_item(item: JSON) -> Media | None:
    kind = MEDIA_KINDS.get(item.get("type", ""))
    preview = item.get("preview_image_url")
    if kind is None:
        return None
    url = item.get("url") if kind == "photo" else (best_mp4(item.get("variants")) or {}).get("url")
    url = url or preview
    if not isinstance(url, str):
        return None
    return Media(
        kind,
        url,
        preview_url=preview if preview != url else None,
        width=item.get("width"),
        height=item.get("height"),
        duration_ms=item.get("duration_ms"),
        alt_text=item.get("alt_text"),
    )


def media_of(tweet: JSON, includes: Includes) -> tuple[Media, ...]:
    keys = (tweet.get("attachments") or {}).get("media_keys") or []
    found = (media_item(includes.media[str(k)]) for k in keys if str(k) in includes.media)
    return tuple(m for m in found if m is not None)


def lang_hint(value: object) -> str | None:
    if not isinstance(value, str) or not value or value in NO_LANGUAGE:
        return None
    return LEGACY_LANG.get(value, value)


def parse_created(value: object) -> datetime:
    if not isinstance(value, str):
        raise PayloadError("created_at is missing (request tweet.fields=created_at)")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(f"created_at is not a timestamp: {value!r}") from exc


def _text_and_media(tweet: JSON, refs: Refs, includes: Includes) -> tuple[str, tuple[Media, ...]]:
    """A repost shows the original's full text and media; everything else its own."""
    original = includes.tweets.get(refs.repost_of or "")
    if original is None:
        return full_text(tweet), media_of(tweet, includes)
    handle = includes.users.get(str(original.get("author_id")), {}).get("username", "")
    prefix = f"RT @{handle}: " if handle else "RT: "
    return prefix + full_text(original), media_of(tweet, includes) or media_of(original, includes)


def post_from_payload(tweet: object, includes: Includes, raw: JSON) -> Post:
    """One Post from a ``data`` object; ``raw`` (the whole line or page item) is kept as JSON."""
    if not isinstance(tweet, dict) or tweet.get("id") in (None, ""):
        raise PayloadError("post object without an id")
    post_id, refs = str(tweet["id"]), refs_of(tweet)
    author_id = str(tweet.get("author_id") or "")
    author = includes.users.get(author_id, {})
    handle = author.get("username") or ""
    text, media = _text_and_media(tweet, refs, includes)
    return Post(
        platform=PLATFORM,
        platform_id=post_id,
        text=text,
        created_at=parse_created(tweet.get("created_at")),
        url=post_url(handle, post_id),
        author_id=author_id,
        author_handle=handle,
        author_name=author.get("name") or "",
        lang_hint=lang_hint(tweet.get("lang")),
        media=media,
        refs=refs,
        raw=json.dumps(raw, ensure_ascii=False, sort_keys=True),
    )


def original_of(tweet: object, includes: Includes) -> Post | None:
    """The post a repost reposts, built from ``includes.tweets`` (X sends it whole), or ``None``.

    Collected before the repost, so the original is stored (and alerted) once as itself, the
    repost becomes its duplicate, and the original's repost count goes up.
    """
    if not isinstance(tweet, dict):
        return None
    original = includes.tweets.get(refs_of(tweet).repost_of or "")
    if original is None:
        return None
    try:
        return post_from_payload(original, includes, {"data": original})
    except PayloadError:
        return None
