"""What analysts read: an immediate alert for one post, and digests of many.

Everything is built as :class:`~bot.alerts.rich.Rich` so limits are measured on the plain
text Telegram counts. Matched terms are bold, found by each Match's ``start``/``end`` on the
ORIGINAL post text; a long post is cut at a word boundary with "…" (the link stays).

Every piece is bounded (:class:`~bot.alerts.limits.AlertLimits`): topics, byline, at most
``media_links`` media links then a count ("+290 more photos"), no link to a URL over
``url_chars``, at most ``bold_spans`` bold terms; :func:`~bot.alerts.rich.fit` guards the whole.
:func:`minimal_alert` is the last resort when Telegram refuses everything richer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from bot.alerts.limits import DEFAULT_LIMITS, TEXT_LIMIT, AlertLimits
from bot.alerts.reports import Reports, reports_line, update_line
from bot.alerts.rich import ELLIPSIS, Rich, bold, cut_point, fit, fits, italic, join, link, linkable, text
from bot.models import Match, Media, Post
from bot.watchlist.schema import default_label

MARKERS = {"urgent": "🔴 URGENT", "routine": "🔵"}
SNIPPET = 200
TOPICS_SHOWN = 120  # characters of the topic list in a header


def merged_spans(matches: Iterable[Match], end: int,
                 most: int = DEFAULT_LIMITS.bold_spans) -> list[tuple[int, int]]:
    """The first ``most`` match spans clipped to ``[0, end)``, overlapping or touching ones merged."""
    spans = sorted((max(0, m.start), min(end, m.end)) for m in matches if m.start < min(end, m.end))
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged[:most]


def highlighted(value: str, matches: Iterable[Match], end: int | None = None,
                most: int = DEFAULT_LIMITS.bold_spans) -> Rich:
    """``value[:end]`` escaped, with the first ``most`` matched spans in bold."""
    end = len(value) if end is None else end
    out, pos = Rich(), 0
    for start, stop in merged_spans(matches, end, most):
        out = out + text(value[pos:start]) + bold(value[start:stop])
        pos = stop
    return out + text(value[pos:end])


Labels = Mapping[str, str | None]
NO_LABELS: Labels = {}


def shown_topics(topics: Iterable[str], labels: Labels = NO_LABELS) -> list[str]:
    """What readers see for ``topics``: each one's label (default: the name title-cased),
    internal topics (label ``None``) left out, each once."""
    shown = (labels.get(t, default_label(t)) for t in topics)
    return list(dict.fromkeys(s for s in shown if s))


def header(post: Post, labels: Labels = NO_LABELS) -> Rich:
    marker = MARKERS.get(post.severity or "routine", MARKERS["routine"])
    topics = ", ".join(shown_topics(post.topics, labels))
    if len(topics) > TOPICS_SHOWN:
        topics = topics[:cut_point(topics, TOPICS_SHOWN)] + ELLIPSIS
    return bold(marker) + text(" · " + topics if topics else "")


COUNTRIES = {"ML": "Mali", "BF": "Burkina Faso", "NE": "Niger", "NG": "Nigeria", "TD": "Chad", "MR": "Mauritania",
             "SN": "Senegal", "GN": "Guinea", "CI": "Côte d'Ivoire", "GH": "Ghana", "TG": "Togo", "BJ": "Benin",
             "CM": "Cameroon", "DZ": "Algeria", "LY": "Libya"}
NO_COUNTRY = "Place not known"


def country_name(post: Post) -> str:
    return COUNTRIES.get(post.place.country, post.place.country) if post.place else NO_COUNTRY


EVENT_LABELS = {"battle": "battle", "remote_violence": "explosion/remote violence",
                "violence_against_civilians": "violence against civilians", "protest": "protest",
                "riot": "riot", "strategic": "strategic development"}


def where_what(post: Post) -> Rich:
    """``📍 Boulkessi (Mopti), ML · battle · 12 killed, 3 wounded``; empty when nothing is known."""
    parts = []
    if post.place is not None:
        region = f" ({post.place.admin1})" if post.place.admin1 and post.place.admin1 != post.place.name else ""
        parts.append(f"📍 {post.place.name[:60]}{region[:60]}, {post.place.country}")
    if post.event:
        parts.append(EVENT_LABELS.get(post.event, post.event))
    numbers = [f"{n} {what}" for n, what in ((post.casualties.killed, "killed"), (post.casualties.wounded,
               "wounded"), (post.casualties.kidnapped, "kidnapped")) if n is not None]
    if numbers:
        parts.append(", ".join(numbers))
    return text(" · ".join(parts))


def byline(post: Post) -> Rich:
    who = post.author_name[:64] or "?"
    if post.author_handle:
        who += f" (@{post.author_handle[:32]})"
    places = ", ".join(post.places)[:80]
    parts = [who, post.lang or "und", places, f"{post.created_at:%Y-%m-%d %H:%M} UTC"]
    return text("— " + " · ".join(p for p in parts if p))


def footer(post: Post, similar: int | Reports, limits: AlertLimits = DEFAULT_LIMITS) -> Rich:
    """Byline, link, then "+N similar" (a count) or "+3 reports: fr, ar, ha" (a story's reports)."""
    out = link("Open post", post.url, limits.url_chars) if post.url else Rich()
    if isinstance(similar, Reports):
        out = join([out, reports_line(similar, limits)], " · ")
    elif similar > 0:
        out = join([out, text(f"+{similar} similar")], " · ")
    return join([byline(post), out])


def media_count(media: Sequence[Media]) -> Rich:
    """``+290 more photos`` (``+N more media`` when kinds are mixed); empty for none."""
    kinds = {m.kind for m in media}
    if not media:
        return Rich()
    noun = f"{next(iter(kinds))}s" if len(kinds) == 1 else "media"
    return text(f"+{len(media)} more {noun}")


def media_links(media: Sequence[Media], first_number: int = 1, limits: AlertLimits = DEFAULT_LIMITS) -> Rich:
    """``Media: 1 · 2 · 3 · +N more photos``: links for the first ``media_links`` media (URLs
    over the cap shown as a bare number), a count for the rest."""
    if not media:
        return Rich()
    shown = media[:limits.media_links]
    links = [link(str(n), m.url, limits.url_chars) for n, m in enumerate(shown, start=first_number)]
    return text("Media: ") + join([*links, media_count(media[len(shown):])], " · ")


def render_alert(post: Post, similar: int | Reports = 0, limit: int = TEXT_LIMIT, extra: Rich | None = None,
                 limits: AlertLimits = DEFAULT_LIMITS, labels: Labels = NO_LABELS) -> Rich:
    """The alert for ``post`` within ``limit`` code points (``extra``: e.g. media links)."""
    update = update_line(similar) if isinstance(similar, Reports) else Rich()
    top = join([header(post, labels), where_what(post), update])
    bottom = join([footer(post, similar, limits), extra or Rich()])
    budget = max(0, limit - len(top) - len(bottom) - 2)
    end = cut_point(post.text, budget)
    body = highlighted(post.text, post.matches, end, limits.bold_spans)
    if end < len(post.text):
        body = body + text(ELLIPSIS)
    return fit(join([top, body, bottom]), limit, limits.raw_bytes)


def minimal_alert(post: Post, limits: AlertLimits = DEFAULT_LIMITS, labels: Labels = NO_LABELS) -> Rich:
    """The last resort, as plain text: severity and topics, where it comes from, the link."""
    who = f"@{post.author_handle[:32]}" if post.author_handle else post.author_name[:64]
    source = text(f"{post.platform} post" + (f" by {who}" if who else ""))
    url = text(post.url if linkable(post.url, limits.url_chars) else "(link omitted: not http or too long)"
               if post.url else "")
    return fit(join([header(post, labels), source, url]), limits.text, limits.raw_bytes)


def story_line(post: Post, similar: int) -> Rich:
    """One digest line: time, author, snippet (matches bold), link, "+N similar"."""
    end = cut_point(post.text, SNIPPET)
    snippet = highlighted(post.text.replace("\n", " "), post.matches, end)
    if end < len(post.text):
        snippet = snippet + text(ELLIPSIS)
    who = f"@{post.author_handle[:32]}" if post.author_handle else post.author_name[:64] or "?"
    marker = "📷 " if post.media else ""
    line = text(f"• {post.created_at:%H:%M} {marker}{who}: ") + snippet
    tail = [link("link", post.url) if post.url else Rich(), text(f"+{similar} similar") if similar else Rich()]
    return join([line, *tail], " · ")


def digest_title(start: datetime, end: datetime, count: int) -> Rich:
    return bold(f"🗞 Digest {start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC") + text(f" · {plural(count, 'post')}")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def counts_line(label: str, counts: dict[str, int]) -> Rich:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return text(f"{label}: " + " · ".join(f"{k} {v}" for k, v in ordered))


def pack(lines: Sequence[Rich], continued: Rich, limit: int = TEXT_LIMIT,
         raw_bytes: int = DEFAULT_LIMITS.raw_bytes) -> list[Rich]:
    """Lines packed into messages within ``limit`` code points and ``raw_bytes``; HTML is never
    cut (a line too long even alone is :func:`~bot.alerts.rich.fit` first)."""
    messages: list[Rich] = []
    current = Rich()
    room = limit - len(continued) - 1
    for line in lines:
        line = fit(line, room, raw_bytes - len(continued.html.encode()) - 1)
        candidate = join([current, line])
        if current.plain and not fits(candidate, limit, raw_bytes):
            messages.append(current)
            candidate = join([continued, line])
        current = candidate
    return [*messages, current] if current.plain else messages


def continued_title(start: datetime, end: datetime) -> Rich:
    return italic(f"Digest {start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC, continued")
