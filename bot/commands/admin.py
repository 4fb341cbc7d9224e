"""Admin commands that act on the running bot: /pause, /resume, /mute, /reload, /check, /test.

/status and /sources (read-only views) are in :mod:`bot.commands.status`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from telegram.error import TelegramError

from bot.alerts.channels import load_routing
from bot.alerts.routing import chat_ref
from bot.check import summary
from bot.commands.base import Call, Reply, Usage, need
from bot.commands.controls import PauseKind
from bot.errors import WatchlistError
from bot.pipeline.watchlist_reload import Rejected
from bot.watchlist.load import check_directory

DURATION = re.compile(r"^(\d{1,4})(m|min|h|d)$")
UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}
MAX_MUTE = timedelta(days=30)
PROBLEMS_SHOWN = 15


def _target(call: Call, name: str) -> tuple[PauseKind, str]:
    """A source by name, or a channel by chat id / @name as written in channels.yaml."""
    if name in {s.name for s in call.services.sources}:
        return "source", name
    channels = [r.chat_id for r in call.services.routing().channels]
    if name in channels:
        return "channel", name
    raise Usage(f"no source or channel '{name[:60]}'; sources: "
                f"{', '.join(s.name for s in call.services.sources) or 'none'}; channels: {', '.join(channels)}")


async def pause(call: Call) -> Reply:
    kind, name = _target(call, need(call, 1)[0])
    if not call.services.controls.pause(kind, name, call.user_id):
        return f"The {kind} {name} was already paused."
    what = "collects nothing" if kind == "source" else "gets no messages (they wait in the outbox)"
    return f"Paused the {kind} {name}: it {what} until /resume {name}."


async def resume(call: Call) -> Reply:
    kind, name = _target(call, need(call, 1)[0])
    if not call.services.controls.resume(kind, name):
        return f"The {kind} {name} was not paused."
    if kind == "channel" and (delivery := call.services.delivery) is not None:
        delivery.step()  # start its sender now, not at the next tick
    return f"Resumed the {kind} {name}."


async def mute(call: Call) -> Reply:
    topic, duration = need(call, 2)[:2]
    if topic not in call.services.topics():
        raise Usage(f"no topic '{topic[:40]}'; topics: {', '.join(call.services.topics())}")
    controls = call.services.controls
    if duration in ("off", "0"):
        return f"Unmuted {topic}." if controls.unmute(topic) else f"{topic} was not muted."
    match = DURATION.match(duration.lower())
    period = timedelta(seconds=int(match[1]) * UNITS[match[2]]) if match else None
    if period is None or not timedelta(0) < period <= MAX_MUTE:
        raise Usage("the duration is like 30m, 2h or 1d (at most 30d), or 'off'")
    until = call.services.clock() + period
    controls.mute(topic, until, call.user_id)
    return (f"Muted {topic} until {until:%Y-%m-%d %H:%M} UTC: its posts are still stored, but no alerts "
            f"until then. /mute {topic} off ends it sooner.")


async def reload(call: Call) -> Reply:
    s = call.services
    lines = []
    if s.watchlist is not None:
        outcome = s.watchlist.reload_now()
        lines.append("Watchlists: " + ("rejected, the last good watchlist stays" if isinstance(outcome, Rejected)
                                       else "reloaded"))
    if s.routing_holder is not None:
        lines.append("channels.yaml: " + ("reloaded" if s.routing_holder.reload_now()
                                           else "rejected, the last good routing stays"))
    if s.events_holder is not None:
        lines.append("events.yaml: " + ("reloaded" if s.events_holder.reload_now()
                                         else "rejected, the last good event rules stay"))
    return "\n".join([*lines, "", *_check_lines(call)])


async def check(call: Call) -> Reply:
    return "\n".join(_check_lines(call))


def _check_lines(call: Call) -> list[str]:
    """The checker's verdict on the watchlists and channels.yaml as they are on disk."""
    directory, holder = call.services.watchlists, call.services.watchlist
    checked = check_directory(directory, holder.limits) if holder else check_directory(directory)
    lines = [f"Watchlists: {summary(checked)}", *(str(p) for p in checked.problems[:PROBLEMS_SHOWN])]
    if len(checked.problems) > PROBLEMS_SHOWN:
        lines.append(f"… and {len(checked.problems) - PROBLEMS_SHOWN} more (sahelwatch watchlist check)")
    channels = directory / "channels.yaml"
    if channels.is_file():
        try:
            routing = load_routing(channels)
            lines.append(f"channels.yaml: valid: {len(routing.channels)} channel(s), {len(routing.admins)} admin(s)")
        except WatchlistError as exc:
            lines += ["channels.yaml: invalid", *exc.problems[:PROBLEMS_SHOWN]]
    return lines


async def test(call: Call) -> Reply:
    name = need(call, 1)[0]
    kind, chat_id = _target(call, name)
    if kind != "channel":
        raise Usage(f"{name} is a source; /test takes a channel")
    delivery = call.services.delivery
    if delivery is None:
        return "Telegram delivery is off: nothing to test."
    try:
        await delivery.pacer.acquire(chat_id, 1)
        await delivery.bot.send_message(chat_ref(chat_id), f"SahelWatch test message, asked by admin {call.user_id}.")
    except TelegramError as exc:
        return f"Telegram refused the test message to {chat_id}: {type(exc).__name__}: {exc}"
    return f"Test message sent to {chat_id}."
