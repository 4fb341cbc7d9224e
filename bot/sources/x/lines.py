"""Reading what X sends: one filtered-stream line, or one search/timeline page.

Never raises: a line is a post, an error object, a keep-alive, something unknown (ignored) or
malformed (logged and skipped by the caller). ``matching_rules`` ids may be JSON numbers and
tags may be ``""``, ``null`` or absent (reference §3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.models import Post
from bot.sources.x.convert import Includes, PayloadError, original_of, post_from_payload

JSON = dict[str, Any]


@dataclass(frozen=True)
class StreamLine:
    kind: str  # "post" | "errors" | "keep-alive" | "unknown" | "malformed"
    post: Post | None = None
    original: Post | None = None  # the reposted post, when X included it
    rules: tuple[tuple[str, str | None], ...] = ()
    errors: tuple[JSON, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class Page:
    """The posts of one search/timeline page, oldest first, plus what could not be read."""

    posts: list[Post] = field(default_factory=list)
    meta: JSON = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    errors: list[JSON] = field(default_factory=list)


def matching_rules(value: object) -> tuple[tuple[str, str | None], ...]:
    if not isinstance(value, list):
        return ()
    rules = []
    for rule in value:
        if isinstance(rule, dict) and rule.get("id") is not None:
            tag = rule.get("tag")
            rules.append((str(rule["id"]), tag if isinstance(tag, str) and tag else None))
    return tuple(rules)


def parse_line(raw: bytes | str) -> StreamLine:
    if not raw.strip():
        return StreamLine("keep-alive")
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return StreamLine("malformed", problem=f"not JSON: {exc}")
    if not isinstance(obj, dict):
        return StreamLine("malformed", problem="line is not a JSON object")
    if "data" in obj:
        includes = Includes.from_json(obj.get("includes"))
        try:
            post = post_from_payload(obj["data"], includes, obj)
        except PayloadError as exc:
            return StreamLine("malformed", problem=str(exc))
        return StreamLine("post", post, original_of(obj["data"], includes), matching_rules(obj.get("matching_rules")))
    errors = obj.get("errors")
    if isinstance(errors, list) and errors:
        return StreamLine("errors", errors=tuple(e for e in errors if isinstance(e, dict)))
    return StreamLine("unknown", problem=f"keys {sorted(obj)[:5]}")


def parse_page(body: object) -> Page:
    """A v2 list response: ``data`` (absent or ``[]`` when empty), ``includes``, ``meta``, ``errors``."""
    if not isinstance(body, dict):
        return Page(skipped=["response is not a JSON object"])
    includes = Includes.from_json(body.get("includes"))
    page = Page(
        meta=body.get("meta") if isinstance(body.get("meta"), dict) else {},
        errors=[e for e in body.get("errors") or [] if isinstance(e, dict)],
    )
    items = body.get("data") if isinstance(body.get("data"), list) else []
    for item in reversed(items):  # pages are newest first
        try:
            post = post_from_payload(item, includes, {"data": item, "includes": _used(body, item)})
            page.posts.extend(p for p in (original_of(item, includes), post) if p is not None)
        except PayloadError as exc:
            page.skipped.append(str(exc))
    return page


def _used(body: JSON, item: object) -> JSON:
    """The includes a page item refers to (kept in its raw payload, not the whole page's)."""
    if not isinstance(item, dict) or not isinstance(body.get("includes"), dict):
        return {}
    includes = body["includes"]
    refs = {str(r.get("id")) for r in item.get("referenced_tweets") or [] if isinstance(r, dict)}
    tweets = [t for t in includes.get("tweets") or [] if isinstance(t, dict) and str(t.get("id")) in refs]
    users = {str(item.get("author_id"))} | {str(t.get("author_id")) for t in tweets}
    keys = {str(k) for t in [item, *tweets] for k in (t.get("attachments") or {}).get("media_keys") or []}
    picked = {
        "users": [u for u in includes.get("users") or [] if isinstance(u, dict) and str(u.get("id")) in users],
        "media": [m for m in includes.get("media") or [] if isinstance(m, dict) and m.get("media_key") in keys],
        "tweets": tweets,
    }
    return {k: v for k, v in picked.items() if v}
