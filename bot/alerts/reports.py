"""The story part of an alert: "+3 reports: fr, ar, ha" (each language linked to its report)
and, for a story's second alert, why it was sent again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.alerts.limits import DEFAULT_LIMITS, AlertLimits
from bot.alerts.rich import Rich, bold, join, link, text

if TYPE_CHECKING:  # the pipeline package imports numpy: rendering and checking config never need it
    from bot.pipeline.story_index import Report


@dataclass(frozen=True)
class Reports:
    """Other posts of the alerted post's story, oldest first, and the update reason if any."""

    items: tuple[Report, ...] = ()
    update: str | None = None

    def __len__(self) -> int:
        return len(self.items)


def reports_line(reports: Reports, limits: AlertLimits = DEFAULT_LIMITS) -> Rich:
    """``+3 reports: fr, ar, ha`` with each language code linked to its report (at most
    ``limits.media_links`` links, then ``+N more``); empty without reports."""
    if not reports.items:
        return Rich()
    shown = reports.items[:limits.media_links]
    links = [link(r.lang, r.url, limits.url_chars) for r in shown]
    more = len(reports.items) - len(shown)
    noun = "report" if len(reports.items) == 1 else "reports"
    return text(f"+{len(reports.items)} {noun}: ") + join([*links, text(f"+{more} more") if more else Rich()], ", ")


def update_line(reports: Reports) -> Rich:
    return bold("Update: ") + text(reports.update) if reports.update else Rich()
