"""The Telegram transport: an :class:`~bot.alerts.outgoing.Outgoing` as Bot API calls (PTB), and
Telegram's answers sorted into the transport errors of :mod:`bot.alerts.transport`.

- 429 → :class:`RetryLater` after ``retry_after``; 5xx, network errors, timeouts → :class:`RetryLater`
  with the sender's backoff (a timeout may have delivered: at-least-once);
- 403, chat not found, not admin, migrated → :class:`Unreachable` (the channel pauses);
- a 400 about the content → :class:`Refused` naming what may help: "can't parse entities" →
  plain, a media URL Telegram cannot fetch → links, too long → shorter; any other 400 → failed;
- "message is not modified" / "message to edit not found" on an edit → done (empty reference).

The reference of a sent message is its id, an album's ids joined by commas (``"12,13,14"``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot, InputMediaPhoto, InputMediaVideo, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.alerts.bot import initialize_until_ready
from bot.alerts.outgoing import Outgoing, Rung, content
from bot.alerts.pacing import Sleep
from bot.alerts.routing import chat_ref
from bot.alerts.transport import Pace, Parcel, Refused, RetryLater, TransportError, Unreachable
from bot.models import Media

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TOO_LONG_WORDS = ("too long", "message text is empty", "text must be non-empty", "entities too")
PAUSE_WORDS = ("chat not found", "need administrator rights", "not enough rights", "have no rights",
               "chat_write_forbidden", "bot was kicked", "not a member")
MEDIA_WORDS = ("http url", "web page content", "file identifier", "failed to send message #",
               "media of the specified type", "photo_invalid_dimensions", "wrong file", "media_empty")
DONE_WORDS = ("message is not modified", "message to edit not found")
PACE = Pace(3.0, 1.0, 30)  # Telegram: ~20 messages a minute per group or channel, 1/s per person, 30/s in all


class TelegramTransport:
    name = "telegram"

    def __init__(self, bot: Bot, sleep: Sleep = asyncio.sleep, pace: Pace = PACE) -> None:
        self.bot, self.sleep, self.pace = bot, sleep, pace

    async def start(self, stop: asyncio.Event) -> bool:
        return await initialize_until_ready(
            self.bot.initialize, stop, self.sleep,
            log=log, refused="telegram refused the bot token (TELEGRAM_BOT_TOKEN); delivery is off",
            retrying="telegram not reachable, retrying")

    async def send(self, parcel: Parcel) -> str:
        try:
            ids = await send(self.bot, parcel.channel, parcel.message, parcel.form)
        except TelegramError as exc:
            if isinstance(exc, BadRequest) and any(w in exc.message.lower() for w in DONE_WORDS):
                return ""
            raise transport_error(exc) from exc
        return ",".join(map(str, ids))

    async def close(self) -> None:
        try:
            await self.bot.shutdown()
        except TelegramError as exc:
            log.warning("telegram shutdown failed", extra={"error": str(exc)})


def first_id(ref: str) -> int:
    """The message to edit for a reference: an album's first item carries the caption."""
    return int(ref.split(",")[0])


async def send(bot: Bot, channel: str, out: Outgoing, rung: Rung) -> list[int]:
    """Make the calls for ``out`` as ``rung`` says; return the message ids."""
    rich = content(out, rung)
    body, mode = (rich.plain, None) if rung.plain else (rich.html, ParseMode.HTML)
    chat = chat_ref(channel)
    if out.edit_ref is not None:
        await _edit(bot, out, chat, body, mode)
        return [first_id(out.edit_ref)]
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
    message_id = first_id(out.edit_ref or "")
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


def transport_error(exc: TelegramError) -> TransportError:
    """What ``exc`` means for the sender (most specific first: BadRequest is a NetworkError)."""
    detail, label = str(exc), type(exc).__name__
    if isinstance(exc, RetryAfter):
        return RetryLater(detail, label, _seconds(exc.retry_after))
    if isinstance(exc, Forbidden | ChatMigrated | InvalidToken):
        return Unreachable(detail, label)
    if not isinstance(exc, BadRequest):
        return RetryLater(detail, label)  # NetworkError, TimedOut, 5xx: try again with backoff
    message = exc.message.lower()
    if any(word in message for word in PAUSE_WORDS):
        return Unreachable(detail, label)
    if "can't parse entities" in message:
        return Refused(detail, label, "plain")
    if any(word in message for word in MEDIA_WORDS):
        return Refused(detail, label, "links")
    if any(word in message for word in TOO_LONG_WORDS):
        return Refused(detail, label, "shorter")
    return Refused(detail, label)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
