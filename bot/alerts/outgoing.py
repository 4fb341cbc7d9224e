"""One outbox row turned into Bot API calls, and Telegram's answers sorted into what to do next.

An :class:`Outgoing` is a text message, a photo or video with a caption, an album (2–10
items, the caption on the first), or an edit of an earlier alert. It carries the fallbacks
the sender steps down to when Telegram answers 400 (:func:`rungs`): the text with the media as
links (a media URL refused, a caption too long), the same as plain text (entities refused),
then a minimal plain alert (topic, source, link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, InputMediaPhoto, InputMediaVideo, LinkPreviewOptions
from telegram.constants import MediaGroupLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.alerts.format import NO_LABELS, Labels, media_count, media_links, minimal_alert, render_alert
from bot.alerts.limits import DEFAULT_LIMITS, AlertLimits
from bot.alerts.reports import Reports
from bot.alerts.rich import Rich, linkable
from bot.alerts.routing import chat_ref
from bot.models import Media, Post

ALBUM_MAX = int(MediaGroupLimit.MAX_MEDIA_LENGTH)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Action = Literal["retry_after", "retry", "pause", "plain", "fallback", "shorter", "done", "fail"]
Content = Literal["media", "text", "minimal"]
TOO_LONG_WORDS = ("too long", "message text is empty", "text must be non-empty", "entities too")
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
    minimal: Rich | None = None
    edit_caption: bool = False
    """The edit is of a photo/video/album caption (``rich`` is the caption)."""

    @property
    def count(self) -> int:
        """Messages this will put in the chat (an album counts each item)."""
        return max(1, len(self.media)) if self.edit_message_id is None else 1


@dataclass(frozen=True)
class Rung:
    """One way to send an :class:`Outgoing`: which content, with or without parse_mode."""

    content: Content
    plain: bool = False

    def __str__(self) -> str:
        return f"{self.content} ({'plain' if self.plain else 'HTML'})"


def rungs(out: Outgoing) -> list[Rung]:
    """The ladder the sender walks down, richest first."""
    ladder = [Rung("media"), Rung("media", plain=True)] if out.media and out.edit_message_id is None else []
    ladder += [Rung("text"), Rung("text", plain=True)]
    return [*ladder, Rung("minimal", plain=True)] if out.minimal is not None else ladder


def next_rung(ladder: list[Rung], current: Rung, action: Action) -> Rung | None:
    """Where to go after ``action`` at ``current``; None when nothing richer than giving up is left."""
    wanted = {"plain": lambda r: r.plain, "fallback": lambda r: r.content != "media",
              "shorter": lambda r: True}.get(action)  # plain is shorter too: raw bytes count
    rest = ladder[ladder.index(current) + 1:]
    return next((r for r in rest if wanted(r)), None) if wanted else None


def alert(chat_id: str, post: Post, similar: int | Reports, limits: AlertLimits = DEFAULT_LIMITS,
          labels: Labels = NO_LABELS) -> Outgoing:
    """The alert for ``post``: text, or media with a caption, with their fallbacks.

    Media whose URL Telegram cannot be given (not http(s), over ``limits.url_chars``) are not
    embedded; beyond an album's 10 they are listed as links, then counted."""
    minimal = minimal_alert(post, limits, labels)
    usable = [m for m in post.media if linkable(m.url, limits.url_chars)]
    dropped = [m for m in post.media if not linkable(m.url, limits.url_chars)]
    if not usable:
        extra = media_count(dropped)
        return Outgoing(chat_id, render_alert(post, similar, limits.text, extra, limits, labels), minimal=minimal)
    embedded, rest = usable[:ALBUM_MAX], [*usable[ALBUM_MAX:], *dropped]
    caption = render_alert(post, similar, limits.caption, media_links(rest, ALBUM_MAX + 1, limits), limits,
                           labels)
    fallback = render_alert(post, similar, limits.text, media_links([*usable, *dropped], 1, limits), limits,
                            labels)
    return Outgoing(chat_id, caption, tuple(embedded), fallback, minimal=minimal)


def content(out: Outgoing, rung: Rung) -> Rich:
    if rung.content == "minimal" and out.minimal is not None:
        return out.minimal
    if rung.content == "text" and out.fallback is not None:
        return out.fallback
    return out.rich


async def send(bot: Bot, out: Outgoing, rung: Rung = Rung("text")) -> list[int]:
    """Make the calls for ``out`` as ``rung`` says; return the message ids."""
    rich = content(out, rung)
    body, mode = (rich.plain, None) if rung.plain else (rich.html, ParseMode.HTML)
    chat = chat_ref(out.chat_id)
    if out.edit_message_id is not None:
        await _edit(bot, out, chat, body, mode)
        return [out.edit_message_id]
    if rung.content != "media" or not out.media:
        message = await bot.send_message(chat, body, parse_mode=mode, link_preview_options=NO_PREVIEW)
        return [message.message_id]
    if len(out.media) == 1:
        return [await _send_single(bot, chat, out.media[0], body, mode)]
    messages = await bot.send_media_group(chat, _album(out.media, body, mode))
    return [m.message_id for m in messages]


async def _edit(bot: Bot, out: Outgoing, chat: int | str, body: str, mode: str | None) -> None:
    """Edit the caption of a media alert, or the text of a text alert. A media alert that went out
    as text (Telegram refused the media) has no caption: its text is edited instead."""
    message_id = out.edit_message_id
    if out.edit_caption:
        try:
            await bot.edit_message_caption(chat_id=chat, message_id=message_id, caption=body, parse_mode=mode)
            return
        except BadRequest as exc:
            if "no caption in the message" not in exc.message.lower():
                raise
    await bot.edit_message_text(body, chat_id=chat, message_id=message_id, parse_mode=mode,
                                link_preview_options=NO_PREVIEW)


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
    if any(word in message for word in TOO_LONG_WORDS):
        return "shorter"
    if "message is not modified" in message or "message to edit not found" in message:
        return "done"
    return "fail"
