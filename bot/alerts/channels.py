"""``watchlists/channels.yaml``: read strictly, every problem reported as ``file:line:column``.

Uses the watchlists' node reader (:mod:`bot.watchlist.nodes`): duplicate keys are errors, YAML
1.1 coercions (``no`` → False) are refused where text is expected, unknown keys get a
did-you-mean hint. Chat ids may be written as numbers or quoted; ``@name`` must be quoted.
A channel is a Telegram chat (``chat_id``) or a destination of another transport
(:mod:`bot.alerts.destinations`: ``webhook: https://…``), never both.
Given the watchlists' topic names and the configured languages, a topic no watchlist defines
and an unknown language code (``fre``) are errors; a real language the bot does not detect is a
warning. :func:`check_routing` returns every problem; :func:`parse_routing` raises on errors.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import yaml

from bot.alerts.destinations import DESTINATIONS, OPTION_KEYS
from bot.alerts.languages import check_language
from bot.alerts.routing import ChannelRule, Routing
from bot.alerts.transport import Target
from bot.errors import WatchlistError
from bot.watchlist.filewatch import FileHolder
from bot.watchlist.nodes import TAG, Reader, compose
from bot.watchlist.schema import Mark, Problem

log = logging.getLogger(__name__)
TOP_KEYS = ("channels", "admins", "analysts", "admin_chat_id")
CHANNEL_KEYS = ("chat_id", "topics", "languages", "digest", *(d.key for d in DESTINATIONS), *OPTION_KEYS)
DURATION = re.compile(r"^(\d+)\s*(m|min|h|d)$")
UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_DIGEST = timedelta(minutes=5)
CHAT_ID = re.compile(r"^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$")


def _fields(reader: Reader, node: yaml.Node, known: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
    pairs = reader.mapping(node, what) or []
    reader.unknown_keys(pairs, known, what)
    return {key: value for key, _, value in pairs if key in known}


@dataclass(frozen=True)
class Known:
    """What channel filters are checked against (None: not checked)."""

    topics: Collection[str] | None = None
    languages: Collection[str] | None = None


Check = Callable[[Reader, yaml.Node, str], None]


def _texts(reader: Reader, node: yaml.Node, what: str, check: Check | None = None) -> frozenset[str] | None:
    items = reader.sequence(node, what)
    if items is None:
        return None
    if not items:
        reader.report(node, f"{what} is empty: leave the key out to take all {what}")
    values = []
    for item in items:
        value = (reader.string(item, f"each item of {what}") or "").strip()
        if value and check is not None:
            check(reader, item, value)
        values.append(value)
    return frozenset(v for v in values if v)


def _topic_check(known: Collection[str]) -> Check:
    def check(reader: Reader, node: yaml.Node, topic: str) -> None:
        if topic not in known:
            close = difflib.get_close_matches(topic, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "check the topic names in the watchlist files"
            reader.report(node, f"topic '{topic}' is in no watchlist, so this channel would never get it; {hint}")
    return check


def _language_check(configured: Collection[str] | None) -> Check:
    def check(reader: Reader, node: yaml.Node, code: str) -> None:
        found = check_language(code, configured)
        if found is not None:
            reader.report(node, found[1], found[0])
    return check


def _chat_id(reader: Reader, node: yaml.Node, what: str) -> str | None:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if value and node.tag in (TAG + "str", TAG + "int") and CHAT_ID.match(value):
        return str(value)
    reader.report(node, f'{what} must be a numeric chat id ("-1001234567890") or "@channelname"')
    return None


def _digest(reader: Reader, node: yaml.Node) -> timedelta | None:
    match = DURATION.match(str(getattr(node, "value", "")).strip())
    period = timedelta(seconds=int(match[1]) * UNITS[match[2]]) if match else None
    if period is None or period < MIN_DIGEST:
        reader.report(node, "digest must be a period of at least 5 minutes such as 15m, 1h or 1d")
        return None
    return period


Where = tuple[str, str, "Target | None", str]
"""A channel's destination: (outbox channel, transport, target, the key that named it)."""


def _destination(reader: Reader, node: yaml.Node, fields: dict[str, yaml.Node]) -> Where | None:
    """``chat_id`` (Telegram) or one other transport's key, with only that transport's options."""
    keys = sorted((key for key in ("chat_id", *(d.key for d in DESTINATIONS)) if key in fields),
                  key=lambda key: fields[key].start_mark.index)
    if len(keys) > 1:
        reader.report(fields[keys[1]], f"a channel has one destination: {keys[0]} or {keys[1]}, not both")
        return None
    kinds = [d for d in DESTINATIONS if d.key in fields]
    for key in OPTION_KEYS:
        if key in fields and not (kinds and key in kinds[0].options):
            what = f"a {kinds[0].key} channel" if kinds else "a Telegram channel (chat_id)"
            reader.report(fields[key], f"{key} is not a key of {what}")
    if kinds:
        found = kinds[0].read(reader, fields)
        return (kinds[0].channel(found[0]), kinds[0].transport, found[1], kinds[0].key) if found else None
    if "chat_id" not in fields:
        if isinstance(node, yaml.MappingNode):
            reader.report(node, "a channel needs chat_id")
        return None
    chat_id = _chat_id(reader, fields["chat_id"], "chat_id")
    return (chat_id, "telegram", None, "chat_id") if chat_id is not None else None


