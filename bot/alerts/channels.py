"""``watchlists/channels.yaml``: read strictly, every problem reported as ``file:line:column``.

The YAML node tree is walked instead of ``yaml.safe_load`` so that duplicate keys are errors
(not silently the last one) and YAML 1.1 coercions (``no`` → False, ``1.10`` → 1.1) are refused
where text is expected. Chat ids may be written as numbers or quoted; ``@name`` must be quoted.
"""

from __future__ import annotations

import difflib
import re
from datetime import timedelta
from pathlib import Path

import yaml

from bot.alerts.routing import ChannelRule, Routing
from bot.errors import WatchlistError

TAG = "tag:yaml.org,2002:"
TOP_KEYS = ("channels", "admins", "admin_chat_id")
CHANNEL_KEYS = ("chat_id", "topics", "languages", "digest")
DURATION = re.compile(r"^(\d+)\s*(m|min|h|d)$")
UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_DIGEST = timedelta(minutes=5)
CHAT_ID = re.compile(r"^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$")


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self._problems: list[tuple[int, int, str]] = []

    def report(self, node: yaml.Node, message: str) -> None:
        self._problems.append((node.start_mark.line + 1, node.start_mark.column + 1, message))

    @property
    def problems(self) -> list[str]:
        """``file:line:column: problem`` lines, in file order."""
        return [f"{self.file}:{line}:{col}: {message}" for line, col, message in sorted(self._problems)]

    def where(self, node: yaml.Node) -> str:
        return f"{self.file}:{node.start_mark.line + 1}"

    def mapping(self, node: yaml.Node, known: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping (key: value)")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in out:
                self.report(key_node, f"duplicate key '{key}' in {what} (first on line {out[key].start_mark.line + 1})")
            elif key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.report(key_node, f"unknown key '{key}' in {what}; {hint}")
            else:
                out[key] = value
        return out

    def text(self, node: yaml.Node, what: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG + "str" and node.value.strip():
            return node.value.strip()
        self.report(node, f"{what} must be text; quote it: \"{getattr(node, 'value', '')}\"")
        return None

    def texts(self, node: yaml.Node, what: str) -> frozenset[str] | None:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.report(node, f"{what} must be a non-empty list such as [a, b]")
            return None
        values = [self.text(item, f"each item of {what}") for item in node.value]
        return frozenset(v for v in values if v)

    def chat_id(self, node: yaml.Node, what: str) -> str | None:
        value = getattr(node, "value", None)
        if isinstance(node, yaml.ScalarNode) and node.tag in (TAG + "str", TAG + "int") and CHAT_ID.match(value):
            return str(value)
        self.report(node, f"{what} must be a numeric chat id (\"-1001234567890\") or \"@channelname\"")
        return None


def parse_digest(reader: _Reader, node: yaml.Node) -> timedelta | None:
    match = DURATION.match(str(getattr(node, "value", "")).strip())
    if match is None or timedelta(seconds=int(match[1]) * UNITS[match[2]]) < MIN_DIGEST:
        reader.report(node, "digest must be a period of at least 5 minutes such as 15m, 1h or 1d")
        return None
    return timedelta(seconds=int(match[1]) * UNITS[match[2]])


def _channel(reader: _Reader, node: yaml.Node, seen: dict[str, str]) -> ChannelRule | None:
    fields = reader.mapping(node, CHANNEL_KEYS, "a channel")
    if "chat_id" not in fields:
        if isinstance(node, yaml.MappingNode):
            reader.report(node, "a channel needs chat_id")
        return None
    chat_id = reader.chat_id(fields["chat_id"], "chat_id")
    if chat_id in seen:
        reader.report(fields["chat_id"], f"chat_id {chat_id} is already routed at {seen[chat_id]}")
    topics = reader.texts(fields["topics"], "topics") if "topics" in fields else None
    languages = reader.texts(fields["languages"], "languages") if "languages" in fields else None
    digest = parse_digest(reader, fields["digest"]) if "digest" in fields else None
    if chat_id is None:
        return None
    seen.setdefault(chat_id, reader.where(node))
    return ChannelRule(chat_id, topics, languages, digest, reader.where(node))


def parse_routing(file: str, source: str) -> Routing:
    """The routing in ``source``; raises :class:`WatchlistError` listing every problem."""
    reader = _Reader(file)
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        raise WatchlistError([f"{where}: YAML syntax: {exc.problem}"]) from None
    if root is None:
        raise WatchlistError([f"{file}:1:1: empty file; it needs a 'channels' list"])
    top = reader.mapping(root, TOP_KEYS, "channels.yaml")
    rules = _channels(reader, top.get("channels"), root)
    admins = _admins(reader, top.get("admins"))
    admin_chat = reader.chat_id(top["admin_chat_id"], "admin_chat_id") if "admin_chat_id" in top else None
    if reader.problems:
        raise WatchlistError(reader.problems)
    return Routing(tuple(rules), admins, admin_chat)


def _channels(reader: _Reader, node: yaml.Node | None, root: yaml.Node) -> list[ChannelRule]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.report(node or root, "'channels' must be a non-empty list of channels")
        return []
    seen: dict[str, str] = {}
    return [rule for item in node.value if (rule := _channel(reader, item, seen))]


def _admins(reader: _Reader, node: yaml.Node | None) -> tuple[int, ...]:
    if node is None:
        return ()
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    ids = []
    for item in items:
        if isinstance(item, yaml.ScalarNode) and item.value.isdigit():
            ids.append(int(item.value))
        else:
            reader.report(item, "admins must be a list of numeric Telegram user ids (usernames can change)")
    return tuple(ids)


def load_routing(path: Path, shown: str | None = None) -> Routing:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError([f"{shown or path}: cannot read: {exc}"]) from None
    return parse_routing(shown or str(path), source)
