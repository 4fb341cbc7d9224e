"""Chats the fake knows, the bot's standing in each, and every message each chat would show.

A chat is reached by numeric id or ``@username``; an unknown one fails with ``chat not found``.
``status`` is the bot's standing: ``admin`` (can post), ``member`` (in a channel: not admin),
``kicked``, ``left``, ``migrated`` (a group upgraded to a supergroup), ``deleted``, ``blocked``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.tg_errors import ApiError, bad_request, forbidden
from tests.fakes.tg_text import Formatted, plain_slice

KIND_WORD = {"channel": "channel", "supergroup": "supergroup", "group": "group"}


@dataclass
class Chat:
    id: int
    type: str = "channel"
    title: str = ""
    username: str | None = None
    status: str = "admin"
    migrate_to: int | None = None

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            out["first_name"] = self.title or "User"
        else:
            out["title"] = self.title or f"Chat {self.id}"
        if self.username:
            out["username"] = self.username
        return out

    def check_can_send(self) -> None:
        """Raise what Telegram answers when the bot may not post here."""
        word = KIND_WORD.get(self.type, "group")
        errors = {
            "kicked": forbidden(f"bot was kicked from the {word} chat"),
            "left": forbidden(f"bot is not a member of the {word} chat"),
            "deleted": forbidden("the group chat was deleted"),
            "blocked": forbidden("bot was blocked by the user"),
        }
        if self.status in errors:
            raise errors[self.status]
        if self.status == "member" and self.type == "channel":
            raise bad_request("need administrator rights in the channel chat")
        if self.status == "migrated":
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": int(self.migrate_to or 0)},
            )


@dataclass
class SentMessage:
    """One message as a reader sees it: plain text (or caption), entities over it, attached media."""

    chat_id: int
    message_id: int
    date: int
    kind: str  # text | photo | video | document | audio
    text: str
    entities: tuple[dict[str, Any], ...] = ()
    media: dict[str, Any] = field(default_factory=dict)
    media_object: Any = None
    media_group_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    edits: list[Formatted] = field(default_factory=list)

    def spans(self, entity_type: str) -> list[str]:
        """Substrings of the text covered by entities of ``entity_type`` (e.g. ``bold``)."""
        return [
            plain_slice(self.text, int(e["offset"]), int(e["length"]))
            for e in self.entities
            if e["type"] == entity_type
        ]

    @property
    def links(self) -> list[str]:
        return [str(e["url"]) for e in self.entities if e["type"] == "text_link"]

    def to_json(self, chat: Chat) -> dict[str, Any]:
        out: dict[str, Any] = {"message_id": self.message_id, "date": self.date, "chat": chat.public()}
        if chat.type == "channel":
            out["sender_chat"] = chat.public()
        text_key, ent_key = ("text", "entities") if self.kind == "text" else ("caption", "caption_entities")
        if self.text:
            out[text_key] = self.text
        if self.entities:
            out[ent_key] = list(self.entities)
        if self.kind != "text":
            out[self.kind] = self.media_object
        if self.media_group_id:
            out["media_group_id"] = self.media_group_id
        if self.edits:
            out["edit_date"] = self.date
        return out


class ChatRegistry:
    """All chats by id, with their message history."""

    def __init__(self) -> None:
        self._chats: dict[int, Chat] = {}
        self._log: dict[int, list[SentMessage]] = {}
        self._next_id: dict[int, itertools.count[int]] = {}

    def add(self, chat: Chat) -> Chat:
        self._chats[chat.id] = chat
        self._log.setdefault(chat.id, [])
        self._next_id.setdefault(chat.id, itertools.count(1))
        return chat

    def find(self, ref: object) -> Chat | None:
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:].lower()
            return next((c for c in self._chats.values() if (c.username or "").lower() == name), None)
        try:
            return self._chats.get(int(str(ref)))
        except ValueError:
            return None

    def get(self, ref: object) -> Chat:
        chat = self.find(ref)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def record(self, chat: Chat, message: SentMessage) -> SentMessage:
        message.message_id = next(self._next_id[chat.id])
        self._log[chat.id].append(message)
        return message

    def next_message_id(self, chat: Chat) -> int:
        """The next message id in ``chat`` (users' and the bot's messages share the numbering)."""
        return next(self._next_id[chat.id])

    def messages(self, ref: object) -> list[SentMessage]:
        return list(self._log[self.get(ref).id])

    def message(self, chat: Chat, message_id: int) -> SentMessage | None:
        return next((m for m in self._log[chat.id] if m.message_id == message_id), None)