def _channel(reader: Reader, node: yaml.Node, seen: dict[str, Mark], known: Known) -> ChannelRule | None:
    fields = _fields(reader, node, CHANNEL_KEYS, "a channel")
    where = _destination(reader, node, fields)
    if where is not None and where[0] in seen:
        reader.report(fields[where[3]], f"{where[3]} {where[0]} is already routed at {seen[where[0]]}")
    topic_check = _topic_check(known.topics) if known.topics is not None else None
    topics = _texts(reader, fields["topics"], "topics", topic_check) if "topics" in fields else None
    language_check = _language_check(known.languages)
    languages = _texts(reader, fields["languages"], "languages", language_check) if "languages" in fields else None
    digest = _digest(reader, fields["digest"]) if "digest" in fields else None
    if where is None:
        return None
    chat_id, transport, target, _ = where
    mark = reader.mark(node)
    seen.setdefault(chat_id, mark)
    return ChannelRule(chat_id, topics, languages, digest, f"{mark.file}:{mark.line}", transport=transport,
                       target=target)


def _channels(reader: Reader, node: yaml.Node | None, root: yaml.Node, known: Known) -> list[ChannelRule]:
    items = reader.sequence(node, "channels") if node is not None else None
    if not items:
        reader.report(node or root, "'channels' must be a non-empty list of channels")
        return []
    seen: dict[str, Mark] = {}
    return [rule for item in items if (rule := _channel(reader, item, seen, known))]


def _admins(reader: Reader, node: yaml.Node | None, what: str = "admins") -> tuple[int, ...]:
    items = (reader.sequence(node, what) or []) if node is not None else []
    bad = [item for item in items if not (isinstance(item, yaml.ScalarNode) and item.value.isdigit())]
    for item in bad:
        reader.report(item, f"{what} must be numeric Telegram user ids (usernames can change)")
    return tuple(int(item.value) for item in items if item not in bad)


def _analysts(reader: Reader, node: yaml.Node | None) -> tuple[tuple[int, ...], bool]:
    """``analysts: any`` (everyone), or a list of numeric user ids like ``admins``."""
    if isinstance(node, yaml.ScalarNode) and node.tag == TAG + "str" and node.value == "any":
        return (), True
    if isinstance(node, yaml.ScalarNode):
        reader.report(node, "analysts must be a list of numeric Telegram user ids, or 'any'")
        return (), False
    return _admins(reader, node, "analysts"), False



def check_routing(file: str, source: str, known: Known = Known()) -> tuple[Routing | None, list[Problem]]:
    """The routing in ``source`` (None when there are errors) and every problem, in file order."""
    root, problems = compose(file, source)
    if problems:
        return None, problems
    if root is None:
        return None, [Problem(Mark(file, 1, 1), "empty file; it needs a 'channels' list")]
    reader = Reader(file)
    top = _fields(reader, root, TOP_KEYS, "channels.yaml")
    rules = _channels(reader, top.get("channels"), root, known)
    admins = _admins(reader, top.get("admins"))
    analysts, anyone = _analysts(reader, top.get("analysts"))
    admin_chat = _chat_id(reader, top["admin_chat_id"], "admin_chat_id") if "admin_chat_id" in top else None
    found = sorted(reader.problems)
    if any(p.level == "error" for p in found):
        return None, found
    return Routing(tuple(rules), admins, admin_chat, analysts=analysts, analysts_any=anyone), found


def parse_routing(file: str, source: str, known: Known = Known()) -> Routing:
    """The routing in ``source``; raises :class:`WatchlistError` listing every error in file order.
    Warnings are logged."""
    routing, problems = check_routing(file, source, known)
    if routing is None:
        raise WatchlistError([str(p) for p in problems if p.level == "error"])
    for problem in problems:
        log.warning("%s", problem)
    return routing


def load_routing(path: Path, shown: str | None = None, known: Known = Known()) -> Routing:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError([f"{shown or path}: cannot read: {exc}"]) from None
    return parse_routing(shown or str(path), source, known)


class RoutingHolder(FileHolder[Routing]):
    """The routing in use (:class:`~bot.watchlist.filewatch.FileHolder`: last good kept).

    ``known_topics`` (the watchlists' topic names) makes a topic that no watchlist defines an
    error, ``languages`` (the configured ones) a language posts never carry.
    """

    what = "routing"

    def __init__(self, path: Path, known_topics: Callable[[], set[str]] | None = None,
                 languages: Collection[str] | None = None,
                 labels: Callable[[], dict[str, str | None]] | None = None) -> None:
        self.known_topics = known_topics
        self.languages = languages
        self.labels = labels
        super().__init__(path)

    def get(self) -> Routing:
        """The routing in use, with the current watchlists' topic labels (``label:``/``internal:``)."""
        routing = super().get()
        return replace(routing, labels=self.labels()) if self.labels else routing

    def _load(self) -> Routing:
        topics = self.known_topics() if self.known_topics else None
        return load_routing(self.path, known=Known(topics, self.languages))
