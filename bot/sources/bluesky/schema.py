"""Typed ``app.bsky.feed.post`` records (pydantic), as Jetstream carries them.

Lexicon: https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json;
Jetstream: https://github.com/bluesky-social/jetstream.

Only the fields SahelWatch reads are declared; unknown keys and unknown embed types are
ignored. A record whose ``text`` is not a string, whose ``createdAt`` is not a timestamp, or
whose parts have the wrong shape is refused with the failing fields' paths.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.sources.payload import Dimension, Payload, Short, Text, Timestamp, Url

Cid = Annotated[str, Field(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9]+$")]


class Link(Payload):
    link: Cid = Field(alias="$link")


class Blob(Payload):
    ref: Link
    mimeType: Short = ""


class AspectRatio(Payload):
    width: Dimension
    height: Dimension


class Image(Payload):
    image: Blob | None = None
    alt: Short = ""
    aspectRatio: AspectRatio | None = None


class StrongRef(Payload):
    uri: Short


class Media(Payload):
    """``app.bsky.embed.images`` / ``.video`` / ``.external`` / ``.gallery`` (the media half of an embed)."""

    type: Short = Field("", alias="$type")
    images: Annotated[list[Image], Field(max_length=20)] | None = None
    items: Annotated[list[Image], Field(max_length=20)] | None = None
    video: Blob | None = None
    alt: Short = ""


class RecordRef(Payload):
    """``embed.record``: a strong ref (quote), or for recordWithMedia ``{record: strong ref}``."""

    uri: Short | None = None
    record: StrongRef | None = None


class Embed(Media):
    record: RecordRef | None = None
    media: Media | None = None


class LinkFeature(Payload):
    type: Short = Field("", alias="$type")
    uri: Url = None


class ByteSlice(Payload):
    byteStart: int = Field(ge=0, le=100_000)
    byteEnd: int = Field(ge=0, le=100_000)


class Facet(Payload):
    index: ByteSlice
    features: Annotated[tuple[LinkFeature, ...], Field(max_length=50)] = ()


class Reply(Payload):
    parent: StrongRef


class PostRecord(Payload):
    text: Text
    createdAt: Timestamp
    langs: Annotated[list[Short], Field(max_length=16)] | None = None
    facets: Annotated[list[Facet], Field(max_length=200)] | None = None
    embed: Embed | None = None
    reply: Reply | None = None
