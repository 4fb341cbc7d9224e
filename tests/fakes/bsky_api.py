"""A fake Bluesky AppView (``public.api.bsky.app``) on 127.0.0.1: ``com.atproto.identity.resolveHandle``
and ``app.bsky.actor.getProfile``.

    with FakeBlueskyApi({"fama.bsky.social": "did:plc:fama"}, names={"did:plc:fama": "Fama"}) as api:
        api.url   # SAHELWATCH_BLUESKY_API_URL

An unknown handle answers 400 ``{"error": "HandleNotFound", …}``, an unknown actor 400
``{"error": "InvalidRequest", "message": "Profile not found"}``, as the XRPC error format says.
"""

from __future__ import annotations

import json

from tests.fakes.http_fake import HttpFake, Reply, Request


class FakeBlueskyApi(HttpFake):
    name = "fake-bluesky-api"

    def __init__(self, handles: dict[str, str] | None = None, names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.handles = dict(handles or {})
        self.names = dict(names or {})

    def respond(self, request: Request) -> Reply:
        if request.path == "/xrpc/app.bsky.actor.getProfile":
            return self._profile(request.arg("actor") or "")
        if request.path != "/xrpc/com.atproto.identity.resolveHandle":
            return Reply(404, json.dumps({"error": "MethodNotImplemented", "message": "Method Not Implemented"}))
        handle = (request.arg("handle") or "").lower()
        if not handle:
            return Reply(400, json.dumps({"error": "InvalidRequest", "message": "Error: Params must have the "
                                                                                "property \"handle\""}))
        did = self.handles.get(handle)
        if did is None:
            return Reply(400, json.dumps({"error": "HandleNotFound", "message": "Unable to resolve handle"}))
        return Reply(200, json.dumps({"did": did}))

    def _profile(self, did: str) -> Reply:
        handle = next((h for h, d in self.handles.items() if d == did), None)
        if handle is None:
            return Reply(400, json.dumps({"error": "InvalidRequest", "message": "Profile not found"}))
        return Reply(200, json.dumps({"did": did, "handle": handle, "displayName": self.names.get(did, ""),
                                      "followersCount": 12, "postsCount": 40}))
