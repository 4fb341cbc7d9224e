"""One outbox row turned into Bot API calls, and Telegram's answers sorted into what to do next.

An :class:`Outgoing` is a text message, a photo or video with a caption, an album (2–10
items, the caption on the first), or an edit of an earlier alert. It carries a text
fallback with the media as links, for when Telegram cannot fetch a media URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, InputMediaPhoto, InputMediaVideo, LinkPreviewOptions
from telegram.constants import MediaGroupLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.alerts.format import CAPTION_LIMIT, TEXT_LIMIT, media_links, render_alert
from bot.alerts.rich import Rich
from bot.alerts.routing import chat_ref
from bot.models import Media, Post

ALBUM_MAX = int(MediaGroupLimit.MAX_MEDIA_LENGTH)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Action = Literal["retry_after", "retry", "pause", "plain", "fallback", "done", "fail"]
PAUSE_WORDS = ("chat not found", "need administrator rights", "not enough rights", "have no rights",
               "chat_write_forbidden", "bot was kicked", "not a member")
MEDIA_WORDS = ("http url", "web page content", "file identifier", "failed to send message #",
               "media of the specified type", "photo_invalid_dimensions", "wrong file", "media_empty")


@dataclass(frozen=True)
class Outgoing:
    chat_id: str
    rich: Rich
    media: tuple[Media, ...] = ()
    fallback: Rich | None = None
    edit_message_id: int | None = None

    @property
    def count(self) -> int:
        """Messages this will put in the chat (an album counts each item)."""
        return max(1, len(self.media)) if self.edit_message_id is None else 1


def alert(chat_id: str, post: Post, similar: int) -> Outgoing:
    """The alert for ``post``: text, or media with a caption and a text fallback."""
    if not post.media:
        return Outgoing(chat_id, render_alert(post, similar, TEXT_LIMIT))
    embedded, rest = post.media[:ALBUM_MAX], post.media[ALBUM_MAX:]
    caption = render_alert(post, similar, CAPTION_LIMIT, media_links(rest, ALBUM_MAX + 1))
    fallback = render_alert(post, similar, TEXT_LIMIT, media_links(post.media))
    return Outgoing(chat_id, caption, tuple(embedded), fallback)


async def send(bot: Bot, out: Outgoing, *, plain: bool = False, fallback: bool = False) -> list[int]:
    """Make the calls for ``out``; return the message ids. ``plain``: no parse_mode."""
    rich = out.fallback if fallback and out.fallback else out.rich
    body, mode = (rich.plain, None) if plain else (rich.html, ParseMode.HTML)
    chat = chat_ref(out.chat_id)
    if out.edit_message_id is not None:
        await bot.edit_message_text(body, chat_id=chat, message_id=out.edit_message_id, parse_mode=mode,
                                    link_preview_options=NO_PREVIEW)
        return [out.edit_message_id]
    if fallback or not out.media:
        message = await bot.send_message(chat, body, parse_mode=mode, link_preview_options=NO_PREVIEW)
        return [message.message_id]
    if len(out.media) == 1:
        return [await _send_single(bot, chat, out.media[0], body, mode)]
    messages = await bot.send_media_group(chat, _album(out.media, body, mode))
    return [m.message_id for m in messages]


async def _send_single(bot: Bot, chat: int | str, media: Media, caption: str, mode: str | None) -> int:
    if media.kind == "photo":
        return (await bot.send_photo(chat, media.url, caption=caption, parse_mode=mode)).message_id
    return (await bot.send_video(chat, media.url, caption=caption, parse_mode=mode)).message_id


def _album(media: Sequence[Media], caption: str, mode: str | None) -> list[InputMediaPhoto | InputMediaVideo]:
    items: list[InputMediaPhoto | InputMediaVideo] = []
    for i, m in enumerate(media):
        kind = InputMediaPhoto if m.kind == "photo" else InputMediaVideo
        items.append(kind(m.url, caption=caption if i == 0 else None, parse_mode=mode if i == 0 else None))
    return items


def classify(exc: TelegramError) -> Action:
    """What the sender does after ``exc`` (checked most specific first: BadRequest is a NetworkError)."""
    if isinstance(exc, RetryAfter):
        return "retry_after"
    if isinstance(exc, Forbidden | ChatMigrated | InvalidToken):
        return "pause"
    if isinstance(exc, BadRequest):
        return _bad_request(exc.message.lower())
    return "retry"  # NetworkError, TimedOut, 5xx: try again with backoff


def _bad_request(message: str) -> Action:
    if any(word in message for word in PAUSE_WORDS):
        return "pause"
    if "can't parse entities" in message:
        return "plain"
    if any(word in message for word in MEDIA_WORDS):
        return "fallback"
    if "message is not modified" in message or "message to edit not found" in message:
        return "done"
    return "fail"
