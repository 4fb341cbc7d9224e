"""The sending methods of the fake: sendMessage, sendPhoto, sendVideo, sendMediaGroup, editMessageText,
editMessageCaption.

Checks run in the real server's order: parameters and text first, then the chat, then media,
then flood control; only an accepted message is recorded in the chat's history.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

from tests.fakes.tg_chats import Chat, SentMessage
from tests.fakes.tg_errors import ApiError, bad_request
from tests.fakes.tg_media import MediaError
from tests.fakes.tg_text import Formatted, format_text

if TYPE_CHECKING:
    from tests.fakes.tg_api import BotApi

ALBUM_TYPES = {"photo", "video", "document", "audio"}
_group_ids = itertools.count(1)


def _new(chat: Chat, kind: str, text: Formatted, params: dict[str, Any]) -> SentMessage:
    return SentMessage(
        chat_id=chat.id,
        message_id=0,
        date=int(time.time()),
        kind=kind,
        text=text.text,
        entities=text.entities,
        params=params,
    )


def send_message(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    text = format_text(str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"), caption=False)
    chat = _sendable_chat(api, p)
    api.flood.take(chat.id, chat.type)
    return api.chats.record(chat, _new(chat, "text", text, p)).to_json(chat)


def send_photo(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    return _send_media(api, "photo", p, uploads)


def send_video(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    return _send_media(api, "video", p, uploads)


def _send_media(api: BotApi, kind: str, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    caption = format_text(
        str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    chat = _sendable_chat(api, p)
    try:
        media_object, source = api.media.resolve(kind, p[kind], uploads)
    except MediaError as exc:
        raise bad_request(exc.message) from None
    api.flood.take(chat.id, chat.type)
    message = _new(chat, kind, caption, p)
    message.media, message.media_object = source, _as_list(kind, media_object)
    return api.chats.record(chat, message).to_json(chat)


def _as_list(kind: str, media_object: dict[str, Any]) -> Any:
    return [media_object] if kind == "photo" else media_object


def _sendable_chat(api: BotApi, p: dict[str, Any]) -> Chat:
    chat = api.chats.get(p.get("chat_id"))
    chat.check_can_send()
    return chat


def send_media_group(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> list[dict[str, Any]]:
    items = p.get("media")
    if not isinstance(items, list):
        raise bad_request("expected an Array of InputMedia")
    captions = [_album_caption(item) for item in items]
    _check_album(items)
    chat = _sendable_chat(api, p)
    resolved = []
    for number, item in enumerate(items, start=1):
        try:
            resolved.append(api.media.resolve(item["type"], item["media"], uploads))
        except MediaError as exc:
            raise bad_request(
                f'failed to send message #{number} with the error message "{exc.code}"'
            ) from None
    api.flood.take(chat.id, chat.type, len(items))
    group_id = f"fake-album-{next(_group_ids)}"
    out = []
    for item, caption, (media_object, source) in zip(items, captions, resolved, strict=True):
        message = _new(chat, item["type"], caption, {**p, "media": item})
        message.media, message.media_object = source, _as_list(item["type"], media_object)
        message.media_group_id = group_id
        out.append(api.chats.record(chat, message).to_json(chat))
    return out


def _album_caption(item: object) -> Formatted:
    if not isinstance(item, dict):
        raise bad_request("can't parse InputMedia: expected an Object")
    if not isinstance(item.get("type"), str) or not item.get("media"):
        missing = "type" if not isinstance(item.get("type"), str) else "media"
        raise bad_request(f'can\'t parse InputMedia: Field "{missing}" must be of type String')
    if item["type"] not in ALBUM_TYPES:
        raise bad_request(f"can't parse InputMedia: type \"{item['type']}\" can't be used in sendMediaGroup")
    try:
        return format_text(
            str(item.get("caption") or ""), item.get("parse_mode"), item.get("caption_entities"), caption=True
        )
    except ApiError as exc:
        detail = exc.description.removeprefix("Bad Request: ")
        if detail.startswith("can't parse entities"):
            raise bad_request(f"can't parse InputMedia: C{detail[1:]}") from None
        raise


def _check_album(items: list[dict[str, Any]]) -> None:
    if len(items) > 10:
        raise bad_request("too many messages to send as an album")
    if not items:
        raise bad_request("there are no messages to send")
    kinds = {item["type"] for item in items}
    for lone in ("document", "audio"):
        if lone in kinds and len(kinds) > 1:
            raise bad_request(f"{lone} can't be mixed with other media types")


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def edit_message_text(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    text = format_text(str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"), caption=False)
    message, chat = _message_to_edit(api, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    return _edit(message, chat, text)


def edit_message_caption(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    """The caption of a photo, video or album item (text messages have none); 1024 after parsing."""
    caption = format_text(str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities"),
                          caption=True)
    message, chat = _message_to_edit(api, p)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    return _edit(message, chat, caption)


def _message_to_edit(api: BotApi, p: dict[str, Any]) -> tuple[SentMessage, Chat]:
    if p.get("chat_id") in (None, "") and not p.get("message_id"):
        raise bad_request('parameter "inline_message_id" is required')
    chat = _sendable_chat(api, p)
    message = api.chats.message(chat, int(p.get("message_id") or 0))
    if message is None:
        raise bad_request("message to edit not found")
    return message, chat


def _edit(message: SentMessage, chat: Chat, text: Formatted) -> dict[str, Any]:
    if (message.text, message.entities) == (text.text, text.entities):
        raise bad_request(NOT_MODIFIED)
    message.edits.append(Formatted(message.text, message.entities))
    message.text, message.entities = text.text, text.entities
    return message.to_json(chat)
