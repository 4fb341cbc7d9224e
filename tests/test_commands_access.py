"""Who may do what, through real PTB polling the fake Bot API: admins, analysts, strangers, groups."""

from __future__ import annotations

import json
import logging
import re

from tests.commands_support import (  # noqa: F401 (fixtures)
    ADMIN,
    ANALYST,
    CHANNEL,
    GROUP,
    STRANGER,
    Live,
    fake_fixture,
    live_fixture,
)
from tests.fakes.tg_api import commands_for


async def test_help_lists_only_what_the_caller_may_use(live: Live) -> None:
    admin = (await live.ask(ADMIN, "/help"))[0]
    analyst = (await live.ask(ANALYST, "/help"))[0]
    assert "/status" in admin and "/watch add|rm|list" in admin and "/search" in admin
    assert "/search" in analyst and "/sub" in analyst
    assert "/status" not in analyst and "/watch" not in analyst and "/mute" not in analyst


async def test_set_my_commands_gives_each_role_its_menu(live: Live) -> None:
    api = live.fake.api
    assert "status" in commands_for(api, ADMIN) and "watch" in commands_for(api, ADMIN)
    assert "search" in commands_for(api, ANALYST) and "status" not in commands_for(api, ANALYST)
    assert commands_for(api, STRANGER) == ["help"]


async def test_a_stranger_gets_one_polite_refusal_and_nothing_else(live: Live, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot.commands")
    first = await live.ask(STRANGER, "/search secret plans")
    assert len(first) == 1 and "only answers the analysts" in first[0]
    assert await live.silent(STRANGER, "/status") == []
    assert await live.silent(STRANGER, "/sub attack") == []
    assert live.store.scalar("SELECT count(*) FROM subscriptions") == 0
    refused = [r for r in caplog.records if getattr(r, "outcome", "") == "refused"]
    assert [r.user for r in refused] == [STRANGER] * 3
    logged = json.dumps([vars(r) for r in caplog.records], default=str)
    assert "secret plans" not in logged and live.fake.token not in logged


async def test_an_analyst_is_told_admin_commands_are_for_admins(live: Live) -> None:
    assert "is for admins" in (await live.ask(ANALYST, "/pause feed"))[0]
    assert live.store.scalar("SELECT count(*) FROM pauses") == 0


async def test_unknown_command_in_private_points_to_help(live: Live) -> None:
    assert "/help" in (await live.ask(ANALYST, "/frobnicate"))[0]


async def test_in_a_group_only_commands_addressed_to_the_bot_count(live: Live) -> None:
    assert await live.silent(ANALYST, "/help", chat=GROUP) == []
    reply = await live.ask(ANALYST, "/help@sahelwatch_test_bot", chat=GROUP)
    assert "Commands you can use" in reply[0]
    assert await live.silent(ANALYST, "/help@some_other_bot", chat=GROUP) == []
    bot_message = live.fake.messages(GROUP)[-1].message_id
    before = len(live.fake.messages(GROUP))
    live.fake.say(ANALYST, "/latest", chat_id=GROUP, reply_to_bot=bot_message)
    from tests.commands_support import until
    await until(lambda: len(live.fake.messages(GROUP)) > before)
    assert "No matched post" in live.fake.texts(GROUP)[-1]


async def test_sub_in_a_group_says_to_use_a_private_chat(live: Live) -> None:
    assert "private chat" in (await live.ask(ANALYST, "/sub@sahelwatch_test_bot attack", chat=GROUP))[0]


async def test_rate_limit_answers_once_then_ignores(tmp_path, fake) -> None:
    live = Live(tmp_path, fake, env={"commands_per_minute": 3})
    await live.start()
    try:
        for _ in range(3):
            await live.ask(ANALYST, "/subs")
        assert "Too many commands" in (await live.ask(ANALYST, "/subs"))[0]
        before = len(fake.messages(ANALYST))
        update_id = fake.say(ANALYST, "/subs")
        from tests.commands_support import until
        await until(lambda: all(u["update_id"] > update_id for u in fake.api.updates.pending()))
        await live.ask(ADMIN, "/help")
        assert len(fake.messages(ANALYST)) == before
    finally:
        await live.close()


async def test_channel_post_and_messages_without_sender_are_ignored(live: Live) -> None:
    live.fake.push_update({"channel_post": {"message_id": 5, "date": 1767225600,
                                            "chat": {"id": CHANNEL, "type": "channel"}, "text": "/status",
                                            "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}})
    await live.ask(ADMIN, "/help")
    assert live.fake.texts(CHANNEL) == []


def test_readme_lists_every_command_with_who_may_use_it() -> None:
    from bot.commands.registry import COMMANDS
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Talking to the bot"):readme.index("## Watchlists")]
    rows = [re.split(r"(?<!\\)\|", line)[1:3] for line in section.splitlines() if line.startswith("| `/")]
    for command in COMMANDS:
        who = next((w.strip() for name, w in rows if f"`/{command.name}" in name), None)
        assert who == ("admins" if command.role == "admin" else "analysts, admins"), command.name
