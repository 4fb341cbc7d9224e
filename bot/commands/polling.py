"""Running the commands: a PTB ``Application`` polling ``getUpdates`` in the bot's own event loop.

Not ``run_polling()`` (it blocks the loop, installs its own signal handlers and closes the
loop): ``async with``-style ``initialize()``, ``start()`` and ``updater.start_polling()``
beside the collectors and delivery, then ``updater.stop()``, ``stop()`` and ``shutdown()`` when
the app's ``stop`` event is set. The bot object is a second ``ExtBot`` built by
:func:`bot.alerts.bot.make_bot`, so it uses the same ``SAHELWATCH_TELEGRAM_API_URL``.

Wired by :mod:`bot.components.commands`, which also hands routing the chat's controls
(subscriptions, mutes) and the app the paused sources, before delivery is wired.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.alerts.bot import initialize_until_ready, make_bot
from bot.alerts.routing import Routing, chat_ref
from bot.commands.access import RateLimit
from bot.commands.controls import Controls
from bot.commands.dispatch import Dispatcher
from bot.commands.health import HealthMonitor
from bot.commands.layer import routing_with
from bot.commands.registry import COMMANDS, bot_commands
from bot.commands.services import Services

if TYPE_CHECKING:
    from bot.commands.services import Assembled

log = logging.getLogger(__name__)


class CommandBot:
    def __init__(self, runtime: Assembled, controls: Controls) -> None:
        self.runtime = runtime
        self.controls = controls
        self.services = Services(runtime, controls, self.routing)
        self.application: Application | None = None

    def routing(self) -> Routing:
        holder = self.runtime.routing_holder
        return routing_with(holder.get() if holder else Routing(), self.controls)

    def build(self) -> Application:
        s = self.runtime.settings
        bot = make_bot(str(s.telegram_bot_token), s.telegram_api_url)
        application = ApplicationBuilder().bot(bot).job_queue(None).concurrent_updates(8).build()
        Dispatcher(COMMANDS, self.services, RateLimit(s.commands_per_minute)).install(application)
        application.add_error_handler(_log_error)
        return application

    async def run(self, stop: asyncio.Event) -> None:
        delivery = self.runtime.delivery
        if delivery is None:
            log.info("telegram commands off: Telegram delivery is off (token or channels.yaml missing)")
            return
        delivery.held = lambda: self.controls.paused("channel")
        self.application = application = self.build()
        if not await _initialize(application, stop):
            return
        try:
            await register_commands(application, self.routing())
            await application.start()
            await application.updater.start_polling(
                timeout=self.runtime.settings.commands_poll_timeout, allowed_updates=[Update.MESSAGE])
            log.info("telegram commands listening", extra={"commands": len(COMMANDS)})
            await HealthMonitor(self.services, self.tell_admins).run(stop)
        finally:
            await _stop(application)


    async def tell_admins(self, text: str) -> bool:
        """Send ``text`` to the admin chat (paced like alerts); False when Telegram refused it."""
        admin, delivery = self.routing().admin_chat_id, self.runtime.delivery
        log.warning("admin health notice: %s", text)
        if admin is None or self.application is None:
            return True  # nobody to tell: the log line is all there is
        try:
            if delivery is not None:
                await delivery.pacer.acquire(admin, 1)
            await self.application.bot.send_message(chat_ref(admin), text)
        except TelegramError as exc:
            log.error("admin chat unreachable", extra={"chat": admin, "error": str(exc)})
            return False
        return True


async def register_commands(application: Application, routing: Routing) -> None:
    """``setMyCommands``: the menu for everyone, then each admin's and listed analyst's chat."""
    bot = application.bot
    try:
        await bot.set_my_commands(bot_commands("analyst" if routing.analysts_any else None),
                                  scope=BotCommandScopeDefault())
        for user in routing.admins:
            await bot.set_my_commands(bot_commands("admin"), scope=BotCommandScopeChat(user))
        for user in sorted(set(routing.analysts) - set(routing.admins)):
            await bot.set_my_commands(bot_commands("analyst"), scope=BotCommandScopeChat(user))
    except TelegramError as exc:  # a menu is a convenience: commands work without it
        log.warning("setMyCommands failed", extra={"error": str(exc)})


async def _initialize(application: Application, stop: asyncio.Event) -> bool:
    return await initialize_until_ready(
        application.initialize, stop, asyncio.sleep,
        log=log, refused="telegram refused the bot token (TELEGRAM_BOT_TOKEN); commands are off",
        retrying="telegram not reachable for commands, retrying")


async def _stop(application: Application) -> None:
    try:
        if application.updater and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
    except TelegramError as exc:
        log.warning("telegram commands shutdown error", extra={"error": str(exc)})


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's error handler: the error, never the update's text."""
    log.error("telegram commands error", extra={"error": repr(context.error)[:500]})
