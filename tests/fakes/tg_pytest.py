"""pytest fixtures for the fake Bot API; a test module imports the ones it uses::

    from tests.fakes.tg_pytest import fake_tg_fixture, tg_bot_fixture  # noqa: F401

``fake_tg``: a running :class:`FakeTelegram` on a :class:`ManualClock`, with one channel
(``CHANNEL_ID`` / ``@sahel_alerts_en``). ``tg_bot``: a real, initialised ``telegram.Bot`` pointed
at it (no proxies from the environment).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from tests.fakes.tg_flood import ManualClock
from tests.fakes.tg_server import FakeTelegram

os.environ["PTB_TIMEDELTA"] = "true"  # RetryAfter.retry_after as timedelta, no deprecation warning
logging.getLogger("httpx").setLevel(logging.WARNING)  # INFO lines carry the token in the URL

CHANNEL_ID = -1001234567890
CHANNEL_NAME = "sahel_alerts_en"


def ptb_request() -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"trust_env": False})


@pytest.fixture(name="fake_tg")
def fake_tg_fixture() -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=ManualClock()) as tg:
        tg.add_channel(CHANNEL_ID, username=CHANNEL_NAME, title="Sahel alerts")
        yield tg


@pytest.fixture(name="tg_bot")
async def tg_bot_fixture(fake_tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(
        fake_tg.token,
        base_url=fake_tg.base_url,
        base_file_url=fake_tg.base_file_url,
        request=ptb_request(),
        get_updates_request=ptb_request(),
    )
    async with bot:
        yield bot
