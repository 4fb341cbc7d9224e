"""People talking to the bot: the ``message`` updates Telegram would queue for ``getUpdates``.

A user's message in a private chat (chat id = user id) or in a group, with the ``bot_command``
entity Telegram adds when the text starts with ``/`` (``CommandHandler`` needs it), optionally
as a reply to one of the bot's messages. Message ids follow the chat's own numbering, shared
with the bot's messages, as in a real chat.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.tg_chats import Chat, ChatRegistry

COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True)
class User:
    id: int
    first_name: str = "Analyst"
    username: str | None = None
    is_bot: bool = False

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            out["username"] = self.username
        return out


def entities(text: str) -> list[dict[str, Any]]:
    """Telegram's ``bot_command`` entity for a leading command (UTF-16 length; ASCII here)."""
    found = COMMAND.match(text)
    return [{"type": "bot_command", "offset": 0, "length": len(found[0])}] if found else []


def message_update(chats: ChatRegistry, user: User, chat: Chat, text: str,
                   reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": chats.next_message_id(chat), "date": int(time.time()), "chat": chat.public(),
        "from": user.public(), "text": text,
    }
    if found := entities(text):
        message["entities"] = found
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"message": message}
