"""Jetstream events → :class:`~bot.models.Post` (https://github.com/bluesky-social/jetstream).

:func:`decode` is the hot path, run on every frame of the whole network's post stream: one
JSON parse and a few dict lookups. It returns the event's ``time_us`` (the cursor) and, for a
``create`` commit of an ``app.bsky.feed.post`` record only, a :class:`Candidate` carrying the
raw text; deletes, updates, ``identity`` and ``account`` events and other collections give
``None``. Only candidates worth keeping (they match a topic or come from a listed account) pay
for :func:`to_post`: full validation of the record (pydantic), links expanded from facets,
images and video thumbnails as CDN URLs. Anything malformed raises
:class:`~bot.sources.payload.PayloadError`; the source skips it and counts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.models import Media, Post, Refs, utcnow
from bot.sources.bluesky.schema import Blob, Embed, Facet, PostRecord
from bot.sources.bluesky.schema import Media as MediaEmbed
from bot.sources.html_text import link_text
from bot.sources.payload import DEFAULT_LIMITS, PayloadError, PayloadLimits, bounded, dumps, loads, validate

PLATFORM = "bluesky"
COLLECTION = "app.bsky.feed.post"
APP_URL = "https://bsky.app"
DID = re.compile(r"did:[a-z]{1,32}:[A-Za-z0-9._:%-]{1,2000}")
RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A post creation seen on the stream, not yet validated beyond its identity and text."""

    did: str
    rkey: str
    time_us: int
    record: dict[str, Any]
    text: str

    @property
    def uri(self) -> str:
        return f"at://{self.did}/{COLLECTION}/{self.rkey}"


@dataclass(frozen=True)
class MediaHosts:
    """Where Bluesky serves images and videos (``SAHELWATCH_BLUESKY_CDN_URL`` / ``_VIDEO_URL``)."""

    cdn: str = "https://cdn.bsky.app"
    video: str = "https://video.bsky.app"


def decode(frame: str | bytes, limits: PayloadLimits = DEFAULT_LIMITS) -> tuple[int, Candidate | None]:
    """``(time_us, candidate or None)`` for one Jetstream frame; PayloadError when it is not an event."""
    event = loads(frame, limits)
    if not isinstance(event, dict):
        raise PayloadError("event is not a JSON object")
    time_us = event.get("time_us")
    if not isinstance(time_us, int) or isinstance(time_us, bool) or time_us <= 0:
        raise PayloadError("event without a time_us")
    commit = event.get("commit")
    if event.get("kind") != "commit" or not isinstance(commit, dict):
        return time_us, None
    if commit.get("operation") != "create" or commit.get("collection") != COLLECTION:
        return time_us, None
    did, rkey, record = event.get("did"), commit.get("rkey"), commit.get("record")
    if not isinstance(did, str) or not DID.fullmatch(did) or not isinstance(rkey, str) or not RKEY.fullmatch(rkey):
        raise PayloadError(f"post commit with a bad did or rkey at time_us {time_us}")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise PayloadError(f"post at://{did}/{COLLECTION}/{rkey} has no text")
    return time_us, Candidate(did, rkey, time_us, record, record["text"])


def post_url(did: str, rkey: str) -> str:
    return f"{APP_URL}/profile/{did}/post/{rkey}"


def to_post(candidate: Candidate, *, handle: str = "", hosts: MediaHosts = MediaHosts(),
            limits: PayloadLimits = DEFAULT_LIMITS) -> Post:
    """The Post for ``candidate`` (validated); ``handle`` when the author's is known."""
    record = validate(PostRecord, candidate.record, limits, what=candidate.uri)
    text, cut = bounded(expand_links(record.text, record.facets or []), limits)
    embed = record.embed
    return Post(
        platform=PLATFORM,
        platform_id=candidate.uri,
        text=text,
        created_at=record.createdAt,
        url=post_url(candidate.did, candidate.rkey),
        author_id=candidate.did,
        author_handle=handle,
        collected_at=utcnow(),
        lang_hint=(record.langs or [None])[0] or None,
        media=media_of(candidate.did, embed, hosts)[: limits.max_media] if embed else (),
        refs=Refs(quote_of=_quoted(embed), reply_to=record.reply.parent.uri if record.reply else None),
        raw=dumps({"did": candidate.did, "time_us": candidate.time_us, "rkey": candidate.rkey,
                   "record": candidate.record} if not cut else {"uri": candidate.uri, "cut": True}),
    )


def expand_links(text: str, facets: list[Facet]) -> str:
    """Show each link facet's full URI: a shortened display (``example.org/long…``) becomes the
    URI, a text link keeps its label and shows the URI (:func:`~bot.sources.html_text.link_text`).

    Facet offsets count UTF-8 bytes; facets out of range, overlapping, or cutting a character
    are left alone.
    """
    data = text.encode()
    pieces: list[bytes] = []
    position = 0
    for facet in sorted(facets, key=lambda f: f.index.byteStart):
        uri = next((f.uri for f in facet.features if f.type == "app.bsky.richtext.facet#link" and f.uri), None)
        start, end = facet.index.byteStart, facet.index.byteEnd
        if uri is None or start < position or end <= start or end > len(data):
            continue
        try:
            shown = data[start:end].decode()
        except UnicodeDecodeError:
            continue
        pieces += [data[position:start], link_text(shown, uri).encode()]
        position = end
    return (b"".join(pieces) + data[position:]).decode(errors="replace") if pieces else text


def _blob_url(hosts: MediaHosts, did: str, blob: Blob, size: str) -> str:
    return f"{hosts.cdn}/img/{size}/plain/{did}/{blob.ref.link}@jpeg"


def media_of(did: str, embed: Embed, hosts: MediaHosts) -> tuple[Media, ...]:
    """Images as full-size CDN JPEGs (thumbnail as preview). A video is HLS, which Telegram cannot
    fetch: its thumbnail stands in as a photo (the post link plays it)."""
    found: list[Media] = []
    for part in (embed, embed.media):
        if isinstance(part, MediaEmbed):
            found += _media_part(did, part, hosts)
    return tuple(found)


def _media_part(did: str, part: MediaEmbed, hosts: MediaHosts) -> list[Media]:
    found = [
        Media("photo", _blob_url(hosts, did, image.image, "feed_fullsize"),
              preview_url=_blob_url(hosts, did, image.image, "feed_thumbnail"), alt_text=image.alt or None,
              width=image.aspectRatio.width if image.aspectRatio else None,
              height=image.aspectRatio.height if image.aspectRatio else None)
        for image in [*(part.images or []), *(part.items or [])] if image.image is not None
    ]
    if part.video is not None:
        thumb = f"{hosts.video}/watch/{quote(did, safe='')}/{part.video.ref.link}/thumbnail.jpg"
        found.append(Media("photo", thumb, alt_text=f"video: {part.alt}" if part.alt else "video"))
    return found


def _quoted(embed: Embed | None) -> str | None:
    if embed is None or embed.record is None:
        return None
    return embed.record.uri or (embed.record.record.uri if embed.record.record else None)
