"""What every chat command is: a name, who may use it, a usage line, and one small async function.

A handler takes a :class:`Call` (who asked, where, the arguments, the running bot's services)
and returns the reply: plain text (sent without markup, so nothing in it is ever parsed) or
:class:`~bot.alerts.rich.Rich` pieces (escaped HTML, split into messages of at most 4096
characters). Bad arguments raise :class:`Usage`; the dispatcher answers with the reason and
the command's usage line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.alerts.rich import Rich

if TYPE_CHECKING:
    from bot.commands.services import Services

Role = Literal["analyst", "admin"]
Reply = str | Rich | Sequence[Rich]


class Usage(Exception):
    """The arguments do not fit the command; the message says why (may be empty)."""


@dataclass(frozen=True)
class Call:
    user_id: int
    chat_id: int
    chat_type: str  # private | group | supergroup
    args: tuple[str, ...]
    role: Role
    services: Services

    @property
    def private(self) -> bool:
        return self.chat_type == "private"

    @property
    def text(self) -> str:
        return " ".join(self.args)


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    role: Role
    usage: str
    description: str  # one line, for /help and setMyCommands (≤ 256 characters)
    handler: Handler


def allowed(commands: Sequence[Command], role: Role | None) -> list[Command]:
    """The commands ``role`` may use (admins may use everything)."""
    if role is None:
        return []
    return [c for c in commands if role == "admin" or c.role == "analyst"]


def need(call: Call, count: int) -> tuple[str, ...]:
    """The arguments, raising :class:`Usage` when fewer than ``count`` were given."""
    if len(call.args) < count:
        raise Usage("")
    return call.args


def number(value: str, low: int, high: int, what: str) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise Usage(f"{what} must be a number from {low} to {high}")
    return int(value)
