"""What analysts read: an immediate alert for one post, and digests of many.

Everything is built as :class:`~bot.alerts.rich.Rich` so limits are measured on the plain
text Telegram counts. Matched terms are bold, found by each Match's ``start``/``end`` on the
ORIGINAL post text; a long post is cut at a word boundary with "…" (the link stays).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from telegram.constants import MessageLimit

from bot.alerts.rich import ELLIPSIS, Rich, bold, cut_point, italic, join, link, text
from bot.models import Match, Media, Post

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)
MARKERS = {"urgent": "🔴 URGENT", "routine": "🔵"}
SNIPPET = 200


def merged_spans(matches: Iterable[Match], end: int) -> list[tuple[int, int]]:
    """Match spans clipped to ``[0, end)``, overlapping or touching ones merged, in order."""
    spans = sorted((max(0, m.start), min(end, m.end)) for m in matches if m.start < min(end, m.end))
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def highlighted(value: str, matches: Iterable[Match], end: int | None = None) -> Rich:
    """``value[:end]`` escaped, with every matched span in bold."""
    end = len(value) if end is None else end
    out, pos = Rich(), 0
    for start, stop in merged_spans(matches, end):
        out = out + text(value[pos:start]) + bold(value[start:stop])
        pos = stop
    return out + text(value[pos:end])


def header(post: Post) -> Rich:
    marker = MARKERS.get(post.severity or "routine", MARKERS["routine"])
    return bold(marker) + text(" · " + ", ".join(post.topics) if post.topics else "")


def byline(post: Post) -> Rich:
    who = post.author_name[:64] or "?"
    if post.author_handle:
        who += f" (@{post.author_handle[:32]})"
    places = ", ".join(post.places)[:80]
    parts = [who, post.lang or "und", places, f"{post.created_at:%Y-%m-%d %H:%M} UTC"]
    return text("— " + " · ".join(p for p in parts if p))


def footer(post: Post, similar: int) -> Rich:
    out = link("Open post", post.url) if post.url else Rich()
    if similar > 0:
        out = join([out, text(f"+{similar} similar")], " · ")
    return join([byline(post), out])


def media_links(media: Sequence[Media], first_number: int = 1) -> Rich:
    """``Media: 1 · 2 · 3`` as links, for media Telegram would not take or beyond an album's 10."""
    if not media:
        return Rich()
    links = [link(str(n), m.url) for n, m in enumerate(media, start=first_number)]
    return text("Media: ") + join(links, " · ")


def render_alert(post: Post, similar: int = 0, limit: int = TEXT_LIMIT, extra: Rich | None = None) -> Rich:
    """The alert for ``post`` within ``limit`` code points (``extra``: e.g. media links)."""
    top, bottom = header(post), join([footer(post, similar), extra or Rich()])
    budget = max(0, limit - len(top) - len(bottom) - 2)
    end = cut_point(post.text, budget)
    body = highlighted(post.text, post.matches, end)
    if end < len(post.text):
        body = body + text(ELLIPSIS)
    return join([top, body, bottom])


def story_line(post: Post, similar: int) -> Rich:
    """One digest line: time, author, snippet (matches bold), link, "+N similar"."""
    end = cut_point(post.text, SNIPPET)
    snippet = highlighted(post.text.replace("\n", " "), post.matches, end)
    if end < len(post.text):
        snippet = snippet + text(ELLIPSIS)
    who = f"@{post.author_handle}" if post.author_handle else post.author_name or "?"
    line = text(f"• {post.created_at:%H:%M} {who}: ") + snippet
    tail = [link("link", post.url) if post.url else Rich(), text(f"+{similar} similar") if similar else Rich()]
    return join([line, *tail], " · ")


def digest_title(start: datetime, end: datetime, count: int) -> Rich:
    return bold(f"🗞 Digest {start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC") + text(f" · {count} posts")


def counts_line(label: str, counts: dict[str, int]) -> Rich:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return text(f"{label}: " + " · ".join(f"{k} {v}" for k, v in ordered))


def pack(lines: Sequence[Rich], continued: Rich, limit: int = TEXT_LIMIT) -> list[Rich]:
    """Lines packed into messages of at most ``limit`` code points; HTML is never cut."""
    messages: list[Rich] = []
    current = Rich()
    for line in lines:
        candidate = join([current, line])
        if current.plain and len(candidate) > limit:
            messages.append(current)
            candidate = join([continued, line])
        current = candidate
    return [*messages, current] if current.plain else messages


def continued_title(start: datetime, end: datetime) -> Rich:
    return italic(f"Digest {start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC, continued")
