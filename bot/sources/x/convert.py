"""X API v2 payloads → :class:`~bot.models.Post`, through the typed models of ``schema``.

Works on the raw JSON (dicts) validated into :mod:`bot.sources.x.schema` models, never on
tweepy objects, so the raw payload is kept as it came. Quirks handled (https://docs.x.com/x-api/fundamentals/data-dictionary/reference
and real captures in https://github.com/DocNow/twarc-csv/tree/main/test-data): long
posts carry their full text in ``note_tweet.text``; a repost's own text is truncated, its
original is in ``includes.tweets``; media keys may name media missing from
``includes.media``; videos use the MP4 variant with the largest ``bit_rate`` (HLS variants
have none); ``lang`` is not strict BCP 47. An ``includes`` item of the wrong shape is dropped
(and reported in ``Includes.problems``); a post of the wrong shape raises :class:`PayloadError`.

``lines``: Reading what X sends: one filtered-stream line, or one search/timeline page.

Never raises: a line is a post, an error object, a keep-alive, something unknown (ignored) or
malformed (logged and skipped by the caller, with the reason). JSON is parsed behind the
guards of :mod:`bot.sources.payload` (size, depth, digits) and validated into the typed models
of :mod:`bot.sources.x.schema`. ``matching_rules`` ids may be JSON numbers and tags may be
``""``, ``null`` or absent (as in the captures above); a malformed rule entry is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.models import Media, Post, Refs
from bot.sources.payload import DEFAULT_LIMITS, PayloadError, PayloadLimits, bounded, loads, raw_copy, validate
from bot.sources.x import schema

JSON = dict[str, Any]
PLATFORM = "x"
REF_KINDS = {"retweeted": "repost_of", "quoted": "quote_of", "replied_to": "reply_to"}
NO_LANGUAGE = {"und", "qst", "qme", "qam", "qht", "zxx", "art"}
LEGACY_LANG = {"in": "id", "iw": "he"}
MEDIA_KINDS = {"photo": "photo", "video": "video", "animated_gif": "gif"}
INCLUDES = {"users": (schema.User, "id"), "media": (schema.Media, "media_key"), "tweets": (schema.Tweet, "id")}
__all__ = ["Includes", "PayloadError", "original_of", "post_from_payload"]


@dataclass(frozen=True)
class Includes:
    """``includes`` validated and indexed by id / media key; malformed items left out."""

    users: Mapping[str, schema.User]
    media: Mapping[str, schema.Media]
    tweets: Mapping[str, schema.Tweet]
    raw: Mapping[str, Mapping[str, JSON]] = field(default_factory=dict)
    """The valid items as sent, per part and id (kept in the raw payloads)."""
    problems: tuple[str, ...] = ()
    limits: PayloadLimits = DEFAULT_LIMITS

    @classmethod
    def from_json(cls, includes: object, limits: PayloadLimits = DEFAULT_LIMITS) -> Includes:
        parts = includes if isinstance(includes, dict) else {}
        indexed: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        raw: dict[str, dict[str, JSON]] = {part: {} for part in INCLUDES}
        for part, (model, key) in INCLUDES.items():
            items = parts.get(part)
            indexed[part] = {}
            for n, item in enumerate(items if isinstance(items, list) else []):
                try:
                    valid = validate(model, item, limits, f"includes.{part}.{n}")
                except PayloadError as exc:
                    problems.append(str(exc))
                    continue
                indexed[part][str(getattr(valid, key))] = valid
                raw[part][str(getattr(valid, key))] = item
        return cls(indexed["users"], indexed["media"], indexed["tweets"], raw, tuple(problems), limits)


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/web/status/{post_id}"


def full_text(tweet: schema.Tweet) -> str:
    if tweet.note_tweet is not None:
        return tweet.note_tweet.text
    if tweet.text is None:
        raise PayloadError(f"post {tweet.id} has no text")
    return tweet.text


def refs_of(tweet: schema.Tweet) -> Refs:
    found: dict[str, str] = {}
    for ref in tweet.referenced_tweets or []:
        if ref.type in REF_KINDS:
            found.setdefault(REF_KINDS[ref.type], ref.id)
    return Refs(**found)


def best_mp4(variants: list[schema.Variant] | None) -> schema.Variant | None:
    mp4s = [v for v in variants or [] if v.content_type == "video/mp4" and v.url is not None]
    return max(mp4s, key=lambda v: v.bit_rate or 0, default=None)


def media_item(item: schema.Media) -> Media | None:
    kind = MEDIA_KINDS.get(item.type)
    if kind is None:
        return None
    mp4 = best_mp4(item.variants)
    url = (item.url if kind == "photo" else mp4.url if mp4 else None) or item.preview_image_url
    if url is None:
        return None
    preview = item.preview_image_url
    return Media(kind, url, preview_url=preview if preview != url else None, width=item.width,  # type: ignore[arg-type]
                 height=item.height, duration_ms=item.duration_ms, alt_text=item.alt_text)


def media_of(tweet: schema.Tweet, includes: Includes) -> tuple[Media, ...]:
    keys = tweet.attachments.media_keys if tweet.attachments else []
    found = (media_item(includes.media[k]) for k in keys if k in includes.media)
    return tuple(m for m in found if m is not None)[: includes.limits.max_media]


def links_of(tweet: schema.Tweet) -> tuple[str, ...]:
    """Where the post's links lead: X's ``unwound_url`` or ``expanded_url`` for each t.co link
    (of the long text when there is one), media links left out."""
    entities = tweet.note_tweet.entities if tweet.note_tweet and tweet.note_tweet.entities else tweet.entities
    found = (e.unwound_url or e.expanded_url or e.url for e in (entities.urls if entities else []) if not e.media_key)
    return tuple(dict.fromkeys(u for u in found if u))


def lang_hint(value: str | None) -> str | None:
    if not value or value in NO_LANGUAGE:
        return None
    return LEGACY_LANG.get(value, value)


def _text_and_media(tweet: schema.Tweet, refs: Refs, includes: Includes) -> tuple[str, tuple[Media, ...]]:
    """A repost shows the original's full text and media; everything else its own."""
    original = includes.tweets.get(refs.repost_of or "")
    if original is None:
        return full_text(tweet), media_of(tweet, includes)
    author = includes.users.get(original.author_id or "")
    prefix = f"RT @{author.username}: " if author and author.username else "RT: "
    return prefix + full_text(original), media_of(tweet, includes) or media_of(original, includes)


