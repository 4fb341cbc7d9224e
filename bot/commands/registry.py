"""Every chat command: name, who may use it, usage line, one-line description, handler."""

from __future__ import annotations

from telegram import BotCommand

from bot.commands import admin, analyst, status, subs, watch
from bot.commands.base import Call, Command, Reply, Role, allowed


async def help_cmd(call: Call) -> Reply:
    mine = allowed(COMMANDS, call.role)
    who = "an admin" if call.role == "admin" else "an analyst"
    return "\n".join([f"You are {who}. Commands you can use:", *(f"{c.usage} — {c.description}" for c in mine)])


COMMANDS: list[Command] = [
    Command("help", "analyst", "/help", "the commands you may use", help_cmd),
    Command("search", "analyst", '/search <words | "a phrase" | a OR b | prefix*>',
            "the 5 newest stored posts matching, with links", analyst.search_cmd),
    Command("latest", "analyst", "/latest [topic] [n]", "the newest matched posts (n up to 20)", analyst.latest),
    Command("why", "analyst", "/why <post link or id>", "which terms fired on a post, and why a topic did not",
            analyst.why),
    Command("sub", "analyst", "/sub <topic…> [language…]", "personal alerts for topics in this private chat",
            subs.sub),
    Command("unsub", "analyst", "/unsub [topic…]", "stop personal alerts (all, or these topics)", subs.unsub),
    Command("subs", "analyst", "/subs", "your personal subscriptions", subs.subs),
    Command("digest", "analyst", "/digest", "the digest this chat would get, now", analyst.digest_cmd),
    Command("status", "admin", "/status", "sources, queue, outbox, last alert, database, uptime", status.status),
    Command("sources", "admin", "/sources", "each source's state", status.sources),
    Command("pause", "admin", "/pause <source|channel>", "stop a source collecting or a channel receiving",
            admin.pause),
    Command("resume", "admin", "/resume <source|channel>", "undo /pause", admin.resume),
    Command("mute", "admin", "/mute <topic> <30m|2h|1d|off>", "no alerts for a topic for a while (posts kept)",
            admin.mute),
    Command("reload", "admin", "/reload",
            "reload watchlists, channels.yaml and events.yaml now, with the checker's result", admin.reload),
    Command("check", "admin", "/check", "check watchlists and channels.yaml as they are on disk", admin.check),
    Command("test", "admin", "/test <channel>", "send a test message to a channel", admin.test),
    Command("watch", "admin", "/watch add|rm|list <topic> [term]", "add or remove a term from the chat, or list",
            watch.watch),
]


def bot_commands(role: Role | None) -> list[BotCommand]:
    """What Telegram's command menu shows to ``role`` (strangers: /help only)."""
    shown = allowed(COMMANDS, role) or COMMANDS[:1]
    return [BotCommand(c.name, c.description) for c in shown]
