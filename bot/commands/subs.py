"""Personal alerts: /sub, /unsub, /subs (private chat only).

A subscription routes matching posts to the subscriber's private chat through the same outbox,
pacing and one-alert-per-story rule as the channels (see :mod:`bot.commands.layer`).
"""

from __future__ import annotations

import re

from bot.commands.base import Call, Reply, Usage, need

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
PRIVATE_ONLY = "Personal alerts go to a private chat: send me this command there."


def _split(call: Call, args: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Topics and language codes among ``args``; anything else is a usage error."""
    topics, languages, known = [], [], call.services.topics()
    codes = {*call.services.settings.languages, "und"}
    for arg in args:
        word = arg.strip().lower().strip(",")
        if word in known:
            topics.append(word)
        elif LANGUAGE.match(word) and word in codes:
            languages.append(word)
        else:
            raise Usage(f"'{arg[:40]}' is neither a topic ({', '.join(known)}) "
                        f"nor a language ({', '.join(sorted(codes))})")
    return list(dict.fromkeys(topics)), list(dict.fromkeys(languages))


async def sub(call: Call) -> Reply:
    if not call.private:
        return PRIVATE_ONLY
    topics, languages = _split(call, need(call, 1))
    if not topics:
        raise Usage("name at least one topic")
    call.services.controls.subscribe(str(call.chat_id), call.user_id, topics, languages)
    langs = ", ".join(languages) if languages else "all languages"
    return (f"Subscribed to {', '.join(topics)} ({langs}). Alerts come to this chat, one per story. "
            "/subs lists your subscriptions, /unsub stops them.")


async def unsub(call: Call) -> Reply:
    if not call.private:
        return PRIVATE_ONLY
    topics, languages = _split(call, call.args)
    if languages:
        raise Usage("/unsub takes topics only")
    removed = call.services.controls.unsubscribe(str(call.chat_id), topics)
    if not removed:
        return "You had no such subscription."
    return f"Stopped {removed} subscription(s)." + ("" if topics else " You get no personal alerts now.")


async def subs(call: Call) -> Reply:
    mine = call.services.controls.subscriptions_of(str(call.chat_id))
    if not mine:
        return "No subscriptions. /sub <topic…> [language…] starts one, e.g. /sub attack fr en"
    lines = [f"• {s.topic}: {', '.join(sorted(s.languages)) if s.languages else 'all languages'}" for s in mine]
    return "Your subscriptions:\n" + "\n".join(lines)
