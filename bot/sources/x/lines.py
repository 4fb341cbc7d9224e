"""Reading what X sends: one filtered-stream line, or one search/timeline page.

Never raises: a line is a post, an error object, a keep-alive, something unknown (ignored) or
malformed (logged and skipped by the caller, with the reason). JSON is parsed behind the
guards of :mod:`bot.sources.payload` (size, depth, digits) and validated into the typed models
of :mod:`bot.sources.x.schema`. ``matching_rules`` ids may be JSON numbers and tags may be
``""``, ``null`` or absent (reference §3); a malformed rule entry is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.models import Post
from bot.sources.payload import DEFAULT_LIMITS, PayloadError, PayloadLimits, loads, raw_copy, validate
from bot.sources.x import schema
from bot.sources.x.convert import Includes, original_of, post_from_payload

JSON = dict[str, Any]
PAGE_BYTES_FACTOR = 8
"""A page holds up to 100 posts: its size limit is this many times a stream line's."""


@dataclass(frozen=True)
class StreamLine:
    kind: str  # "post" | "errors" | "keep-alive" | "unknown" | "malformed"
    post: Post | None = None
    original: Post | None = None  # the reposted post, when X included it
    rules: tuple[tuple[str, str | None], ...] = ()
    errors: tuple[JSON, ...] = ()
    problem: str = ""
    """Why a line is malformed, or which parts of a post line were left out."""


@dataclass(frozen=True)
class Page:
    """The posts of one search/timeline page, oldest first, plus what could not be read."""

    posts: list[Post] = field(default_factory=list)
    meta: JSON = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    errors: list[JSON] = field(default_factory=list)


def matching_rules(value: object) -> tuple[tuple[str, str | None], ...]:
    rules = []
    for rule in value if isinstance(value, list) else []:
        try:
            valid = validate(schema.Rule, rule)
        except PayloadError:
            continue
        rules.append((valid.id, valid.tag or None))
    return tuple(rules)


def error_objects(value: object) -> list[JSON]:
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def parse_line(raw: bytes | str, limits: PayloadLimits = DEFAULT_LIMITS) -> StreamLine:
    if not raw.strip():
        return StreamLine("keep-alive")
    try:
        obj = loads(raw, limits)
        if not isinstance(obj, dict):
            raise PayloadError("line is not a JSON object")
        if "data" in obj:
            return _post_line(obj, limits, big=len(raw) > limits.max_post_chars)
    except PayloadError as exc:
        return StreamLine("malformed", problem=str(exc))
    if errors := error_objects(obj.get("errors")):
        return StreamLine("errors", errors=tuple(errors))
    return StreamLine("unknown", problem=f"keys {sorted(map(str, obj))[:5]}")


def _post_line(obj: JSON, limits: PayloadLimits, big: bool) -> StreamLine:
    includes = Includes.from_json(obj.get("includes"), limits)
    tweet = validate(schema.Tweet, obj["data"], limits, "data")
    post = post_from_payload(tweet, includes, raw_copy(obj, limits, big))
    rules = matching_rules(obj.get("matching_rules"))
    return StreamLine("post", post, original_of(tweet, includes), rules, problem="; ".join(includes.problems))


def parse_page(body: object, limits: PayloadLimits = DEFAULT_LIMITS) -> Page:
    """A v2 list response: ``data`` (absent or ``[]`` when empty), ``includes``, ``meta``, ``errors``.

    ``body`` is the response's bytes (parsed here, behind the guards) or already parsed JSON.
    """
    if isinstance(body, bytes | str):
        try:
            body = loads(body, limits, max_bytes=limits.max_line_bytes * PAGE_BYTES_FACTOR)
        except PayloadError as exc:
            return Page(skipped=[f"page: {exc}"])
    if not isinstance(body, dict):
        return Page(skipped=["response is not a JSON object"])
    includes = Includes.from_json(body.get("includes"), limits)
    page = Page(meta=_meta(body.get("meta")), errors=error_objects(body.get("errors")), skipped=list(includes.problems))
    items = body.get("data") if isinstance(body.get("data"), list) else []
    for item in reversed(items):  # pages are newest first
        try:
            tweet = validate(schema.Tweet, item, limits, "data")
            post = post_from_payload(tweet, includes, {"data": item, "includes": _used(tweet, includes)})
            page.posts.extend(p for p in (original_of(tweet, includes), post) if p is not None)
        except PayloadError as exc:
            page.skipped.append(str(exc))
    return page


def _meta(value: object) -> JSON:
    try:
        return validate(schema.Meta, value if isinstance(value, dict) else {}).model_dump(exclude_none=True)
    except PayloadError:
        return {}


def _used(tweet: schema.Tweet, includes: Includes) -> JSON:
    """The includes a page item refers to (kept in its raw payload, not the whole page's)."""
    tweets = [includes.tweets[r.id] for r in tweet.referenced_tweets or [] if r.id in includes.tweets]
    users = {tweet.author_id} | {t.author_id for t in tweets}
    keys = {k for t in [tweet, *tweets] for k in (t.attachments.media_keys if t.attachments else [])}
    wanted = {"users": users, "media": keys, "tweets": {t.id for t in tweets}}
    picked = {part: [item for key, item in includes.raw[part].items() if key in wanted[part]] for part in wanted}
    return {k: v for k, v in picked.items() if v}
