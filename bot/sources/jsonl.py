"""The one JSONL post format: what ``sahelwatch export`` writes and ``replay``/``analyze`` read.

One JSON object per line. Required: ``id`` and ``text``. Optional: ``platform`` (default
``replay``), ``url``, ``author`` (handle), ``author_id``, ``author_name``, ``created_at``
(ISO 8601; default now), ``lang`` (the platform's language hint), ``media`` (list of
``{kind, url, preview_url, width, height, duration_ms, alt_text}``), ``refs``
(``{repost_of, quote_of, reply_to}``). Export adds derived fields (``lang_detected``,
``topics``, ``matches``, ``duplicate_of`` ...) which readers ignore.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from bot.models import Media, Post, Refs, utcnow

MEDIA_KINDS = ("photo", "video", "gif")


class RecordError(ValueError):
    """A JSONL line that is not a valid post record."""


@dataclass(frozen=True)
class Line:
    number: int
    post: Post | None
    error: str | None = None


def parse_time(value: object) -> datetime:
    if value in (None, ""):
        return utcnow()
    if not isinstance(value, str):
        raise RecordError(f"created_at must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"created_at is not ISO 8601: {value!r}") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _str(record: dict[str, Any], name: str, default: str = "") -> str:
    value = record.get(name, default)
    if value is None:
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string")
    return value


def _media(items: object) -> tuple[Media, ...]:
    if items in (None, []):
        return ()
    if not isinstance(items, list):
        raise RecordError("media must be a list")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise RecordError("each media item needs a url")
        kind = item.get("kind", "photo")
        if kind not in MEDIA_KINDS:
            raise RecordError(f"media kind must be one of {', '.join(MEDIA_KINDS)}")
        fields = ("preview_url", "width", "height", "duration_ms", "alt_text")
        out.append(Media(kind=kind, url=item["url"], **{k: item.get(k) for k in fields}))
    return tuple(out)


def _refs(value: object) -> Refs:
    if not value:
        return Refs()
    if not isinstance(value, dict):
        raise RecordError("refs must be an object")
    return Refs(**{k: (str(value[k]) if value.get(k) else None) for k in ("repost_of", "quote_of", "reply_to")})


def post_from_record(record: object, default_platform: str = "replay") -> Post:
    """Build a Post from one decoded JSONL record; raise :class:`RecordError` when invalid."""
    if not isinstance(record, dict):
        raise RecordError("line is not a JSON object")
    post_id, text = _str(record, "id"), _str(record, "text")
    if not post_id:
        raise RecordError("missing required field 'id'")
    if "text" not in record:
        raise RecordError("missing required field 'text'")
    return Post(
        platform=_str(record, "platform", default_platform) or default_platform,
        platform_id=post_id,
        text=text,
        created_at=parse_time(record.get("created_at")),
        url=_str(record, "url"),
        author_id=_str(record, "author_id"),
        author_handle=_str(record, "author"),
        author_name=_str(record, "author_name"),
        lang_hint=_str(record, "lang") or None,
        media=_media(record.get("media")),
        refs=_refs(record.get("refs")),
        raw=json.dumps(record, ensure_ascii=False, sort_keys=True),
    )


def read_lines(stream: IO[str], default_platform: str = "replay", start_after: int = 0) -> Iterator[Line]:
    """Yield every non-blank line after line ``start_after`` as a Post or an error."""
    for number, text in enumerate(stream, start=1):
        if number <= start_after or not text.strip():
            continue
        try:
            yield Line(number, post_from_record(json.loads(text), default_platform))
        except (json.JSONDecodeError, RecordError, TypeError) as exc:
            yield Line(number, None, str(exc))


def record_from_post(post: Post) -> dict[str, Any]:
    """The inverse of :func:`post_from_record`, plus the derived fields."""
    return {
        "platform": post.platform,
        "id": post.platform_id,
        "text": post.text,
        "created_at": post.created_at.isoformat().replace("+00:00", "Z"),
        "url": post.url,
        "author": post.author_handle,
        "author_id": post.author_id,
        "author_name": post.author_name,
        "lang": post.lang_hint,
        "media": [{k: v for k, v in vars(m).items() if v is not None} for m in post.media],
        "refs": {k: v for k, v in vars(post.refs).items() if v},
        "lang_detected": post.lang,
        "topics": list(post.topics),
        "matches": [vars(m) for m in post.matches],
        "duplicate_of": post.duplicate_of,
    }
