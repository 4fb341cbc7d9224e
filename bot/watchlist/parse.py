"""One watchlist file's node tree → topics and accounts (structure and types only).

Term-level checks that need the matching rules (a term that folds to nothing, over-matching
words) live in :mod:`bot.watchlist.lint`; checks across files live in :mod:`bot.watchlist.load`.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from bot.watchlist.nodes import Reader
from bot.watchlist.schema import PLATFORMS, SEVERITIES, Account, Role, Term, Topic

TOP_KEYS = ("topics", "accounts", "more_terms")
TOPIC_KEYS = ("description", "label", "internal", "severity", "terms", "require", "exclude")
TERM_KEYS = ("term", "case_sensitive", "arabic_article")
ROLES: tuple[Role, ...] = ("terms", "require", "exclude")
TOPIC_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")


def parse_file(reader: Reader, root: yaml.Node | None) -> tuple[list[Topic], list[Account]]:
    if root is None:
        return [], []
    pairs = reader.mapping(root, "the file")
    if pairs is None:
        return [], []
    reader.unknown_keys(pairs, TOP_KEYS, "the file")
    topics: list[Topic] = []
    accounts: list[Account] = []
    extensions: list[Topic] = []
    for key, _, value in pairs:
        if key == "topics":
            topics = _topics(reader, value)
        elif key == "accounts":
            accounts = _accounts(reader, value)
        elif key == "more_terms":
            extensions = _more_terms(reader, value)
    return topics + extensions, accounts


def _more_terms(reader: Reader, node: yaml.Node) -> list[Topic]:
    """``more_terms: {topic: [term, ...]}``: terms for topics defined in other files."""
    return [Topic(name=name, mark=reader.mark(key_node), terms=_terms(reader, value, f"more_terms of '{name}'"),
                  extends=True)
            for name, key_node, value in reader.mapping(node, "more_terms") or []]


def _topics(reader: Reader, node: yaml.Node) -> list[Topic]:
    topics = []
    for name, key_node, value in reader.mapping(node, "topics") or []:
        if not TOPIC_NAME.fullmatch(name):
            reader.report(key_node, f"topic name '{name}' may use only a-z, 0-9, '_' and '-'")
        topic = _topic(reader, name, key_node, value)
        if topic is not None:
            topics.append(topic)
    return topics


def _topic(reader: Reader, name: str, key_node: yaml.Node, node: yaml.Node) -> Topic | None:
    pairs = reader.mapping(node, f"topic '{name}'")
    if pairs is None:
        return None
    reader.unknown_keys(pairs, TOPIC_KEYS, f"topic '{name}'")
    fields: dict[str, object] = {}
    for key, _, value in pairs:
        if key in ROLES:
            fields[key] = _terms(reader, value, f"'{key}' of topic '{name}'", key == "exclude")
        elif key in ("description", "label"):
            fields[key] = (reader.string(value, key) or "").strip()
        elif key == "internal":
            fields[key] = bool(reader.boolean(value, "internal"))
        elif key == "severity":
            fields[key] = _severity(reader, value)
    topic = Topic(name=name, mark=reader.mark(key_node), **fields)  # type: ignore[arg-type]
    if "terms" not in fields:  # given but invalid terms were reported already
        _no_terms(reader, topic, key_node)
    return topic


def _severity(reader: Reader, node: yaml.Node) -> str:
    value = reader.string(node, "severity")
    if value is not None and value not in SEVERITIES:
        reader.report(node, f"severity must be one of {', '.join(SEVERITIES)}, found '{value}'")
    return value if value in SEVERITIES else "routine"


def _no_terms(reader: Reader, topic: Topic, key_node: yaml.Node) -> None:
    reader.report(key_node, f"topic '{topic.name}' has no terms, so it can never match")
    for role in ("require", "exclude"):
        if topic.role(role):
            reader.report(key_node, f"'{role}' on topic '{topic.name}' which has no terms")


def _terms(reader: Reader, node: yaml.Node, what: str, exclude: bool = False) -> tuple[Term, ...]:
    """The terms of one role. An ``exclude`` term keeps its Arabic article forms unless told
    otherwise (the short-word guard narrows what fires; an exclude must not narrow)."""
    items = reader.sequence(node, what)
    if items is not None and not items:
        reader.report(node, f"{what} is an empty list")
    terms = (t for t in (_term(reader, item) for item in items or []) if t is not None)
    return tuple(replace(t, arabic_article=True) if exclude and t.arabic_article is None else t for t in terms)


def _term(reader: Reader, node: yaml.Node) -> Term | None:
    if not isinstance(node, yaml.MappingNode):
        text = reader.string(node, "a term")
        _joined_items(reader, node, text)
        return None if text is None else Term(text=text, mark=reader.mark(node))
    pairs = reader.mapping(node, "a term")
    if pairs is None:
        return None
    reader.unknown_keys(pairs, TERM_KEYS, "a term")
    values = {key: value for key, _, value in pairs}
    if "term" not in values:
        reader.report(node, "a term written as a mapping needs 'term: <text>'")
        return None
    text = reader.string(values["term"], "term")
    flags = {k: reader.boolean(values[k], k) for k in TERM_KEYS[1:] if k in values}
    if text is None:
        return None
    options = {k: v for k, v in flags.items() if v is not None}
    return Term(text=text, mark=reader.mark(values["term"]), **options)  # type: ignore[arg-type]


def _joined_items(reader: Reader, node: yaml.Node, text: str | None) -> None:
    """Warn about an unquoted term with " - " inside: usually a list item indented one level
    deeper than the one above it, which YAML reads as the rest of that item (one term)."""
    if text is None or " - " not in text or getattr(node, "style", None):
        return
    first, _, rest = text.partition(" - ")
    if node.end_mark.line > node.start_mark.line:
        reader.report(node, f"'{text}' is one term: the '- {rest}' line below is indented deeper than "
                            f"'- {first}', so YAML joined them; indent it like the other items (or quote the "
                            "term if the dash belongs to it)", "warning")
    else:
        reader.report(node, f"'{text}' is one term containing ' - '; if you meant two terms, put "
                            f"'- {rest}' on its own line (quote the term to keep it as one)", "warning")


def _accounts(reader: Reader, node: yaml.Node) -> list[Account]:
    accounts = []
    pairs = reader.mapping(node, "accounts") or []
    reader.unknown_keys(pairs, PLATFORMS, "accounts")
    for platform, _, value in pairs:
        for item in reader.sequence(value, f"accounts.{platform}") or []:
            handle = reader.string(item, "an account handle")
            if handle is None:
                continue
            handle = handle.removeprefix("@")
            if not HANDLE.fullmatch(handle):
                reader.report(item, f"'{handle}' is not an X handle (1-15 of A-Z, a-z, 0-9, _)")
                continue
            accounts.append(Account(platform=platform, handle=handle, mark=reader.mark(item)))
    return accounts
