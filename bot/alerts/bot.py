"""The PTB bot object delivery talks through, pointed at ``SAHELWATCH_TELEGRAM_API_URL``.

Requests go to ``{URL}/bot{TOKEN}/{method}``. Proxy variables are ignored for a loopback URL
(a local Bot API server or the test fake). Send-only: an ``ExtBot`` without Application or
Updater; flood control is ours (:mod:`bot.alerts.pacing`), not PTB's ``AIORateLimiter``, so it
runs on the same injectable clock as everything else. ``PTB_TIMEDELTA`` makes
``RetryAfter.retry_after`` a ``timedelta`` (PTB warns otherwise).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.alerts.pacing import Sleep, sleep_unless
from bot.loopback import is_loopback

os.environ.setdefault("PTB_TIMEDELTA", "true")

READ_TIMEOUT = 20.0  # Telegram fetches media URLs while we wait: 5 s (PTB's default) is short


def make_bot(token: str, api_url: str) -> ExtBot[None]:
    base = api_url.rstrip("/")
    httpx_kwargs = {"trust_env": not is_loopback(base)}

    def request() -> HTTPXRequest:
        return HTTPXRequest(read_timeout=READ_TIMEOUT, httpx_kwargs=httpx_kwargs)

    return ExtBot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request(),
                  get_updates_request=request())


async def initialize_until_ready(initialize: Callable[[], Awaitable[object]], stop: asyncio.Event, sleep: Sleep, *,
                                 log: logging.Logger, refused: str, retrying: str) -> bool:
    """``getMe`` (``initialize``) until it works, network errors retried with doubling waits up to
    60 s; False on a refused token (logged as ``refused``; the token is never logged) or stop."""
    wait = 1.0
    while not stop.is_set():
        try:
            await initialize()
            return True
        except InvalidToken:
            log.error(refused)
            return False
        except TelegramError as exc:
            log.warning(retrying, extra={"wait_s": wait, "error": str(exc)})
            await sleep_unless(stop, sleep, wait)
            wait = min(wait * 2, 60.0)
    return False
