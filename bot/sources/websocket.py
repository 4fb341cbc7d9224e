"""A reconnecting websocket reader (the ``websockets`` library), for streaming sources (Jetstream).

:meth:`WebSocketReader.frames` yields every text or binary frame, reconnecting on any network
failure after a jittered exponential back-off (``backoff``, reset by a successful connection).
The URL is asked for again at each connection (``url_for``), so a source can put its latest
cursor in it and resume where it stopped. A dead peer is found by websocket pings
(``ping_interval``/``ping_timeout``); frames larger than ``max_size`` close the connection
(then reconnect). A proxy from the environment is used except for a loopback URL
(:func:`proxy_for`). Setting ``stop`` closes the socket at once. Each connect marks the health
``alive`` and ``connected``; each drop counts a reconnect and an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException

from bot.loopback import is_loopback
from bot.sources.backoff import Jittered
from bot.sources.base import SourceHealth
from bot.sources.clock import Clock, pause

log = logging.getLogger(__name__)


def proxy_for(url: str) -> bool | None:
    """``websockets``' ``proxy``: the environment's (``HTTPS_PROXY``, ``NO_PROXY``...), as for every
    client of the bot, but never for a loopback URL (:mod:`bot.loopback`)."""
    return None if is_loopback(url) else True


class WebSocketReader:
    def __init__(self, url_for: Callable[[], str], health: SourceHealth, clock: Clock, *,
                 backoff: Jittered | None = None, max_size: int = 1_048_576, open_timeout: float = 20.0,
                 ping_interval: float = 20.0, ping_timeout: float = 20.0, user_agent: str = "SahelWatch") -> None:
        self.url_for, self.health, self.clock = url_for, health, clock
        self.backoff = backoff or Jittered(1.0, 300.0)
        self.options = {"max_size": max_size, "open_timeout": open_timeout, "ping_interval": ping_interval,
                        "ping_timeout": ping_timeout, "user_agent_header": user_agent}

    async def frames(self, stop: asyncio.Event) -> AsyncIterator[str | bytes]:
        while not stop.is_set():
            url = self.url_for()
            try:
                async with connect(url, proxy=proxy_for(url), **self.options) as ws:
                    self._connected()
                    async for frame in self._read(ws, stop):
                        yield frame
            except InvalidURI as exc:
                raise ValueError(f"not a websocket URL: {url[:200]}") from exc
            except (OSError, TimeoutError, InvalidHandshake, WebSocketException) as exc:
                if await self._dropped(exc, stop):
                    return
            else:
                if stop.is_set():
                    return
                if await self._dropped(ConnectionError("server closed the connection"), stop):
                    return

    def _connected(self) -> None:
        self.backoff.reset()
        self.health.connected = True
        self.health.alive()

    async def _read(self, ws: ClientConnection, stop: asyncio.Event) -> AsyncIterator[str | bytes]:
        closer = asyncio.ensure_future(_close_on(stop, ws))
        try:
            async for frame in ws:
                yield frame
        finally:
            closer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await closer

    async def _dropped(self, exc: BaseException, stop: asyncio.Event) -> bool:
        self.health.connected = False
        self.health.reconnects += 1
        self.health.error(f"websocket: {type(exc).__name__}: {exc}"[:300])
        delay = self.backoff.next()
        log.warning("websocket dropped; reconnecting", extra={"source": self.health.name, "error": repr(exc)[:300],
                                                             "retry_in_s": round(delay, 2)})
        return await pause(self.clock, delay, stop)


async def _close_on(stop: asyncio.Event, ws: ClientConnection) -> None:
    await stop.wait()
    await ws.close()
