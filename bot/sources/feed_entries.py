"""Feed bytes to Posts: RSS 2.0, Atom 1.0 and RDF parsed by feedparser (never given a URL or a path).

:func:`parse_feed` hands feedparser the **bytes** the poller fetched, with the response's
content type and final URL (charset rules, relative links). A document with no feed version
or no entries while malformed (an HTML page, a consent wall, an empty body) is
:class:`NotAFeed`; a ``bozo`` feed that still yields entries is accepted (``degraded``).
:func:`entry_post` builds one Post per entry:

* identity: ``id`` (RSS ``guid`` / Atom ``id``), else the link, else a hash of title and
  date; ``platform_id`` is that id when it is a URL or a URN/tag (globally unique), else it
  is prefixed by the feed URL;
* text: the title, a blank line, then the longer of summary and content, HTML to text
  (:mod:`bot.sources.html_text`: line breaks kept, links expanded; feedparser has
  already made relative links absolute);
* ``created_at`` from published, else updated, else now (first seen);
* media, in this order: ``media:content``, image/video enclosures, ``media:thumbnail`` (at most
  ten, no duplicates); author (else the feed's name) and link kept.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from bot.models import Media, MediaKind, Post, utcnow
from bot.sources.html_text import fragment_text
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits, bounded, clean_text

PLATFORM = "feed"
MAX_MEDIA = 10
GLOBAL_IDS = ("http://", "https://", "urn:", "tag:")


class NotAFeed(ValueError):
    """The body is not a feed (HTML page, empty body, garbage)."""


@dataclass(frozen=True)
class Parsed:
    title: str
    language: str | None
    entries: Sequence[Any]
    degraded: str | None
    """Why feedparser found the feed malformed (entries still read), else None."""


def parse_feed(body: bytes, content_type: str, url: str) -> Parsed:
    parsed = feedparser.parse(io.BytesIO(body), response_headers={
        "content-type": content_type or "application/xml", "content-location": url})
    degraded = repr(parsed.get("bozo_exception"))[:200] if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed(f"not a feed ({content_type or 'no content type'}"
                       f"{'; ' + degraded if degraded else ''})")
    feed = parsed.get("feed", {})
    language = (feed.get("language") or "")[:2].lower() or None
    return Parsed(str(feed.get("title") or ""), language, parsed.entries, degraded)


def entry_id(entry: Any) -> str | None:
    """The entry's identity: guid/id, else link, else a hash of title and date; None if it has nothing."""
    for key in ("id", "link"):
        value = str(entry.get(key) or "").strip()
        if value:
            return value
    title, date = entry.get("title") or "", entry.get("published") or entry.get("updated") or ""
    if not title:
        return None  # a truncated last entry: neither id, link nor title
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode()).hexdigest()


def entry_post(entry: Any, ident: str, feed_url: str, feed_name: str, language: str | None,
               limits: PayloadLimits = DEFAULT_LIMITS) -> Post:
    """The Post of one entry; raises ``ValueError`` for an entry that says nothing at all."""
    title = fragment_text(str(entry.get("title") or ""))
    body = _body(entry, feed_url)
    text, cut = bounded(clean_text("\n\n".join(p for p in (title, body if body != title else "") if p)), limits)
    link = str(entry.get("link") or (ident if ident.startswith(("http://", "https://")) else ""))
    link = link if len(link) <= limits.max_url_chars else ""
    if not text and not link:
        raise ValueError("entry has neither text nor link")
    author = clean_text(fragment_text(str(entry.get("author") or "")))[:200] or feed_name
    return Post(
        platform=PLATFORM, platform_id=ident if ident.startswith(GLOBAL_IDS) else f"{feed_url}#{ident}",
        text=text or link, created_at=_created(entry), url=link, author_id=feed_url,
        author_handle=urlsplit(feed_url).hostname or "", author_name=author, lang_hint=language,
        media=media_of(entry, limits), links=(link,) if link else (), truncated=cut,
        raw=json.dumps({"feed": feed_url, "id": ident}, ensure_ascii=False),
    )


def _body(entry: Any, base: str) -> str:
    summary = str(entry.get("summary") or "")
    contents = [str(c.get("value") or "") for c in entry.get("content") or []]
    longest = max([summary, *contents], key=len)
    return fragment_text(longest) if longest else ""


def _created(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return utcnow()


def media_of(entry: Any, limits: PayloadLimits = DEFAULT_LIMITS) -> tuple[Media, ...]:
    found: list[Media] = []
    for item in entry.get("media_content") or []:
        _add(found, item.get("url"), _kind(item.get("medium"), item.get("type")), item, limits)
    for item in entry.get("enclosures") or []:
        _add(found, item.get("href"), _kind(None, item.get("type")), item, limits)
    for item in entry.get("media_thumbnail") or []:
        _add(found, item.get("url"), "photo", item, limits)
    return tuple(found[:min(MAX_MEDIA, limits.max_media)])


def _kind(medium: str | None, mime: str | None) -> MediaKind | None:
    medium = (medium or (mime or "").split("/")[0]).lower()
    if medium == "image":
        return "gif" if (mime or "").lower() == "image/gif" else "photo"
    return "video" if medium == "video" else None


def _add(found: list[Media], url: object, kind: MediaKind | None, item: Any, limits: PayloadLimits) -> None:
    url = str(url or "").strip()
    if kind is None or not url.startswith(("http://", "https://")) or len(url) > limits.max_url_chars:
        return
    if any(m.url == url for m in found):
        return
    found.append(Media(kind, url, width=_int(item.get("width")), height=_int(item.get("height"))))


def _int(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 100_000 else None
