"""Stage 5: where and what. Sets ``place`` (country, town or region, coordinates, the words that
decided), ``event`` (ACLED type) and ``casualties`` on every post; never drops one.

The gazetteer (vendored, ``bot/data/gazetteer.tsv.gz``) is loaded once per process; the event
rules come from ``events.yaml`` in the watchlists directory (else the shipped one), read when
the pipeline is built. Both are shared read-only objects in ``context.extras``.
"""

from __future__ import annotations

from pathlib import Path

from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.events import EventClassifier
from bot.pipeline.gazetteer import Gazetteer, default_gazetteer
from bot.pipeline.places import resolve
from bot.text import Folded
from bot.watchlist.event_rules import EVENTS_FILE, load_events


def enrich(post: Post, context: Context) -> Post:
    gazetteer: Gazetteer = context.extras["gazetteer"]
    classifier: EventClassifier = context.extras["events"]
    folded = Folded(post.text)  # the matching copy, shared by both
    place = resolve(gazetteer, post.text, folded)
    event, casualties = classifier.classify(post.text, folded)
    if place == post.place and event == post.event and casualties == post.casualties:
        return post
    return post.with_(place=place, event=event, casualties=casualties)


def events_file(watchlists: Path, shipped: Path) -> Path:
    """``events.yaml`` of the admin's watchlists directory, else the shipped one."""
    own = watchlists / EVENTS_FILE
    return own if own.is_file() else shipped / EVENTS_FILE


def enrich_extras(watchlists: Path, shipped: Path) -> dict[str, object]:
    """The shared objects the stage reads (raises ``WatchlistError`` for a bad events.yaml)."""
    return {"gazetteer": default_gazetteer(),
            "events": EventClassifier(load_events(events_file(watchlists, shipped)))}
