"""HTML to plain text for sources (feed entries, Telegram channel previews, Mastodon statuses).

Parsed with selectolax (lexbor), never with regexes: ``<br>`` and block elements (paragraphs,
list items, headings, quotes, table rows) become line breaks, other whitespace collapses as a
browser would, scripts and styles are dropped, and a link whose text is not its address is
expanded as ``text (https://…)`` (http(s) addresses only; relative ones resolved against
``base_url``). Entities are decoded by the parser. Nothing recurses, and input past
:data:`MAX_TAGS` tags is cut first, so hostile nesting costs at most ~0.1 s.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

BREAK = "\ue000"  # a private-use character marks wanted line breaks while whitespace collapses
BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol",
          "table", "section", "article", "header", "footer", "figure", "figcaption", "dt", "dd", "hr")
SPACES = re.compile(r"\s+")
BREAKS = re.compile(rf" ?{BREAK}[{BREAK} ]*")
MAX_TAGS = 5000
"""HTML past this many tags is cut before parsing: the parser's time grows with the square of the
nesting depth (20,000 nested divs take ~2 s), and no real entry or message has that many."""


def html_to_text(html: str, base_url: str | None = None) -> str:
    """The visible text of ``html`` with line breaks kept and links expanded."""
    if "<" not in html and "&" not in html:
        return _tidy(html.replace("\n", BREAK))
    tree = LexborHTMLParser(_head(html))
    root = tree.body or tree.root
    if root is None:
        return ""
    for node in root.css("script, style, template, noscript"):
        node.decompose()
    for link in root.css("a[href]"):
        _expand(link, base_url)
    for node in root.css("br"):
        node.insert_after(BREAK)
    for node in root.css(", ".join(BLOCKS)):
        node.insert_before(BREAK)
        node.insert_after(BREAK)
    return _tidy(root.text(deep=True))


def _head(html: str) -> str:
    at = -1
    for _ in range(MAX_TAGS):
        at = html.find("<", at + 1)
        if at < 0:
            return html
    return html[:at]


def _expand(link: object, base_url: str | None) -> None:
    href = (link.attributes.get("href") or "").strip()  # type: ignore[attr-defined]
    url = urljoin(base_url, href) if base_url else href
    if urlsplit(url).scheme not in ("http", "https"):
        return
    shown = " ".join(link.text(deep=True).split())  # type: ignore[attr-defined]
    if shown and shown.rstrip("/") != url.rstrip("/") and shown not in url:
        link.insert_after(f" ({url})")  # type: ignore[attr-defined]


def _tidy(text: str) -> str:
    """Whitespace runs become one space, runs of wanted breaks one line break."""
    return BREAKS.sub("\n", SPACES.sub(" ", text)).strip()
