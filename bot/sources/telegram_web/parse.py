"""A public channel's web preview page (``t.me/s/<channel>``) → Posts, with selectolax.

The markup is undocumented (as read by RSSHub, https://github.com/DIYgod/RSSHub/blob/master/lib/routes/telegram/channel.ts,
and snscrape, https://github.com/JustAnotherArchivist/snscrape/blob/master/snscrape/modules/telegram.py):
each message is a ``div.tgme_widget_message`` with ``data-post="<channel>/<id>"``; its own text is the
``.tgme_widget_message_text`` directly inside the bubble (a reply's quote and a document's
caption hold other ones); the time is ``.tgme_widget_message_date time[datetime]``; photos are
CSS ``background-image:url('…')`` on ``a.tgme_widget_message_photo_wrap``; videos are
``video`` tags. A page lists messages oldest first; the "more" link's ``data-before`` asks for
the page before. A message that lacks an id or a time is skipped and reported, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.models import Media, Post, Refs
from bot.sources.html_text import node_text
from bot.sources.payload import DEFAULT_LIMITS, PayloadLimits, bounded

PLATFORM = "telegram"
POST_BASE = "https://t.me"
RAW_LIMIT = 20_000
_CSS_URL = re.compile(r"""background-image\s*:\s*url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)""", re.IGNORECASE)
_POST_REF = re.compile(r"^(?:https?://[^/]+)?/(?:s/)?(?P<channel>[A-Za-z0-9_]{1,64})/(?P<id>\d{1,12})(?:[/?#]|$)")
_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class MessageError(ValueError):
    """A message block without what a Post needs (its id or its time)."""


@dataclass(frozen=True)
class Page:
    channel: str
    """The channel's canonical spelling (from ``data-post``), else the name asked for."""
    posts: tuple[Post, ...]
    """Oldest first."""
    before: int | None
    """The id to ask ``?before=`` for the older page; ``None`` when there is none."""
    skipped: tuple[str, ...]
    """One problem per malformed message."""
    messages: int
    """Message blocks on the page (kept, skipped and service messages alike)."""

    @property
    def newest_id(self) -> int | None:
        return max((message_id(p) for p in self.posts), default=None)


def message_id(post: Post) -> int:
    return int(post.platform_id.rpartition("/")[2])


def post_url(channel: str, number: int) -> str:
    return f"{POST_BASE}/{channel}/{number}"


def parse_page(html: str, channel: str, limits: PayloadLimits = DEFAULT_LIMITS) -> Page:
    """Every message of a preview page of ``channel`` (see the module docstring); texts, media
    and URLs held to ``limits`` like every source's."""
    tree = LexborHTMLParser(html)
    posts: list[Post] = []
    skipped: list[str] = []
    blocks = tree.css("div.tgme_widget_message[data-post]")
    for block in blocks:
        if "service_message" in (block.attributes.get("class") or ""):
            continue
        try:
            posts.append(parse_message(block, channel, limits))
        except MessageError as exc:
            skipped.append(str(exc))
    more = tree.css_first("a.tme_messages_more[data-before]")
    before = _int((more.attributes.get("data-before") or "") if more else "")
    canonical = next((p.author_handle for p in posts), channel)
    return Page(canonical, tuple(sorted(posts, key=message_id)), before, tuple(skipped), len(blocks))


def parse_message(block: LexborNode, channel: str, limits: PayloadLimits = DEFAULT_LIMITS) -> Post:
    name, number = _identity(block.attributes.get("data-post") or "", channel)
    media = [m for m in _photos(block) + _videos(block) if len(m.url) <= limits.max_url_chars]
    return Post(
        platform=PLATFORM,
        platform_id=f"{name.lower()}/{number}",
        text=bounded(_text(block), limits)[0],
        created_at=_time(block, name, number),
        url=post_url(name, number),
        author_id=name.lower(),
        author_handle=name,
        author_name=_first_text(block, ".tgme_widget_message_owner_name") or name,
        media=tuple(media[: limits.max_media]),
        refs=Refs(repost_of=_ref(block, "a.tgme_widget_message_forwarded_from_name"),
                  reply_to=_ref(block, "a.tgme_widget_message_reply")),
        raw=(block.html or "")[:RAW_LIMIT],
    )


def _identity(data_post: str, channel: str) -> tuple[str, int]:
    name, _, number = data_post.strip().partition("/")
    parsed = _int(number)
    if not _NAME.match(name) or parsed is None or name.lower() != channel.lower():
        raise MessageError(f"message with a bad data-post {data_post[:80]!r}")
    return name, parsed


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _time(block: LexborNode, name: str, number: int) -> datetime:
    node = block.css_first(".tgme_widget_message_date time[datetime]")
    value = (node.attributes.get("datetime") or "") if node else ""
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MessageError(f"message {name}/{number} has no readable time {value[:40]!r}") from None
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _text(block: LexborNode) -> str:
    """The message's own text (never a reply's quote), forwarded-from shown first."""
    own = block.css_first(".tgme_widget_message_bubble > .tgme_widget_message_text")
    text = node_text(own) if own is not None else ""
    if not text:  # polls and documents have no text block of their own
        text = _first_text(block, ".tgme_widget_message_poll_question") or _first_text(
            block, ".tgme_widget_message_document_title")
    origin = _first_text(block, ".tgme_widget_message_forwarded_from_name")
    return f"[Forwarded from {origin}]\n{text}".strip() if origin else text


def _first_text(block: LexborNode, selector: str) -> str:
    node = block.css_first(selector)
    return node_text(node) if node is not None else ""


def _ref(block: LexborNode, selector: str) -> str | None:
    """``channel/id`` of the message a link points to (a forward's origin, a reply's parent)."""
    node = block.css_first(f"{selector}[href]")
    found = _POST_REF.match((node.attributes.get("href") or "").strip()) if node else None
    return f"{found['channel'].lower()}/{found['id']}" if found else None


def _style_url(node: LexborNode) -> str | None:
    found = _CSS_URL.search(node.attributes.get("style") or "")
    url = found["url"].strip() if found else ""
    return url if url.lower().startswith(("https://", "http://")) else None


def _photos(block: LexborNode) -> tuple[Media, ...]:
    urls = (_style_url(node) for node in block.css("a.tgme_widget_message_photo_wrap"))
    return tuple(Media("photo", url) for url in dict.fromkeys(u for u in urls if u))


def _videos(block: LexborNode) -> tuple[Media, ...]:
    """``video.tgme_widget_message_video[src]``, with the player's thumbnail as preview."""
    found: list[Media] = []
    for video in block.css("video[src]"):
        url = (video.attributes.get("src") or "").strip()
        if url.lower().startswith(("https://", "http://")):
            found.append(Media("video", url, preview_url=_thumbnail(video)))
    return tuple(found)


def _thumbnail(video: LexborNode) -> str | None:
    player = video.parent
    while player is not None and "tgme_widget_message_video_player" not in (player.attributes.get("class") or ""):
        player = player.parent
    thumb = player.css_first(".tgme_widget_message_video_thumb") if player is not None else None
    return _style_url(thumb) if thumb is not None else None
