"""A fake Bluesky Jetstream (v1 wire format) on 127.0.0.1: a real websocket server in a thread.

    with FakeJetstream() as js:
        js.post("did:plc:abc", "Attaque à Ménaka", langs=["fr"])
        url = js.url                      # ws://127.0.0.1:<port>/subscribe

Per the Jetstream README (https://github.com/bluesky-social/jetstream): ``GET /subscribe`` upgraded to a websocket;
one JSON event per text frame; ``wantedCollections`` (repeatable, ``app.bsky.feed.*`` prefixes)
filters commits, while ``identity`` and ``account`` events always pass; ``cursor`` (unix µs)
replays every kept event from that time on, then goes live; no cursor = live only. Events get
strictly increasing ``time_us``. ``js.down = True`` refuses handshakes with 503;
``js.disconnect()`` closes every open connection (a restart of the service).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

COLLECTION = "app.bsky.feed.post"
_CLOSE = object()


@dataclass
class Event:
    time_us: int
    frame: str
    kind: str
    collection: str | None


@dataclass
class Subscriber:
    queue: asyncio.Queue[object]
    wanted: tuple[str, ...]
    query: dict[str, list[str]] = field(default_factory=dict)


def wanted(event: Event, collections: tuple[str, ...]) -> bool:
    if event.kind != "commit" or not collections or event.collection is None:
        return True
    return any(event.collection == c or (c.endswith(".*") and event.collection.startswith(c[:-1]))
               for c in collections)


class FakeJetstream:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.connections: list[dict[str, list[str]]] = []
        self.down = False
        self._subscribers: list[Subscriber] = []
        self._last_us = 0
        self._rkeys = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-jetstream", daemon=True)

    @property
    def url(self) -> str:
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/subscribe"

    # --- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> FakeJetstream:
        self._thread.start()
        self._server = self._call(self._start())
        return self

    def __exit__(self, *_: object) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _start(self) -> Server:
        return await serve(self._handle, "127.0.0.1", 0, process_request=self._check, max_size=2**20)

    async def _stop(self) -> None:
        assert self._server is not None
        await self._disconnect()
        self._server.close()
        await self._server.wait_closed()

    # --- publishing --------------------------------------------------------------------------
    def next_time_us(self) -> int:
        self._last_us = max(self._last_us + 1, time.time_ns() // 1000)
        return self._last_us

    def publish(self, event: dict[str, Any] | str, *, kind: str = "commit", collection: str | None = None) -> int:
        """Send ``event`` (a dict gets its ``time_us``; a str is sent as it is) to every subscriber."""
        time_us = self.next_time_us()
        if isinstance(event, dict):
            event = json.dumps({**event, "time_us": time_us}, ensure_ascii=False)
        self._call(self._publish(Event(time_us, event, kind, collection)))
        return time_us

    async def _publish(self, event: Event) -> None:
        self.events.append(event)
        for sub in self._subscribers:
            if wanted(event, sub.wanted):
                sub.queue.put_nowait(event.frame)

    def preload(self, events: list[dict[str, Any]]) -> None:
        """Keep ``events`` (given ``time_us`` in order) for cursor replay, without sending them live."""
        for event in events:
            time_us = self.next_time_us()
            commit = event.get("commit") or {}
            self.events.append(Event(time_us, json.dumps({**event, "time_us": time_us}, ensure_ascii=False),
                                     event.get("kind", "commit"), commit.get("collection")))

    def post(self, did: str, text: str, *, rkey: str | None = None, langs: list[str] | None = None,
             collection: str = COLLECTION, **record: Any) -> dict[str, Any]:
        """A ``create`` commit of a post record; returns ``{"uri", "rkey", "time_us"}``."""
        rkey = rkey or f"3lfake{next(self._rkeys):07d}"
        body = {"$type": collection, "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "text": text, **({"langs": langs} if langs else {}), **record}
        commit = {"rev": f"rev{rkey}", "operation": "create", "collection": collection, "rkey": rkey,
                  "cid": f"bafyrei{rkey}", "record": body}
        time_us = self.publish({"did": did, "kind": "commit", "commit": commit}, collection=collection)
        return {"uri": f"at://{did}/{collection}/{rkey}", "rkey": rkey, "time_us": time_us}

    def delete(self, did: str, rkey: str) -> int:
        commit = {"rev": "revdel", "operation": "delete", "collection": COLLECTION, "rkey": rkey}
        return self.publish({"did": did, "kind": "commit", "commit": commit}, collection=COLLECTION)

    def identity(self, did: str, handle: str) -> int:
        body = {"did": did, "handle": handle, "seq": 1, "time": "2026-12-04T10:00:00.000Z"}
        return self.publish({"did": did, "kind": "identity", "identity": body}, kind="identity")

    def account(self, did: str, active: bool = False, status: str = "takendown") -> int:
        body = {"active": active, "status": status, "did": did, "seq": 2, "time": "2026-12-04T10:00:00.000Z"}
        return self.publish({"did": did, "kind": "account", "account": body}, kind="account")

    def disconnect(self) -> None:
        """Close every open subscription (clients must reconnect with their cursor)."""
        self._call(self._disconnect())

    async def _disconnect(self) -> None:
        for sub in self._subscribers:
            sub.queue.put_nowait(_CLOSE)

    # --- serving -------------------------------------------------------------------------------
    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        if self.down:
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "jetstream is down\n")
        if urlsplit(request.path).path != "/subscribe":
            return Response(404, "Not Found", Headers(), b"not found\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        self.connections.append(query)
        sub = Subscriber(asyncio.Queue(), tuple(query.get("wantedCollections", [])), query)
        cursor = query.get("cursor", [""])[-1]
        backlog = [e.frame for e in self.events if cursor.isdigit() and e.time_us >= int(cursor)
                   and wanted(e, sub.wanted)]
        self._subscribers.append(sub)
        try:
            for frame in backlog:
                await ws.send(frame)
            await self._live(ws, sub)
        except Exception:  # the client went away: nothing to report
            return
        finally:
            self._subscribers.remove(sub)

    async def _live(self, ws: ServerConnection, sub: Subscriber) -> None:
        """Forward published frames until :meth:`disconnect` or the client leaves."""
        gone = asyncio.ensure_future(ws.wait_closed())
        try:
            while True:
                if sub.queue.empty():
                    getter = asyncio.ensure_future(sub.queue.get())
                    await asyncio.wait({gone, getter}, return_when=asyncio.FIRST_COMPLETED)
                    if not getter.done():
                        getter.cancel()
                        return
                    frame = getter.result()
                else:
                    frame = sub.queue.get_nowait()
                if frame is _CLOSE:
                    await ws.close(1001, "going away")
                    return
                await ws.send(frame)  # type: ignore[arg-type]
        finally:
            gone.cancel()
