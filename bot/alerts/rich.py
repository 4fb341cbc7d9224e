"""Telegram HTML built together with the plain text a reader will see, so length is exact.

Telegram measures its limits (4096 for text, 1024 for captions) in code points of the text
*after* entity parsing. A :class:`Rich` keeps both forms of every piece: ``plain`` (what the
chat shows) and ``html`` (escaped, with our tags). Measure and cut on ``plain``; send ``html``.
Every interpolated value goes through :func:`html.escape`; only this module emits tags.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import strip_bidi

ELLIPSIS = "…"


@dataclass(frozen=True)
class Rich:
    plain: str = ""
    html: str = ""

    def __add__(self, other: Rich) -> Rich:
        return Rich(self.plain + other.plain, self.html + other.html)

    def __len__(self) -> int:
        return len(self.plain)


def text(value: str) -> Rich:
    """Untrusted text, escaped; bidi controls removed so a snippet cannot reorder what follows."""
    value = strip_bidi(value)
    return Rich(value, html.escape(value, quote=True))


def bold(value: str) -> Rich:
    inner = text(value)
    return Rich(inner.plain, f"<b>{inner.html}</b>") if inner.plain else inner


def italic(value: str) -> Rich:
    inner = text(value)
    return Rich(inner.plain, f"<i>{inner.html}</i>") if inner.plain else inner


def link(label: str, url: str) -> Rich:
    """A link when ``url`` is http(s); otherwise just the label (Telegram drops odd hrefs)."""
    inner = text(label)
    if not url.lower().startswith(("http://", "https://")) or not inner.plain:
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
