"""The subset of X's rule/query language the fake understands, parsed and evaluated.

Keywords (token match, case-insensitive; ``#tag``/``@name`` match only that token), ``"exact
phrases"``, ``-`` negation, space = AND, ``OR``, ``( )``, and the operators ``from:``, ``to:``,
``lang:``, ``is:retweet|reply|quote|verified``, ``has:media|images|videos|links``. The stream
is accent-sensitive, search accent-insensitive
(https://docs.x.com/x-api/posts/filtered-stream/integrate/build-a-rule). Unknown operators, unbalanced
quotes or parentheses and clauses without a positive standalone term are errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

STANDALONE_OPS = {"from", "to", "url", "retweets_of", "place_country", "bio_location", "conversation_id"}
CONJUNCTION_OPS = {"is", "has", "lang", "sample"}
TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<neg>-)(?=[^\s)])|(?P<phrase>"[^"]*"(?:~\d)?)|(?P<word>[^\s()"]+))'
)
WORD = re.compile(r"[#@$]?\w+")

Node = tuple  # ("or"|"and", [nodes]) | ("not", node) | ("terms", tokens) | ("op", name, value)


class QueryError(ValueError):
    """The query or rule does not parse; the message is what X would put in ``details``."""


def fold(text: str, accents: bool) -> str:
    text = text.casefold()
    if accents:
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def words(text: str, accents: bool) -> list[str]:
    return WORD.findall(fold(text, accents))


def _lex(query: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        found = TOKEN.match(query, pos)
        if not found or found.end() == pos:
            raise QueryError(f"Unbalanced quotes or bad character (at position {pos + 1})")
        kind = found.lastgroup or "word"
        tokens.append((kind, found.group(kind)))
        pos = found.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("Unbalanced parentheses: unexpected ')'")
        return node

    def or_expr(self) -> Node:
        branches = [self.and_expr()]
        while self.peek() == ("word", "OR"):
            self.pos += 1
            branches.append(self.and_expr())
        return branches[0] if len(branches) == 1 else ("or", branches)

    def and_expr(self) -> Node:
        items = []
        while (token := self.peek()) is not None and token[0] != "rp" and token != ("word", "OR"):
            items.append(self.unary())
        if not items:
            raise QueryError("Empty clause: a term is missing")
        return items[0] if len(items) == 1 else ("and", items)

    def unary(self) -> Node:
        if self.peek() == ("neg", "-"):
            self.pos += 1
            return ("not", self.atom())
        return self.atom()

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("A term is missing at the end")
        kind, text = token
        self.pos += 1
        if kind == "lp":
            node = self.or_expr()
            if self.peek() != ("rp", ")"):
                raise QueryError("Unbalanced parentheses: missing ')'")
            self.pos += 1
            return node
        if kind == "phrase":
            return ("terms", text[1 : text.rindex('"')], True)
        return _word_node(text)


def _word_node(text: str) -> Node:
    name, sep, value = text.partition(":")
    if sep and name.isalpha() and not text.startswith(("http:", "https:")):
        if name not in STANDALONE_OPS | CONJUNCTION_OPS:
            raise QueryError(f"Reference to invalid operator '{name}'")
        if not value:
            raise QueryError(f"Operator '{name}' needs a value")
        return ("op", name, value)
    return ("terms", text, False)


def standalone(node: Node) -> bool:
    """True when ``node`` has a positive clause X accepts on its own (not only is:/has:/lang:)."""
    kind = node[0]
    if kind == "terms":
        return True
    if kind == "op":
        return node[1] in STANDALONE_OPS
    if kind == "not":
        return False
    if kind == "and":
        return any(standalone(child) for child in node[1])
    return all(standalone(child) for child in node[1])


def parse(query: str) -> Node:
    if not query.strip():
        raise QueryError("Rule or query is empty")
    node = _Parser(_lex(query)).parse()
    if not standalone(node):
        raise QueryError("Rules must contain a non-negation term that can stand alone (at position 1)")
    return node


def has_keywords(node: Node) -> bool:
    if node[0] == "terms":
        return True
    if node[0] in ("and", "or"):
        return any(has_keywords(child) for child in node[1])
    return node[0] == "not" and has_keywords(node[1])


@dataclass(frozen=True)
class Doc:
    """What a query sees of one Post: token lists (own text, quoted text) and attributes."""

    texts: tuple[str, ...]
    author_id: str = ""
    username: str = ""
    lang: str = ""
    flags: frozenset[str] = field(default_factory=frozenset)
    reply_to_user: str = ""


def _seq_in(needle: list[str], hay: list[str]) -> bool:
    size = len(needle)
    return size > 0 and any(hay[i : i + size] == needle for i in range(len(hay) - size + 1))


def _terms_match(text: str, phrase: bool, doc: Doc, accents: bool) -> bool:
    needle = words(text, accents)
    for source in doc.texts:
        hay = words(source, accents)
        if len(needle) == 1 and not phrase and needle[0][0] not in "#@$":
            hay = [w.lstrip("#@$") for w in hay]
        if _seq_in(needle, hay):
            return True
    return False


def _op_match(name: str, value: str, doc: Doc) -> bool:
    value = value.casefold().lstrip("@")
    if name == "from":
        return value in (doc.username.casefold(), doc.author_id)
    if name == "to":
        return value == doc.reply_to_user
    if name == "lang":
        return value == doc.lang.casefold()
    if name in ("is", "has"):
        return value in doc.flags
    return False


def matches(node: Node, doc: Doc, accents: bool) -> bool:
    kind = node[0]
    if kind == "or":
        return any(matches(child, doc, accents) for child in node[1])
    if kind == "and":
        return all(matches(child, doc, accents) for child in node[1])
    if kind == "not":
        return not matches(node[1], doc, accents)
    if kind == "terms":
        return _terms_match(node[1], node[2], doc, accents)
    return _op_match(node[1], node[2], doc)
