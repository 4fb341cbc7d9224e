"""Flood windows on an injected clock, scripted failures, and the bot's standing in each chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot, InputMediaPhoto
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from tests.fakes.tg_chats import Chat
from tests.fakes.tg_flood import FloodLimits, ManualClock
from tests.fakes.tg_pytest import CHANNEL_ID, fake_tg_fixture, ptb_request, tg_bot_fixture  # noqa: F401
from tests.fakes.tg_server import FakeTelegram

OTHER_ID = -1009999999999


def clock_of(fake: FakeTelegram) -> ManualClock:
    clock = fake.clock
    assert isinstance(clock, ManualClock)
    return clock


async def test_twenty_per_minute_per_channel(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    for n in range(20):
        await tg_bot.send_message(CHANNEL_ID, f"m{n}")
        clock_of(fake_tg).advance(1)
    with pytest.raises(RetryAfter) as caught:
        await tg_bot.send_message(CHANNEL_ID, "m20")
    assert caught.value.retry_after == timedelta(seconds=40)  # sent at t=0..19, now t=20; t=0 expires at 60
    assert fake_tg.calls()[-1].description == "Too Many Requests: retry after 40"
    clock_of(fake_tg).advance(40)
    await tg_bot.send_message(CHANNEL_ID, "m20")
    assert fake_tg.texts(CHANNEL_ID) == [f"m{n}" for n in range(21)]


async def test_an_album_counts_every_item(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_media("https://m.example.org/p.jpg", "image/jpeg", 100)
    for _ in range(19):
        await tg_bot.send_message(CHANNEL_ID, "m")
    with pytest.raises(RetryAfter):
        await tg_bot.send_media_group(CHANNEL_ID, [_photo(), _photo()])
    assert len(fake_tg.messages(CHANNEL_ID)) == 19


def _photo() -> InputMediaPhoto:
    return InputMediaPhoto("https://m.example.org/p.jpg")


async def test_thirty_per_second_overall() -> None:
    with FakeTelegram(clock=ManualClock(), limits=FloodLimits(group=(100, 60.0))) as fake:
        for n in range(31):
            fake.add_channel(-1000000000000 - n)
        async with _bot(fake) as bot:
            for n in range(30):
                await bot.send_message(-1000000000000 - n, "x")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(-1000000000030, "x")
            assert caught.value.retry_after == timedelta(seconds=1)
            clock_of(fake).advance(1)
            await bot.send_message(-1000000000030, "x")


async def test_one_per_second_in_a_private_chat(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_chat(Chat(42, "private", "Admin"))
    await tg_bot.send_message(42, "a")
    with pytest.raises(RetryAfter):
        await tg_bot.send_message(42, "b")
    await tg_bot.send_message(CHANNEL_ID, "other chats still flow")
    clock_of(fake_tg).advance(1)
    await tg_bot.send_message(42, "b")
    assert fake_tg.texts(42) == ["a", "b"]


async def test_scripted_429_then_success(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.flood_next("sendMessage", retry_after=3, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await tg_bot.send_message(CHANNEL_ID, "once")
        assert caught.value.retry_after == timedelta(seconds=3)
    await tg_bot.send_message(CHANNEL_ID, "once")
    assert fake_tg.texts(CHANNEL_ID) == ["once"]
    assert [c.status for c in fake_tg.calls("sendMessage")] == [429, 429, 200]


async def test_scripted_fault_hits_only_its_chat(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_channel(OTHER_ID)
    fake_tg.fail_next("sendMessage", 502, "Bad Gateway", chat_id=OTHER_ID)
    await tg_bot.send_message(CHANNEL_ID, "fine")
    with pytest.raises(NetworkError):
        await tg_bot.send_message(OTHER_ID, "x")
    assert fake_tg.texts(CHANNEL_ID) == ["fine"] and fake_tg.texts(OTHER_ID) == []


async def test_dropped_connection_before_and_after_delivery(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await tg_bot.send_message(CHANNEL_ID, "lost")
    fake_tg.drop_next("sendMessage", after_delivery=True)
    with pytest.raises(NetworkError):
        await tg_bot.send_message(CHANNEL_ID, "delivered but unconfirmed")
    assert fake_tg.texts(CHANNEL_ID) == ["delivered but unconfirmed"]


@pytest.mark.parametrize(
    ("status", "error", "code", "description"),
    [
        ("kicked", Forbidden, 403, "Forbidden: bot was kicked from the channel chat"),
        ("left", Forbidden, 403, "Forbidden: bot is not a member of the channel chat"),
        ("member", BadRequest, 400, "Bad Request: need administrator rights in the channel chat"),
    ],
)
async def test_standing_in_a_channel(
    fake_tg: FakeTelegram, tg_bot: Bot, status: str, error: type[Exception], code: int, description: str
) -> None:
    fake_tg.add_channel(OTHER_ID, status=status)
    with pytest.raises(error):
        await tg_bot.send_message(OTHER_ID, "x")
    assert (fake_tg.calls()[-1].status, fake_tg.calls()[-1].description) == (code, description)
    await tg_bot.send_message(CHANNEL_ID, "others unaffected")
    assert fake_tg.texts(OTHER_ID) == [] and fake_tg.texts(CHANNEL_ID) == ["others unaffected"]


async def test_status_can_change_while_running(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    await tg_bot.send_message(CHANNEL_ID, "before")
    fake_tg.set_status(CHANNEL_ID, "kicked")
    with pytest.raises(Forbidden):
        await tg_bot.send_message(CHANNEL_ID, "after")
    assert fake_tg.texts(CHANNEL_ID) == ["before"]


async def test_migrated_group_points_to_the_supergroup(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_chat(Chat(-555, "group", "Old", status="migrated", migrate_to=-1005550000000))
    with pytest.raises(ChatMigrated) as caught:
        await tg_bot.send_message(-555, "x")
    assert caught.value.new_chat_id == -1005550000000


async def test_unknown_chat(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await tg_bot.send_message("@nobody_here", "x")
    assert fake_tg.calls()[-1].description == "Bad Request: chat not found"


def _bot(fake: FakeTelegram) -> Bot:
    return Bot(fake.token, base_url=fake.base_url, request=ptb_request(), get_updates_request=ptb_request())
