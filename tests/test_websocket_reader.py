"""The kit's reconnecting websocket reader against a real websocket server on 127.0.0.1."""

from __future__ import annotations

import asyncio

from websockets.asyncio.server import serve

from bot.sources.backoff import Jittered
from bot.sources.base import SourceHealth
from bot.sources.websocket import WebSocketReader
from tests.test_poller import InstantClock


async def test_reader_reconnects_with_a_fresh_url_and_stops_at_once():
    paths: list[str] = []

    async def handler(ws):
        paths.append(ws.request.path)
        n = len(paths)
        for i in range(3):
            await ws.send(f"frame {n}.{i}")
        if n < 3:
            await ws.close()  # the server drops us twice
        else:
            await ws.wait_closed()  # then stays open and silent

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        health, clock, stop = SourceHealth("ws"), InstantClock(), asyncio.Event()
        seen: list[str] = []
        reader = WebSocketReader(lambda: f"ws://127.0.0.1:{port}/sub?cursor={len(seen)}", health, clock,
                                 backoff=Jittered(1.0, 8.0))
        async for frame in reader.frames(stop):
            seen.append(frame)
            if len(seen) == 9:
                stop.set()
    assert seen == [f"frame {n}.{i}" for n in (1, 2, 3) for i in range(3)]
    assert paths == ["/sub?cursor=0", "/sub?cursor=3", "/sub?cursor=6"]
    assert health.reconnects == 2 and len(clock.sleeps) == 2 and all(0.5 <= s <= 1.0 for s in clock.sleeps)
    assert not health.failing  # the last connection worked


async def test_unreachable_server_backs_off_and_counts_errors():
    health, clock, stop = SourceHealth("ws"), InstantClock(), asyncio.Event()
    reader = WebSocketReader(lambda: "ws://127.0.0.1:9/none", health, clock, backoff=Jittered(1.0, 8.0))

    async def consume():
        async for _ in reader.frames(stop):
            pass

    task = asyncio.create_task(consume())
    while health.errors < 5:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert health.failing and not health.connected
    assert max(clock.sleeps) <= 8.0 and clock.sleeps[3] >= 4.0
