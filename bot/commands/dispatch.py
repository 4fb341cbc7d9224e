"""PTB glue: one ``CommandHandler`` per command, each wrapped in the same checks.

Order of checks for every command: a sender (updates without ``from_user`` are dropped), the
rate limit, the caller's role (strangers: one polite refusal), the command's role, then the
handler. Every command is logged with user id, chat id, command name and outcome; never the
token, and never the text of a refused command. In groups a command counts only when it is
addressed to the bot (``/status@botname``, or a reply to one of the bot's messages).
Replies go through the delivery pacer when there is one, so they share Telegram's limits
with alerts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.alerts import format as fmt
from bot.alerts.rich import ELLIPSIS, Rich, cut_point, text
from bot.commands.access import RateLimit, Refusals, role_of
from bot.commands.base import Call, Command, Reply, Usage
from bot.commands.services import Services

log = logging.getLogger(__name__)
REFUSAL = ("Sorry, this bot only answers the analysts of its team. "
           "If you should have access, ask an admin to add your Telegram user id.")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
LINE_LIMIT = 4000


class Addressed(filters.MessageFilter):
    """Private chats always; groups only for ``/cmd@thisbot`` or a reply to this bot."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == "private":
            return True
        me = message.get_bot()
        first = (message.text or "").split(maxsplit=1)[0] if message.text else ""
        if "@" in first and first.split("@", 1)[1].lower() == (me.username or "").lower():
            return True
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == me.id)


class Dispatcher:
    def __init__(self, commands: Sequence[Command], services: Services, limit: RateLimit,
                 refusals: Refusals | None = None) -> None:
        self.commands = list(commands)
        self.services = services
        self.limit = limit
        self.refusals = refusals or Refusals(clock=limit.clock)

    def install(self, application: Application) -> None:
        where = Addressed() & ~filters.UpdateType.EDITED & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS)
        for command in self.commands:
            application.add_handler(CommandHandler(command.name, self._wrap(command), filters=where))
        unknown = filters.COMMAND & filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
        application.add_handler(MessageHandler(unknown, self._unknown))

    def _wrap(self, command: Command) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.handle(update, command, tuple(context.args or ()))

        return callback

    async def _unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.handle(update, None, ())

    async def handle(self, update: Update, command: Command | None, args: tuple[str, ...]) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            log.info("command without a sender dropped")
            return
        name = command.name if command else "unknown"
        fields = {"user": user.id, "chat": message.chat.id, "command": name}
        verdict = self.limit.check(user.id)
        if verdict != "ok":
            log.info("command", extra={**fields, "outcome": "rate_limited"})
            if verdict == "first_denial":
                await self.reply(message, f"Too many commands: wait {self.limit.wait(user.id):.0f} s, please.")
            return
        role = role_of(user.id, self.services.routing())
        if role is None:
            log.info("command", extra={**fields, "outcome": "refused"})
            if self.refusals.first(user.id):
                await self.reply(message, REFUSAL)
            return
        if command is None:
            log.info("command", extra={**fields, "outcome": "unknown"})
            await self.reply(message, "I don't know that command. /help lists the ones you can use.")
            return
        if command.role == "admin" and role != "admin":
            log.info("command", extra={**fields, "outcome": "denied"})
            await self.reply(message, f"/{command.name} is for admins. /help lists the commands you can use.")
            return
        call = Call(user.id, message.chat.id, message.chat.type, args, role, self.services)
        await self.reply(message, await self.run(command, call, fields))

    async def run(self, command: Command, call: Call, fields: dict[str, object]) -> Reply:
        try:
            reply = await command.handler(call)
        except Usage as exc:
            log.info("command", extra={**fields, "outcome": "usage"})
            reason = f"{exc}\n" if str(exc) else ""
            return f"{reason}Usage: {command.usage}"
        except Exception:  # one broken command must not stop the others
            log.exception("command failed", extra={**fields, "outcome": "error"})
            return "Sorry, that failed on my side; the admins can find it in the log."
        log.info("command", extra={**fields, "outcome": "ok"})
        return reply

    async def reply(self, message: Message, reply: Reply) -> None:
        chunks = _chunks(reply)
        delivery = self.services.delivery
        for chunk in chunks:
            if delivery is not None:
                await delivery.pacer.acquire(str(message.chat.id), 1)
            try:
                await _send(message, chunk)
            except TelegramError as exc:
                log.warning("command reply not sent", extra={"chat": message.chat.id, "error": str(exc)})
                return


def _chunks(reply: Reply) -> list[Rich | str]:
    """Messages of at most 4096 characters; an over-long line is cut (never its HTML)."""
    if isinstance(reply, str):
        return [r.plain for r in fmt.pack([text(_cut(line)) for line in reply.split("\n")], text("…"))]
    pieces = [reply] if isinstance(reply, Rich) else list(reply)
    return list(fmt.pack([p if len(p) <= LINE_LIMIT else text(_cut(p.plain)) for p in pieces], text("…")))


def _cut(line: str) -> str:
    return line if len(line) <= LINE_LIMIT else line[:cut_point(line, LINE_LIMIT)] + ELLIPSIS


async def _send(message: Message, chunk: Rich | str) -> None:
    bot, chat, thread = message.get_bot(), message.chat.id, message.message_thread_id
    if isinstance(chunk, str):
        await bot.send_message(chat, chunk, link_preview_options=NO_PREVIEW, message_thread_id=thread)
        return
    try:
        await bot.send_message(chat, chunk.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                               message_thread_id=thread)
    except BadRequest as exc:
        if "can't parse entities" not in str(exc).lower():
            raise
        await bot.send_message(chat, chunk.plain, link_preview_options=NO_PREVIEW, message_thread_id=thread)
