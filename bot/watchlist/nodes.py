"""Reading composed YAML nodes strictly, with every problem tied to a line and column.

``yaml.safe_load`` keeps the last of two duplicate keys without a word and turns ``NO``, ``off``
or ``1.10`` into ``False`` and ``1.1``. We compose the node tree instead (it keeps marks and the
scalars' literal text) and accept a scalar as text only when YAML resolved it to a string.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import yaml

from bot.watchlist.limits import too_deep
from bot.watchlist.schema import Level, Mark, Problem
from bot.watchlist.yamlerrors import friendly

TAG = "tag:yaml.org,2002:"
# libyaml's parser when PyYAML was built with it (same resolver and marks, ~5x faster reloads)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KINDS = {"bool": "a boolean", "int": "a number", "float": "a number", "timestamp": "a date"}


def compose(file: str, text: str) -> tuple[yaml.Node | None, list[Problem]]:
    """The node tree of one YAML document, or a plain-words problem at the line to change."""
    try:
        if (deep := too_deep(file, text, LOADER)) is not None:
            return None, [deep]
        return yaml.compose(text, Loader=LOADER), []
    except RecursionError:  # the pure-Python composer (no libyaml) on deep nesting
        return None, [Problem(Mark(file, 1, 1), "YAML nested too deeply")]
    except yaml.MarkedYAMLError as exc:
        return None, [friendly(file, text, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(Mark(file, 1, 1), f"YAML: {exc}")]


class Reader:
    """Typed access to nodes of one file; problems accumulate in :attr:`problems`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def report(self, node: yaml.Node, message: str, level: Level = "error") -> None:
        self.problems.append(Problem(self.mark(node), message, level))

    def string(self, node: yaml.Node, what: str) -> str | None:
        """The scalar's text, only if YAML reads it as a string."""
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG + "str":
            return node.value
        self.report(node, f"{what} must be text, but {describe(node)}")
        return None

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.value.lower() in ("true", "false"):
            return node.value.lower() == "true"
        self.report(node, f"{what} must be true or false, found {shown(node)}")
        return None

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.report(node, f"{what} must be a list, found {shown(node)}")
        return None

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]] | None:
        """``(key, key node, value node)`` pairs; duplicate and non-text keys are reported."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping (key: value), found {shown(node)}")
            return None
        pairs: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, f"a key in {what}")
            if key is None:
                continue
            if key in seen:
                first = self.mark(seen[key]).line
                self.report(key_node, f"duplicate key '{key}' in {what} (first defined on line {first})")
                continue
            seen[key] = key_node
            pairs.append((key, key_node, value_node))
        return pairs

    def unknown_keys(self, pairs: Sequence[tuple[str, yaml.Node, yaml.Node]], known: Sequence[str],
                     what: str) -> None:
        for key, key_node, _ in pairs:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.report(key_node, f"unknown key '{key}' in {what}; {hint}")


def shown(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{node.value}'" if node.value else "an empty value"


def describe(node: yaml.Node) -> str:
    """Why a node is not text, with the fix."""
    if not isinstance(node, yaml.ScalarNode):
        return f"found {shown(node)}"
    kind = node.tag.removeprefix(TAG)
    if kind == "null":
        return "it is empty"
    if kind in KINDS:
        value = yaml.safe_load(node.value)
        read = f" ({value!r})" if str(value) != node.value else ""
        return f"YAML 1.1 reads {node.value} as {KINDS[kind]}{read}; quote it: \"{node.value}\""
    return f"YAML reads it as {kind}; quote it"
