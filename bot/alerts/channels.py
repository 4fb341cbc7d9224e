"""``watchlists/channels.yaml``: read strictly, every problem reported as ``file:line:column``.

Uses the watchlists' node reader (:mod:`bot.watchlist.nodes`): duplicate keys are errors, YAML
1.1 coercions (``no`` → False) are refused where text is expected, unknown keys get a
did-you-mean hint. Chat ids may be written as numbers or quoted; ``@name`` must be quoted.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import yaml

from bot.alerts.routing import ChannelRule, Routing
from bot.errors import WatchlistError
from bot.watchlist.nodes import TAG, Reader, compose
from bot.watchlist.schema import Mark, Problem

TOP_KEYS = ("channels", "admins", "analysts", "admin_chat_id")
CHANNEL_KEYS = ("chat_id", "topics", "languages", "digest")
DURATION = re.compile(r"^(\d+)\s*(m|min|h|d)$")
UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_DIGEST = timedelta(minutes=5)
CHAT_ID = re.compile(r"^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$")


def _fields(reader: Reader, node: yaml.Node, known: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
    pairs = reader.mapping(node, what) or []
    reader.unknown_keys(pairs, known, what)
    return {key: value for key, _, value in pairs if key in known}


def _texts(reader: Reader, node: yaml.Node, what: str) -> frozenset[str] | None:
    items = reader.sequence(node, what)
    if items is None:
        return None
    if not items:
        reader.report(node, f"{what} is empty: leave the key out to take all {what}")
    values = [reader.string(item, f"each item of {what}") for item in items]
    return frozenset(v.strip() for v in values if v and v.strip())


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


def _channel(reader: Reader, node: yaml.Node, seen: dict[str, Mark]) -> ChannelRule | None:
    fields = _fields(reader, node, CHANNEL_KEYS, "a channel")
    if "chat_id" not in fields:
        if isinstance(node, yaml.MappingNode):
            reader.report(node, "a channel needs chat_id")
        return None
    chat_id = _chat_id(reader, fields["chat_id"], "chat_id")
    if chat_id in seen:
        reader.report(fields["chat_id"], f"chat_id {chat_id} is already routed at {seen[chat_id]}")
    topics = _texts(reader, fields["topics"], "topics") if "topics" in fields else None
    languages = _texts(reader, fields["languages"], "languages") if "languages" in fields else None
    digest = _digest(reader, fields["digest"]) if "digest" in fields else None
    if chat_id is None:
        return None
    mark = reader.mark(node)
    seen.setdefault(chat_id, mark)
    return ChannelRule(chat_id, topics, languages, digest, f"{mark.file}:{mark.line}")


def _channels(reader: Reader, node: yaml.Node | None, root: yaml.Node) -> list[ChannelRule]:
    items = reader.sequence(node, "channels") if node is not None else None
    if not items:
        reader.report(node or root, "'channels' must be a non-empty list of channels")
        return []
    seen: dict[str, Mark] = {}
    return [rule for item in items if (rule := _channel(reader, item, seen))]


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


def parse_routing(file: str, source: str) -> Routing:
    """The routing in ``source``; raises :class:`WatchlistError` listing every problem in file order."""
    root, problems = compose(file, source)
    if problems:
        raise WatchlistError([str(p) for p in problems])
    if root is None:
        raise WatchlistError([str(Problem(Mark(file, 1, 1), "empty file; it needs a 'channels' list"))])
    reader = Reader(file)
    top = _fields(reader, root, TOP_KEYS, "channels.yaml")
    rules = _channels(reader, top.get("channels"), root)
    admins = _admins(reader, top.get("admins"))
    analysts, anyone = _analysts(reader, top.get("analysts"))
    admin_chat = _chat_id(reader, top["admin_chat_id"], "admin_chat_id") if "admin_chat_id" in top else None
    errors = sorted(p for p in reader.problems if p.level == "error")
    if errors:
        raise WatchlistError([str(p) for p in errors])
    return Routing(tuple(rules), admins, admin_chat, analysts, anyone)


def load_routing(path: Path, shown: str | None = None) -> Routing:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError([f"{shown or path}: cannot read: {exc}"]) from None
    return parse_routing(shown or str(path), source)
