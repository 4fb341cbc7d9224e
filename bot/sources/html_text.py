"""HTML fragments (a Telegram message, a Mastodon status) → plain text, with selectolax.

Whitespace in the markup is collapsed as a browser would; ``<br>`` is a newline, paragraphs and
list items start new lines, links are expanded: a shortened URL shown as ``example.org/long…``
becomes its full ``href``, a text link keeps its label and shows where it points
(``label (https://…)``), hashtags, mentions and relative links keep their label. Script and
style contents are dropped. Never raises on odd markup: what cannot be read is left out.
:func:`fragment_text` parses at most :data:`MAX_TAGS` tags: the parser's time grows with the
square of the nesting depth (20,000 nested divs take ~2 s), and no real post has that many.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLANK_EDGES = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
BLOCKS = {"p": "\n\n", "div": "\n", "li": "\n", "blockquote": "\n", "ul": "\n", "ol": "\n", "pre": "\n",
          "h1": "\n", "h2": "\n", "h3": "\n", "h4": "\n", "h5": "\n", "h6": "\n", "tr": "\n"}
SKIP = {"script", "style", "template", "noscript"}
MAX_DEPTH = 200
MAX_TAGS = 5000


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (e.g. a Mastodon ``content``, a feed entry's summary)."""
    body = LexborHTMLParser(_head(html)).body
    return node_text(body) if body is not None else ""


def _head(html: str) -> str:
    """``html`` cut before its ``MAX_TAGS``-th tag."""
    at = -1
    for _ in range(MAX_TAGS):
        at = html.find("<", at + 1)
        if at < 0:
            return html
    return html[:at]


def node_text(node: LexborNode) -> str:
    """The text of ``node`` and its descendants, tidied (see the module docstring)."""
    parts: list[str] = []
    _walk(node, parts, 0)
    text = _BLANK_EDGES.sub("\n", "".join(parts))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def _walk(node: LexborNode, parts: list[str], depth: int) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(_SPACES.sub(" ", child.text_content or ""))
        elif tag == "br":
            parts.append("\n")
        elif tag in SKIP or tag == "-comment":
            continue
        elif tag == "a":
            parts.append(link_text(_flat(child), _href(child)))
        elif depth >= MAX_DEPTH:
            parts.append(_flat(child))
        else:
            gap = BLOCKS.get(tag or "", "")
            parts.append(gap)
            _walk(child, parts, depth + 1)
            parts.append(gap)


def _flat(node: LexborNode) -> str:
    return _SPACES.sub(" ", node.text(deep=True, separator="")).strip()


def _href(node: LexborNode) -> str:
    href = (node.attributes.get("href") or "").strip()
    if "onclick" in node.attributes:  # t.me escapes '&' once more in these links (RSSHub, 2024-04-20)
        href = href.replace("&amp;", "&")
    return href


def _bare(url: str) -> str:
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    return url.removeprefix("www.").rstrip("/")


def link_text(label: str, href: str) -> str:
    """What a reader should see for ``<a href=href>label</a>`` (see the module docstring)."""
    if not href.lower().startswith(("http://", "https://")):
        return label
    if not label:
        return href
    shown = _bare(label.rstrip("…").removesuffix("..."))
    if shown and _bare(href).lower().startswith(shown.lower()):
        return href
    if label.startswith(("#", "@")):
        return label
    return f"{label} ({href})"
