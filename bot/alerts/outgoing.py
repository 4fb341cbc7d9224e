"""One outbox row rendered for any transport, with the forms the sender steps down through.

An :class:`Outgoing` is a text message, a photo or video with a caption, an album (2–10
items, the caption on the first), or an edit of an earlier alert. It carries the fallbacks
the sender steps down to when a destination refuses the content (:func:`rungs`): the text with
the media as links (a media URL refused, a caption too long), the same as plain text (entities
refused), then a minimal plain alert (topic, source, link). Sizes follow Telegram's limits
(:mod:`bot.alerts.limits`), the strictest destination. Transports turn it into calls
(:mod:`bot.alerts.telegram`, :mod:`bot.alerts.webhook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.alerts.format import NO_LABELS, Labels, media_count, media_links, minimal_alert, render_alert
from bot.alerts.limits import ALBUM_MAX, DEFAULT_LIMITS, AlertLimits
from bot.alerts.reports import Reports
from bot.alerts.rich import Rich, linkable
from bot.models import Media, Post

Content = Literal["media", "text", "minimal"]
Simpler = Literal["plain", "links", "shorter"]
"""What a refusal says may help: no markup, media as links instead of embedded, less text."""


@dataclass(frozen=True)
class Outgoing:
    channel: str
    rich: Rich
    media: tuple[Media, ...] = ()
    fallback: Rich | None = None
    edit_ref: str | None = None
    """The destination's reference of the alert this edits (``outbox.message_ref``); None: a new message."""
    minimal: Rich | None = None
    edit_caption: bool = False
    """The edit is of a photo/video/album caption (``rich`` is the caption)."""
    links: tuple[str, ...] = ()
    """The links a reader follows (the original post), for transports that list them apart."""

    @property
    def count(self) -> int:
        """Messages this will put in the chat (an album counts each item)."""
        return max(1, len(self.media)) if self.edit_ref is None else 1


@dataclass(frozen=True)
class Rung:
    """One way to send an :class:`Outgoing`: which content, with or without parse_mode."""

    content: Content
    plain: bool = False

    def __str__(self) -> str:
        return f"{self.content} ({'plain' if self.plain else 'HTML'})"


def rungs(out: Outgoing) -> list[Rung]:
    """The ladder the sender walks down, richest first."""
    ladder = [Rung("media"), Rung("media", plain=True)] if out.media and out.edit_ref is None else []
    ladder += [Rung("text"), Rung("text", plain=True)]
    return [*ladder, Rung("minimal", plain=True)] if out.minimal is not None else ladder


def next_rung(ladder: list[Rung], current: Rung, simpler: Simpler | None) -> Rung | None:
    """Where to go after a refusal at ``current`` that says ``simpler`` may help; None when
    nothing but giving up is left."""
    wanted = {"plain": lambda r: r.plain, "links": lambda r: r.content != "media",
              "shorter": lambda r: True}.get(simpler or "")  # plain is shorter too: raw bytes count
    rest = ladder[ladder.index(current) + 1:]
    return next((r for r in rest if wanted(r)), None) if wanted else None


def alert(channel: str, post: Post, similar: int | Reports, limits: AlertLimits = DEFAULT_LIMITS,
          labels: Labels = NO_LABELS) -> Outgoing:
    """The alert for ``post``: text, or media with a caption, with their fallbacks.

    Media whose URL Telegram cannot be given (not http(s), over ``limits.url_chars``) are not
    embedded; beyond an album's 10 they are listed as links, then counted."""
    minimal = minimal_alert(post, limits, labels)
    links = (post.url,) if post.url and linkable(post.url, limits.url_chars) else ()
    usable = [m for m in post.media if linkable(m.url, limits.url_chars)]
    dropped = [m for m in post.media if not linkable(m.url, limits.url_chars)]
    if not usable:
        extra = media_count(dropped)
        return Outgoing(channel, render_alert(post, similar, limits.text, extra, limits, labels), minimal=minimal,
                        links=links)
    embedded, rest = usable[:ALBUM_MAX], [*usable[ALBUM_MAX:], *dropped]
    caption = render_alert(post, similar, limits.caption, media_links(rest, ALBUM_MAX + 1, limits), limits,
                           labels)
    fallback = render_alert(post, similar, limits.text, media_links([*usable, *dropped], 1, limits), limits,
                            labels)
    return Outgoing(channel, caption, tuple(embedded), fallback, minimal=minimal, links=links)


def content(out: Outgoing, rung: Rung) -> Rich:
    if rung.content == "minimal" and out.minimal is not None:
        return out.minimal
    if rung.content == "text" and out.fallback is not None:
        return out.fallback
    return out.rich
