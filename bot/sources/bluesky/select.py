"""Which Jetstream posts SahelWatch keeps, decided per frame, fast enough for the whole network.

Bluesky has no server-side keyword filter, so every post of the network arrives. A post is kept
when its author is a listed account or its text makes a watchlist topic fire (the same matcher
the pipeline runs, so nothing is queued that the pipeline would not alert on); everything else
costs one JSON parse and one automaton scan. A kept post is validated and converted
(:func:`~bot.sources.bluesky.events.to_post`) and remembered by URI, so the few seconds replayed
after a reconnect are dropped here (the store's unique key catches what a restart replays).
Malformed frames are skipped, logged and counted (``health.skipped``); nothing raises.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping

from bot.pipeline.match import Matcher
from bot.sources.base import Collected, SourceHealth
from bot.sources.bluesky.events import Candidate, MediaHosts, decode, to_post
from bot.sources.payload import DEFAULT_LIMITS, PayloadError, PayloadLimits

log = logging.getLogger(__name__)


class RecentUris:
    """The last ``size`` URIs kept (insertion order), for dropping replayed events."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def add(self, uri: str) -> bool:
        """Remember ``uri``; False when it was already there."""
        if uri in self._seen:
            return False
        self._seen[uri] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class Selector:
    """Turns frames into the :class:`Collected` items worth storing; tracks the newest ``time_us``."""

    def __init__(self, name: str, health: SourceHealth, matcher: Callable[[], Matcher],
                 accounts: Callable[[], Collection[str]], handles: Mapping[str, str],
                 hosts: MediaHosts | None = None, limits: PayloadLimits = DEFAULT_LIMITS) -> None:
        self.name, self.health, self.matcher, self.accounts = name, health, matcher, accounts
        self.handles, self.hosts, self.limits = handles, hosts or MediaHosts(), limits
        self.recent = RecentUris()
        self.time_us = 0
        self.frames = self.posts = self.kept = 0

    def handle(self, frame: str | bytes) -> Collected | None:
        """The item for ``frame``, or None (not a post, not wanted, already seen, malformed)."""
        self.frames += 1
        try:
            time_us, candidate = decode(frame, self.limits)
        except PayloadError as exc:
            self._skip(str(exc))
            return None
        self.time_us = max(self.time_us, time_us)
        if candidate is None:
            return None
        self.posts += 1
        if not self.wanted(candidate) or not self.recent.add(candidate.uri):
            return None
        try:
            post = to_post(candidate, handle=self.handles.get(candidate.did, ""), hosts=self.hosts,
                           limits=self.limits)
        except PayloadError as exc:
            self._skip(str(exc))
            return None
        self.kept += 1
        return Collected(post, cursor=str(time_us))

    def wanted(self, candidate: Candidate) -> bool:
        return candidate.did in self.accounts() or bool(self.matcher().classify(candidate.text).topics)

    def _skip(self, problem: str) -> None:
        self.health.skip(problem)
        log.warning("bluesky event skipped", extra={"source": self.name, "problem": problem[:300]})
