"""Typed X API v2 objects (pydantic): what a stream line or a page item must look like.

Only the fields SahelWatch reads are declared; unknown keys are ignored
(https://docs.x.com/x-api/fundamentals/data-dictionary/reference).
Wrong types (``referenced_tweets`` that is a number, ``attachments`` that is a list, a media
``type`` that is a list), non-numeric ids and absurd numbers (a width of 10**30) are refused.
Ids are numeric strings on the wire; ``matching_rules`` ids may be JSON numbers (coerced).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

from bot.sources.payload import Count, Dimension, Payload, Short, Text, Timestamp, Url

_DIGITS = re.compile(r"[0-9]{1,20}")


def _numeric_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64:
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    raise ValueError("must be a numeric id")


XId = Annotated[str, BeforeValidator(_numeric_id)]


class Variant(Payload):
    bit_rate: Count | None = None
    content_type: Short | None = None
    url: Url = None


class Media(Payload):
    media_key: Short
    type: Short
    url: Url = None
    preview_image_url: Url = None
    variants: Annotated[list[Variant], Field(max_length=100)] | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    duration_ms: Count | None = None
    alt_text: Short | None = None


class User(Payload):
    id: XId
    username: Short = ""
    name: Short = ""


class Reference(Payload):
    type: Short
    id: XId


class Attachments(Payload):
    media_keys: Annotated[list[Short], Field(max_length=1000)] = Field(default_factory=list)


class UrlEntity(Payload):
    """One link of ``entities.urls``: ``url`` is the t.co link in the text, ``expanded_url`` where
    it leads (``unwound_url`` past further redirects, when X knows it); media links carry a
    ``media_key``."""

    url: Url = None
    expanded_url: Url = None
    unwound_url: Url = None
    media_key: Short | None = None


class Entities(Payload):
    urls: Annotated[list[UrlEntity], Field(max_length=100)] = Field(default_factory=list)


class Note(Payload):
    text: Text
    entities: Entities | None = None


class Tweet(Payload):
    id: XId
    text: Text | None = None
    created_at: Timestamp | None = None
    author_id: XId | None = None
    lang: Short | None = None
    note_tweet: Note | None = None
    referenced_tweets: Annotated[list[Reference], Field(max_length=100)] | None = None
    attachments: Attachments | None = None
    entities: Entities | None = None


class Rule(Payload):
    id: XId
    tag: Short | None = None


class Meta(Payload):
    newest_id: XId | None = None
    oldest_id: XId | None = None
    result_count: Count | None = None
    next_token: Short | None = None
