"""The one JSONL post format: what ``sahelwatch export`` writes and ``replay``/``analyze`` read.

One JSON object per line. Required: ``id`` and ``text``. Optional: ``platform`` (default
``replay``), ``url``, ``author`` (handle), ``author_id``, ``author_name``, ``created_at``
(ISO 8601; default now), ``lang`` (the platform's language hint), ``media`` (list of
``{kind, url, preview_url, width, height, duration_ms, alt_text}``), ``refs``
(``{repost_of, quote_of, reply_to}``). Export adds derived fields (``lang_detected``,
``topics``, ``matches``, ``duplicate_of`` ...) which readers ignore. A post's ``raw`` keeps the
record's other fields only (the rest is in the post's columns already).

Lines are read as bytes and decoded one by one (invalid UTF-8 becomes U+FFFD in that line
only), parsed behind the guards of :mod:`bot.sources.payload` and validated into
:class:`Record`: a bad line yields its number and the reason, and reading goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from bot.models import Media, Post, Refs, utcnow
from bot.sources.payload import (
    DEFAULT_LIMITS,
    Count,
    Dimension,
    Payload,
    PayloadError,
    PayloadLimits,
    Short,
    Text,
    Timestamp,
    Url,
    bounded,
    iter_lines,
    loads,
    parse_timestamp,
    raw_copy,
    validate,
)

RecordError = PayloadError
"""A JSONL line that is not a valid post record."""


def _ident(value: object) -> object:
    """Ids may be JSON numbers (``"id": 12``): kept as their decimal string."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _optional(value: object) -> object:
    return None if value == "" else value


Ident = Annotated[Short, BeforeValidator(_ident), Field(min_length=1, max_length=200)]


class MediaRecord(Payload):
    kind: Literal["photo", "video", "gif"] = "photo"
    url: Url
    preview_url: Url = None
    width: Dimension | None = None
    height: Dimension | None = None
    duration_ms: Count | None = None
    alt_text: Short | None = None


class RefsRecord(Payload):
    repost_of: Annotated[Ident | None, BeforeValidator(_optional)] = None
    quote_of: Annotated[Ident | None, BeforeValidator(_optional)] = None
    reply_to: Annotated[Ident | None, BeforeValidator(_optional)] = None


class Record(Payload):
    id: Ident
    text: Text
    platform: Annotated[Short | None, BeforeValidator(_optional)] = None
    url: Url = None
    author: Short | None = None
    author_id: Annotated[Short | None, BeforeValidator(_ident)] = None
    author_name: Short | None = None
    created_at: Annotated[Timestamp | None, BeforeValidator(_optional)] = None
    lang: Short | None = None
    media: Annotated[list[MediaRecord], Field(max_length=10_000)] | None = None
    refs: RefsRecord | None = None


@dataclass(frozen=True)
class Line:
    number: int
    post: Post | None
    error: str | None = None


def parse_time(value: object) -> datetime:
    """An ISO 8601 time (naive: UTC); empty: now. Raises :class:`RecordError` when invalid."""
    if value in (None, ""):
        return utcnow()
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise RecordError(f"created_at: {exc}") from None


def _media(items: list[MediaRecord] | None, limits: PayloadLimits) -> tuple[Media, ...]:
    kept = [m for m in items or [] if m.url is not None]  # over-long URLs were dropped
    return tuple(Media(m.kind, m.url, m.preview_url, m.width, m.height, m.duration_ms, m.alt_text)  # type: ignore[arg-type]
                 for m in kept[: limits.max_media])


def post_from_record(record: object, default_platform: str = "replay", limits: PayloadLimits = DEFAULT_LIMITS,
                     big: bool = False) -> Post:
    """Build a Post from one decoded JSONL record; raise :class:`RecordError` when invalid."""
    if not isinstance(record, dict):
        raise RecordError("line is not a JSON object")
    for name in ("id", "text"):
        if record.get(name) is None:
            raise RecordError(f"missing required field '{name}'")
    valid = validate(Record, record, limits)
    text, truncated = bounded(valid.text, limits)
    refs = valid.refs or RefsRecord()
    return Post(
        platform=valid.platform or default_platform,
        platform_id=valid.id,
        text=text,
        truncated=truncated,
        created_at=valid.created_at or utcnow(),
        url=valid.url or "",
        author_id=valid.author_id or "",
        author_handle=valid.author or "",
        author_name=valid.author_name or "",
        lang_hint=valid.lang or None,
        media=_media(valid.media, limits),
        refs=Refs(refs.repost_of, refs.quote_of, refs.reply_to),
        raw=_extra(record, limits, big or truncated),
    )


DERIVED = frozenset({"lang_detected", "topics", "matches", "duplicate_of", "truncated"})
"""Fields ``export`` adds that the pipeline derives again: not kept in ``raw``."""


def _extra(record: dict[str, Any], limits: PayloadLimits, big: bool) -> str:
    """``raw`` keeps only what the columns do not already hold (stored once, not twice)."""
    extra = {k: v for k, v in record.items() if k not in Record.model_fields and k not in DERIVED}
    return raw_copy(extra, limits, big) if extra else ""


def read_lines(stream: IO[bytes], default_platform: str = "replay", start_after: int = 0,
               limits: PayloadLimits = DEFAULT_LIMITS) -> Iterator[Line]:
    """Yield every non-blank line after line ``start_after`` as a Post or an error. Never raises
    for what the stream contains (only for errors reading the stream itself)."""
    for line in iter_lines(stream, limits.max_line_bytes, start_after):
        if line.text is None:
            yield Line(line.number, None, f"line too long: {line.size} bytes (limit {limits.max_line_bytes})")
            continue
        if not line.text.strip():
            continue
        try:
            record = loads(line.text, limits)
            big = len(line.text) > limits.max_post_chars
            yield Line(line.number, post_from_record(record, default_platform, limits, big))
        except PayloadError as exc:
            yield Line(line.number, None, str(exc))


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
        "truncated": post.truncated,
    }
