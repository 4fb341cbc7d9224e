"""The transport interface: the one seam between the outbox and a destination (Telegram, a webhook…).

Modelled on httpx's transports (one small class per way out, one method that does the I/O) and
auto-archiver's storages (one interface per step, named in YAML). Everything that is the same
for every destination lives above this seam, once, in :class:`~bot.alerts.send.ChannelSender`:
claiming outbox rows (at-least-once), pacing, retries with backoff, the fallback ladder of
:func:`~bot.alerts.outgoing.rungs`, failure recording and the admin-chat reports.

A transport is given a :class:`Parcel` and answers in one of two ways:

* it returns the **destination's reference** of what it delivered, an opaque string stored in
  ``outbox.message_ref`` (Telegram: message ids ``"12,13"``; a webhook: the receiver's id). A
  later edit of that alert (a story's "+N reports" line) gets it back as ``Outgoing.edit_ref``;
* or it raises one of a closed set of :class:`TransportError`::

      TransportError
       ├── RetryLater(after)      transient (rate limit, 5xx, timeout): the same row again after
       │                          ``after`` seconds, or the sender's doubling backoff when None
       ├── Refused(simpler)       this content is refused: the next form down the ladder that
       │                          ``simpler`` names (plain / links / shorter); None, or nothing
       │                          left to try → the row is failed with the reason, admins told
       └── Unreachable            the destination takes nothing now (bot kicked, chat gone, no
                                  secret): the row is kept, the channel paused, admins told

Anything else a transport raises is a bug. ``parcel.key`` (the outbox row's ``alert_key``) is
the same on every attempt and after a restart: receivers that can deduplicate should use it.

A new destination (email, Matrix, Apprise…) is a class with the three methods of
:class:`Transport` plus an entry in :mod:`bot.alerts.transports` (README: "Writing a transport").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from bot.alerts.outgoing import Outgoing, Rung, Simpler


@dataclass(frozen=True)
class Target:
    """A destination's options from ``channels.yaml`` (a transport subclasses it); None for a
    Telegram chat, which its id alone names."""


@dataclass(frozen=True)
class Parcel:
    key: str
    """The outbox row's ``alert_key``: the idempotency key, stable across retries and restarts."""
    channel: str
    """The outbox channel: a Telegram chat id, ``webhook:<name>``…"""
    kind: str
    """The outbox row's kind: ``alert`` (an update of a story's alert too), ``similar`` (an edit), ``digest``."""
    message: Outgoing
    form: Rung
    """Which form of ``message`` to send now (the sender walks down on :class:`Refused`)."""
    target: Target | None = None
    """The channel's options in ``channels.yaml`` now (None: a Telegram chat, or no longer routed)."""


@dataclass(frozen=True)
class Pace:
    """How fast one transport may send: ``interval`` seconds between messages to one destination
    (``private`` for a person's chat), at most ``overall`` messages a second in total."""

    interval: float = 0.0
    private: float = 0.0
    overall: int = 1000


class TransportError(Exception):
    """A delivery attempt that did not deliver. ``str()`` is the destination's own words;
    :attr:`reason` (what is recorded and reported) puts ``label`` in front: ``BadRequest: …``."""

    def __init__(self, detail: str, label: str) -> None:
        super().__init__(detail)
        self.label = label

    @property
    def reason(self) -> str:
        return f"{self.label}: {self}"


class RetryLater(TransportError):
    def __init__(self, detail: str, label: str, after: float | None = None) -> None:
        super().__init__(detail, label)
        self.after = after


class Refused(TransportError):
    def __init__(self, detail: str, label: str, simpler: Simpler | None = None) -> None:
        super().__init__(detail, label)
        self.simpler = simpler


class Unreachable(TransportError):
    pass


class Transport(Protocol):
    name: str
    """Stored in ``outbox.transport``; also the first word of its log lines."""
    pace: Pace

    async def start(self, stop: asyncio.Event) -> bool:
        """Connect (retrying until ``stop``); False when this transport cannot work at all."""
        ...

    async def send(self, parcel: Parcel) -> str:
        """Deliver ``parcel``; return the destination's reference, or raise a :class:`TransportError`."""
        ...

    async def close(self) -> None:
        ...
