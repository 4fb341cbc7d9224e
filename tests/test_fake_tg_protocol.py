"""The fake's wire protocol: URLs, bodies, envelope, parameter checks, getUpdates, PTB lifecycle."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict, InvalidToken
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.fakes.tg_pytest import CHANNEL_ID, fake_tg_fixture, ptb_request, tg_bot_fixture  # noqa: F401
from tests.fakes.tg_server import FakeTelegram

ADMIN_ID = 42


def post(fake: FakeTelegram, method: str, token: str | None = None, **kwargs: object) -> httpx.Response:
    with httpx.Client(trust_env=False) as client:
        return client.post(f"{fake.base_url}{token or fake.token}/{method}", **kwargs)  # type: ignore[arg-type]


def test_envelope_for_bad_token_and_unknown_method(fake_tg: FakeTelegram) -> None:
    bad = post(fake_tg, "getMe", token="123:wrong")
    assert (bad.status_code, bad.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    unknown = post(fake_tg, "sendTelepathy")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found: method not found")


async def test_ptb_reports_a_bad_token(fake_tg: FakeTelegram) -> None:
    bot = Bot(
        "123:wrong", base_url=fake_tg.base_url, request=ptb_request(), get_updates_request=ptb_request()
    )
    with pytest.raises(InvalidToken):
        await bot.get_me()


def test_method_names_are_case_insensitive_and_bodies_of_every_kind_work(fake_tg: FakeTelegram) -> None:
    form = post(fake_tg, "SENDMESSAGE", data={"chat_id": str(CHANNEL_ID), "text": "form"})
    body = post(
        fake_tg, "sendmessage", json={"chat_id": CHANNEL_ID, "text": "json", "disable_notification": True}
    )
    query = post(fake_tg, "sendMessage", params={"chat_id": str(CHANNEL_ID), "text": "query"})
    multi = post(
        fake_tg, "sendMessage", files={"chat_id": (None, str(CHANNEL_ID)), "text": (None, "multipart")}
    )
    assert [r.json()["ok"] for r in (form, body, query, multi)] == [True] * 4
    assert fake_tg.texts(CHANNEL_ID) == ["form", "json", "query", "multipart"]
    assert fake_tg.calls("sendMessage")[1].params["disable_notification"] is True


def test_unknown_optional_parameters_are_recorded_not_refused(fake_tg: FakeTelegram) -> None:
    reply = post(
        fake_tg, "sendMessage", data={"chat_id": str(CHANNEL_ID), "text": "x", "future_flag": "true"}
    )
    assert reply.json()["ok"] is True
    assert fake_tg.unknown_params == [("sendMessage", "future_flag")]


@pytest.mark.parametrize(
    ("method", "data", "error"),
    [
        ("sendMediaGroup", {"chat_id": str(CHANNEL_ID)}, 'Bad Request: parameter "media" is required'),
        ("setMyCommands", {}, 'Bad Request: parameter "commands" is required'),
        ("getChat", {}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": str(CHANNEL_ID)}, "Bad Request: message text is empty"),
        ("sendPhoto", {"chat_id": str(CHANNEL_ID)}, "Bad Request: there is no photo in the request"),
        ("sendMessage", {"chat_id": "-100999", "text": "x"}, "Bad Request: chat not found"),
        (
            "sendMessage",
            {"chat_id": str(CHANNEL_ID), "text": "x", "entities": "[oops"},
            "Bad Request: can't parse entities JSON object",
        ),
    ],
)
def test_parameter_errors(fake_tg: FakeTelegram, method: str, data: dict[str, str], error: str) -> None:
    reply = post(fake_tg, method, data=data)
    assert (reply.status_code, reply.json()) == (400, {"ok": False, "error_code": 400, "description": error})


async def test_ptb_sends_only_parameters_the_spec_knows(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    await tg_bot.send_message(
        CHANNEL_ID,
        "x",
        parse_mode="HTML",
        disable_notification=True,
        link_preview_options=None,
        protect_content=False,
    )
    await tg_bot.get_chat(CHANNEL_ID)
    assert fake_tg.unknown_params == []


async def test_set_my_commands_validates_like_telegram(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    assert await tg_bot.set_my_commands([("status", "Source health"), ("/mute", "Mute a topic")])
    assert [c["command"] for c in fake_tg.api.commands] == ["status", "mute"]
    with pytest.raises(BadRequest):
        await tg_bot.set_my_commands([("Status", "x")])
    assert fake_tg.calls()[-1].description == "Bad Request: BOT_COMMAND_INVALID"


async def test_get_updates_confirms_by_offset(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    for n in range(3):
        fake_tg.push_update(command_update(f"/n{n}"))
    first = await tg_bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["/n0", "/n1"]
    rest = await tg_bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["/n2"]
    assert await tg_bot.delete_webhook(drop_pending_updates=True)
    assert await tg_bot.get_updates() == ()


async def test_long_poll_is_held_until_an_update_and_a_second_poll_conflicts(
    fake_tg: FakeTelegram, tg_bot: Bot
) -> None:
    first = asyncio.create_task(tg_bot.get_updates(timeout=20))
    await until(lambda: fake_tg.api.updates.held)
    other = Bot(
        fake_tg.token, base_url=fake_tg.base_url, request=ptb_request(), get_updates_request=ptb_request()
    )
    async with other:
        second = asyncio.create_task(other.get_updates(timeout=20))
        with pytest.raises(Conflict):
            await first
        await until(lambda: fake_tg.api.updates.held)
        fake_tg.push_update(command_update("/status"))
        assert [u.message.text for u in await second] == ["/status"]
    assert fake_tg.calls("getUpdates")[0].description.startswith("Conflict: terminated by other getUpdates")


async def test_application_polls_and_runs_a_command_beside_other_tasks(fake_tg: FakeTelegram) -> None:
    seen: list[str] = []

    async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.effective_message.text if update.effective_message else "")

    app = (
        Application.builder()
        .token(fake_tg.token)
        .base_url(fake_tg.base_url)
        .request(ptb_request())
        .get_updates_request(ptb_request())
        .build()
    )
    app.add_handler(CommandHandler("status", status))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        fake_tg.push_update(command_update("/status"))
        await until(lambda: bool(seen))
        await app.updater.stop()
        await app.stop()
    assert seen == ["/status"]
    assert [c.method for c in fake_tg.calls()][:3] == ["getMe", "deleteWebhook", "getUpdates"]


def command_update(text: str) -> dict[str, object]:
    command = text.split()[0]
    return {
        "message": {
            "message_id": 1,
            "date": 1767225600,
            "chat": {"id": ADMIN_ID, "type": "private"},
            "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "A"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
    }


async def until(condition: object, rounds: int = 500) -> None:
    """Yield to the loop until ``condition()`` holds (bounded, so a broken fake fails, not hangs)."""
    for _ in range(rounds):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met: {json.dumps(str(condition))}")
