"""A webhook receiver on 127.0.0.1 that checks what a real one would (for the webhook transport).

Every path is an endpoint. A POST must be ``application/json`` (else 415), a JSON object (else
400), at most ``max_body`` bytes (else 413), and, for an endpoint given a secret with
:meth:`FakeWebhook.secret`, signed: ``X-SahelWatch-Signature-256: sha256=<HMAC-SHA256 of the
body>`` (else 401). A valid POST is answered ``{"id": "<endpoint>-<n>"}`` (``ops-1`` for the first
document ``/ops`` accepted) and kept in
:meth:`FakeWebhook.documents`, unless :meth:`FakeWebhook.plan` queued another answer for the
endpoint (a 500, a 429 with ``Retry-After``, a 400): then it is answered that way and not kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict, deque
from typing import Any

from tests.fakes.http_fake import HttpFake, Reply, Request

SIGNATURE = "x-sahelwatch-signature-256"


class FakeWebhook(HttpFake):
    name = "fake-webhook"

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[str, bytes] = {}
        self._plans: dict[str, deque[Reply]] = defaultdict(deque)
        self._always: dict[str, Reply] = {}
        self._documents: list[tuple[str, dict[str, Any]]] = []

    def secret(self, path: str, secret: str) -> None:
        self._secrets[path] = secret.encode()

    def plan(self, path: str, *replies: Reply, always: Reply | None = None) -> None:
        """Answer the next POSTs to ``path`` with ``replies``, then every one with ``always`` if given."""
        with self.lock:
            self._plans[path].extend(replies)
            if always is not None:
                self._always[path] = always

    def documents(self, path: str) -> list[dict[str, Any]]:
        """The documents ``path`` accepted, in order of arrival."""
        with self.lock:
            return [doc for p, doc in self._documents if p == path]

    def posts(self, path: str) -> list[Request]:
        """Every POST to ``path``, answered how it was."""
        return [r for r in self.requests_to(path) if r.method == "POST" and r.path == path]

    def respond(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply(405, '{"error": "POST only"}')
        problem = self._problem(request)
        if problem is not None:
            return problem
        with self.lock:
            planned = self._plans[request.path]
            if planned or request.path in self._always:
                return planned.popleft() if planned else self._always[request.path]
            self._documents.append((request.path, json.loads(request.body)))
            number = sum(path == request.path for path, _ in self._documents)
            return Reply(200, json.dumps({"id": f"{request.path.strip('/')}-{number}"}))

    def _problem(self, request: Request) -> Reply | None:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return Reply(415, '{"error": "application/json only"}')
        secret = self._secrets.get(request.path)
        if secret is not None:
            expected = "sha256=" + hmac.new(secret, request.body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(request.headers.get(SIGNATURE, ""), expected):
                return Reply(401, '{"error": "bad signature"}')
        try:
            document = json.loads(request.body)
        except ValueError:
            return Reply(400, '{"error": "not JSON"}')
        return None if isinstance(document, dict) else Reply(400, '{"error": "not a JSON object"}')
