"""The registry of transports other than Telegram, and how ``channels.yaml`` names their destinations.

A Telegram chat is a channel with ``chat_id`` (built in). Every other transport is one
:class:`Destination` in :data:`DESTINATIONS`: the ``channels.yaml`` key that makes a channel
its kind (``webhook: https://…``), the other keys it takes, a reader turning those keys into
the channel's name and :class:`~bot.alerts.transport.Target` (problems reported at their
``file:line:column``), and how to build the transport from the settings. Its channels are
``<transport>:<name>`` in the outbox, logs, ``stats`` and admin reports (``webhook:ops``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import yaml

from bot.alerts.transport import Pace, Target, Transport
from bot.alerts.webhook_target import WebhookTarget
from bot.config import Settings
from bot.watchlist.nodes import Reader

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
Fields = Mapping[str, yaml.Node]
Read = Callable[[Reader, Fields], "tuple[str, Target] | None"]


@dataclass(frozen=True)
class Destination:
    transport: str
    """The transport's ``name`` (``outbox.transport``) and its channels' prefix."""
    key: str
    """The ``channels.yaml`` key that makes a channel this kind; its value is the address."""
    options: tuple[str, ...]
    """The other keys a channel of this kind may have."""
    read: Read
    """``channels.yaml`` fields → (channel name, target); None after reporting a problem."""
    build: Callable[[Settings], Transport]

    def channel(self, name: str) -> str:
        return f"{self.transport}:{name}"


def _text(reader: Reader, fields: Fields, key: str) -> str | None:
    value = reader.string(fields[key], key) if key in fields else None
    return (value.strip() or None) if value is not None else None


def read_webhook(reader: Reader, fields: Fields) -> tuple[str, Target] | None:
    """``webhook: URL`` (http or https), optional ``name`` (default: the URL's host) and one of
    ``secret_env`` (an environment variable's name) or ``secret_file`` (a path) for the signature."""
    node = fields["webhook"]
    url = reader.string(node, "webhook")
    if url is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url.strip()):
        reader.report(node, "webhook must be an http:// or https:// URL with a host")
        return None
    name = _text(reader, fields, "name") or parts.hostname
    if not NAME.match(name):
        reader.report(fields.get("name", node), "name must be letters, digits, '.', '_' or '-' (at most 64)")
        return None
    secret_env, secret_file = _text(reader, fields, "secret_env"), _text(reader, fields, "secret_file")
    if secret_env and secret_file:
        reader.report(fields["secret_file"], "give secret_env or secret_file, not both")
        return None
    if secret_env and not ENV_NAME.match(secret_env):
        reader.report(fields["secret_env"], "secret_env must be the name of an environment variable, not the secret")
        return None
    return name, WebhookTarget(url.strip(), secret_env, secret_file)


def build_webhook(settings: Settings) -> Transport:
    """The webhook transport (:mod:`bot.alerts.webhook`, imported here: reading and checking
    ``channels.yaml`` never imports httpx)."""
    from bot.alerts.webhook import WebhookTransport

    pace = Pace(settings.webhook_pace, settings.webhook_pace)
    return WebhookTransport(timeout=settings.webhook_timeout, pace=pace, user_agent=settings.http_user_agent)


WEBHOOK = Destination("webhook", "webhook", ("name", "secret_env", "secret_file"), read_webhook, build_webhook)
DESTINATIONS: tuple[Destination, ...] = (WEBHOOK,)
"""Add a transport here (see the README, "Writing a transport")."""
OPTION_KEYS = tuple(dict.fromkeys(option for d in DESTINATIONS for option in d.options))