def _links(tweet: schema.Tweet, refs: Refs, includes: Includes) -> tuple[str, ...]:
    """A repost links where its original links (its own text is the truncated copy)."""
    original = includes.tweets.get(refs.repost_of or "")
    return links_of(original) if original is not None else links_of(tweet)


def post_from_payload(tweet: object, includes: Includes, raw: JSON | str) -> Post:
    """One Post from a ``data`` object; ``raw`` (the whole line or page item) is kept as JSON."""
    if not isinstance(tweet, schema.Tweet):
        tweet = validate(schema.Tweet, tweet, includes.limits, "data")
    return _post(tweet, includes, raw)


def _post(tweet: schema.Tweet, includes: Includes, raw: JSON | str) -> Post:
    refs = refs_of(tweet)
    author = includes.users.get(tweet.author_id or "")
    handle = author.username if author else ""
    text, media = _text_and_media(tweet, refs, includes)
    text, truncated = bounded(text, includes.limits)
    if tweet.created_at is None:
        raise PayloadError(f"post {tweet.id}: created_at is missing (request tweet.fields=created_at)")
    return Post(
        platform=PLATFORM,
        platform_id=tweet.id,
        text=text,
        truncated=truncated,
        created_at=tweet.created_at,
        url=post_url(handle, tweet.id),
        author_id=tweet.author_id or "",
        author_handle=handle,
        author_name=author.name if author else "",
        lang_hint=lang_hint(tweet.lang),
        media=media,
        refs=refs,
        links=_links(tweet, refs, includes),
        raw=raw if isinstance(raw, str) else raw_copy(raw, includes.limits, truncated),
    )


def original_of(tweet: object, includes: Includes) -> Post | None:
    """The post a repost reposts, built from ``includes.tweets`` (X sends it whole), or ``None``.

    Collected before the repost, so the original is stored (and alerted) once as itself, the
    repost becomes its duplicate, and the original's repost count goes up.
    """
    if not isinstance(tweet, schema.Tweet):
        return None
    original = includes.tweets.get(refs_of(tweet).repost_of or "")
    if original is None:
        return None
    try:
        return _post(original, includes, {"data": includes.raw["tweets"][original.id]})
    except PayloadError:
        return None


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
