"""Stage 5: where and what. Sets ``place`` (country, town or region, coordinates, the words that
decided), ``event`` (ACLED type) and ``casualties`` on every post; never drops one. A value the
post already has (a source that knows its place or event) is kept; the stage fills the rest.

The gazetteer (vendored, ``bot/data/gazetteer.tsv.gz``) is loaded once per process; the event
rules come from ``events.yaml`` in the watchlists directory (else the shipped one). Both travel
as one read-only :class:`Enrichment` in ``context.extras["enrichment"]``, or, in a running bot,
an :class:`EnrichmentHolder` that reloads ``events.yaml`` within seconds of a valid edit
(a broken one keeps the last good rules; ``file:line:column`` problems go to the log and the
admin chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings, default_watchlists, watchlists_dir
from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.events import EventClassifier
from bot.pipeline.gazetteer import Gazetteer, default_gazetteer
from bot.pipeline.places import resolve
from bot.text import Folded
from bot.watchlist.event_rules import EVENTS_FILE, load_events
from bot.watchlist.filewatch import FileHolder


@dataclass(frozen=True)
class Enrichment:
    """What the stage reads: the gazetteer and the event rules (immutable, shared)."""

    gazetteer: Gazetteer
    events: EventClassifier


class EnrichmentHolder(FileHolder[Enrichment]):
    """The event rules of ``events.yaml`` in ``watchlists`` (else the ``shipped`` one, as
    :func:`events_file` chooses at each load: an own file created, edited or deleted later is
    followed), with the gazetteer, reloaded when the file changes."""

    what = "event rules"
    stays = "stay"

    def __init__(self, watchlists: Path, shipped: Path, gazetteer: Gazetteer) -> None:
        self.watchlists, self.shipped, self.gazetteer = watchlists, shipped, gazetteer
        super().__init__(watchlists / EVENTS_FILE)

    def _load(self) -> Enrichment:
        return Enrichment(self.gazetteer, EventClassifier(load_events(events_file(self.watchlists, self.shipped))))

    @property
    def enrichment(self) -> Enrichment:
        return self.get()


def current_enrichment(context: Context) -> Enrichment:
    """``context.extras["enrichment"]``: an :class:`Enrichment` or a holder with ``.enrichment``."""
    found = context.extras["enrichment"]
    return found if isinstance(found, Enrichment) else found.enrichment


def enrich(post: Post, context: Context) -> Post:
    enrichment = current_enrichment(context)
    folded = Folded(post.text)  # the matching copy, shared by both
    place = post.place or resolve(enrichment.gazetteer, post.text, folded)  # a source's own value wins
    event, casualties = enrichment.events.classify(post.text, folded)
    event, casualties = post.event or event, post.casualties if post.casualties else casualties
    if place == post.place and event == post.event and casualties == post.casualties:
        return post
    return post.with_(place=place, event=event, casualties=casualties)


def events_file(watchlists: Path, shipped: Path) -> Path:
    """``events.yaml`` of the admin's watchlists directory, else the shipped one."""
    own = watchlists / EVENTS_FILE
    return own if own.is_file() else shipped / EVENTS_FILE


def load_enrichment(settings: Settings) -> Enrichment:
    """The stage's shared objects for ``settings`` (raises ``WatchlistError`` for a bad events.yaml)."""
    return enrichment_holder(settings).enrichment


def enrichment_holder(settings: Settings) -> EnrichmentHolder:
    """The reloading holder for ``settings`` (raises ``WatchlistError`` for a bad events.yaml)."""
    return EnrichmentHolder(watchlists_dir(settings), default_watchlists(), default_gazetteer())
