"""Mastodon Status JSON → :class:`~bot.models.Post` (https://docs.joinmastodon.org/entities/Status/),
validated with pydantic.

The post key is the status ``uri`` (its federation id), so the same status read from two
instances, or from an account's timeline and a hashtag timeline, is stored once. A boost
(``reblog``) becomes the boosted status itself. ``content`` is sanitised HTML (``p br span a``),
turned into text with links shown in full; a content warning (``spoiler_text``) comes first.
Images, GIFs (``gifv``, an MP4) and videos become media; audio and unknown attachments do not.
A status that does not validate raises :class:`~bot.sources.payload.PayloadError`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.models import Media, MediaKind, Post, Refs, utcnow
from bot.sources.html_text import fragment_text
from bot.sources.payload import (
    DEFAULT_LIMITS,
    Payload,
    PayloadLimits,
    Short,
    Text,
    Timestamp,
    Url,
    bounded,
    dumps,
    validate,
)

PLATFORM = "mastodon"
KINDS: dict[str, MediaKind] = {"image": "photo", "gifv": "gif", "video": "video"}
StatusId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z]+$")]


class Account(Payload):
    id: StatusId
    acct: Short
    username: Short = ""
    display_name: Short = ""
    url: Url = None


class Attachment(Payload):
    type: Short
    url: Url = None
    preview_url: Url = None
    remote_url: Url = None
    description: Short | None = None


class Status(Payload):
    id: StatusId
    uri: Short = Field(min_length=1)
    url: Url = None
    created_at: Timestamp
    content: Text = ""
    spoiler_text: Text = ""
    language: Short | None = None
    account: Account
    media_attachments: Annotated[list[Attachment], Field(max_length=50)] = Field(default_factory=list)
    reblog: Status | None = None
    in_reply_to_id: StatusId | None = None


def full_acct(account: Account, instance: str) -> str:
    """``user@domain`` even for a local account (whose ``acct`` is just ``user``)."""
    return account.acct if "@" in account.acct else f"{account.acct}@{instance}"


def status_text(status: Status) -> str:
    body = fragment_text(status.content) if status.content else ""
    warning = status.spoiler_text.strip()
    return f"{warning}\n\n{body}".strip() if warning else body


def media_of(status: Status, limits: PayloadLimits) -> tuple[Media, ...]:
    found: list[Media] = []
    for item in status.media_attachments:
        kind, url = KINDS.get(item.type), item.url or item.remote_url
        if kind is not None and url and url.startswith(("https://", "http://")):
            preview = item.preview_url if item.preview_url != url else None
            found.append(Media(kind, url, preview_url=preview, alt_text=item.description or None))
    return tuple(found[: limits.max_media])


def parse_status(obj: object, limits: PayloadLimits = DEFAULT_LIMITS) -> Status:
    return validate(Status, obj, limits, what="status")


def to_post(status: Status, instance: str, limits: PayloadLimits = DEFAULT_LIMITS) -> Post:
    """The Post for ``status`` read from ``instance`` (a boost: the boosted status)."""
    shown = status.reblog or status
    text, _ = bounded(status_text(shown), limits)
    return Post(
        platform=PLATFORM,
        platform_id=shown.uri,
        text=text,
        created_at=shown.created_at,
        url=shown.url or shown.uri,
        author_id=shown.account.url or full_acct(shown.account, instance),
        author_handle=full_acct(shown.account, instance),
        author_name=shown.account.display_name or shown.account.username,
        collected_at=utcnow(),
        lang_hint=shown.language or None,
        media=media_of(shown, limits),
        refs=Refs(reply_to=shown.in_reply_to_id),
        raw=dumps(status.model_dump(mode="json", by_alias=True)),
    )
