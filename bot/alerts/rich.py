"""Telegram HTML built together with the plain text a reader will see, so length is exact.

Telegram measures its limits (4096 for text, 1024 for captions) in code points of the text
*after* entity parsing. A :class:`Rich` keeps both forms of every piece: ``plain`` (what the
chat shows) and ``html`` (escaped, with our tags). Measure and cut on ``plain``; send ``html``.
Every interpolated value goes through :func:`html.escape`; only this module emits tags.
Lone surrogates (not encodable as UTF-8, so unsendable) become U+FFFD; :func:`fit` is the last
guard: whatever does not fit is sent as cut plain text, never cut HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from bot.alerts.limits import DEFAULT_LIMITS
from bot.text import strip_bidi

ELLIPSIS = "…"
URL_CHARS = DEFAULT_LIMITS.url_chars


@dataclass(frozen=True)
class Rich:
    plain: str = ""
    html: str = ""

    def __add__(self, other: Rich) -> Rich:
        return Rich(self.plain + other.plain, self.html + other.html)

    def __len__(self) -> int:
        return len(self.plain)


def sendable(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD (they cannot be encoded as UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    return value


def text(value: str) -> Rich:
    """Untrusted text, escaped; bidi controls removed so a snippet cannot reorder what follows."""
    value = strip_bidi(sendable(value))
    return Rich(value, html.escape(value, quote=True))


def bold(value: str) -> Rich:
    inner = text(value)
    return Rich(inner.plain, f"<b>{inner.html}</b>") if inner.plain else inner


def italic(value: str) -> Rich:
    inner = text(value)
    return Rich(inner.plain, f"<i>{inner.html}</i>") if inner.plain else inner


def linkable(url: str, max_chars: int = URL_CHARS) -> bool:
    """An http(s) URL of at most ``max_chars`` characters, without spaces or control characters."""
    return (0 < len(url) <= max_chars and url.lower().startswith(("http://", "https://"))
            and url.isprintable() and not any(ch.isspace() for ch in url) and sendable(url) == url)


def link(label: str, url: str, max_url: int = URL_CHARS) -> Rich:
    """A link when ``url`` is :func:`linkable`; otherwise just the label (Telegram drops odd hrefs)."""
    inner = text(label)
    if not linkable(url, max_url) or not inner.plain:
        return inner
    return Rich(inner.plain, f'<a href="{html.escape(url, quote=True)}">{inner.html}</a>')


def join(parts: Iterable[Rich], separator: str = "\n") -> Rich:
    out = Rich()
    sep = text(separator)
    for i, part in enumerate(p for p in parts if p.plain):
        out = out + sep + part if i else part
    return out


def cut_point(value: str, budget: int) -> int:
    """Where to cut ``value`` so that it plus an ellipsis fits ``budget`` code points.

    Cuts at the last whitespace within the budget when one is in its second half, else hard.
    Returns ``len(value)`` when no cut is needed.
    """
    if len(value) <= budget:
        return len(value)
    room = max(0, budget - len(ELLIPSIS))
    space = max(value.rfind(" ", 0, room + 1), value.rfind("\n", 0, room + 1))
    return space if space > room // 2 else room


def fits(rich: Rich, limit: int, raw_bytes: int = DEFAULT_LIMITS.raw_bytes) -> bool:
    """Within ``limit`` code points as shown, and ``raw_bytes`` as sent (Telegram checks both)."""
    return len(rich.plain) <= limit and len(rich.html.encode("utf-8")) <= raw_bytes


def fit(rich: Rich, limit: int, raw_bytes: int = DEFAULT_LIMITS.raw_bytes) -> Rich:
    """``rich`` when it fits; else its plain text cut to fit, without markup (always valid).

    4,096 code points escape to at most 6 bytes each (``&quot;``): under the 32,768-byte cap.
    """
    if fits(rich, limit, raw_bytes):
        return rich
    end = cut_point(rich.plain, limit)
    return text(rich.plain[:end] + (ELLIPSIS if end < len(rich.plain) else ""))
