"""Story stage: which incident a post reports, across languages, sources and copies.

Runs last (after match and the place/event enrichment). In order, a post joins:

1. its own story when it was stored before (a re-delivery);
2. its original's story when dedupe found it a copy (``duplicate_of``: reposts, near copies);
3. the story of a post linking the same article (canonical links, :mod:`bot.pipeline.urls`);
4. the story of a post about the same incident: created within ``window`` (default 48 h) of
   it, in the same country, at the same place or a parent/child one (a town and its admin-1
   region), of the same event type (or one side without a type, at the very same place),
   with compatible numbers (killed, wounded, kidnapped: equal or within half the larger and
   at least 3, so a rising toll still fits and 12 vs 40 dead does not). An exact place beats
   a parent/child one; then the earliest story.

Otherwise the post starts its own story (its key is the post's key). A post joining a story
may make it worth a second alert (:attr:`~bot.models.StoryRef.update`): the toll crosses
10, 50 or 100 killed, or a new place is named. The store's :func:`~bot.pipeline.story_index.save_story`
hook writes the story; everything is read back from SQLite, so a restart changes nothing.
Configuration: ``SAHELWATCH_STORY_WINDOW_HOURS`` (default 48).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.models import Casualties, Post, StoryRef
from bot.pipeline import story_index as index
from bot.pipeline.base import Context, reads_store
from bot.pipeline.dedupe import database

EXTRAS_KEY = "story"
TOLL_STEPS = (10, 50, 100)


@dataclass(frozen=True)
class StorySettings:
    window: timedelta = timedelta(hours=48)

    @classmethod
    def from_settings(cls, settings: Settings) -> StorySettings:
        return cls(timedelta(hours=settings.story_window_hours))


def close(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= max(3, max(a, b) // 2)


def numbers_fit(a: Casualties, b: Casualties) -> bool:
    return close(a.killed, b.killed) and close(a.wounded, b.wounded) and close(a.kidnapped, b.kidnapped)


def place_relation(post: Post, other: index.Reported) -> int:
    """2: same place; 1: one is the other's admin-1 region; 0: unrelated."""
    place = post.place
    if place is None or other.place is None:
        return 0
    if place.name.casefold() == other.place.casefold():
        return 2
    if (other.admin1 and place.name == other.admin1) or (place.admin1 and other.place == place.admin1):
        return 1
    return 0


def relation(post: Post, other: index.Reported) -> int:
    """How well ``other`` fits ``post`` as one incident (0: not at all)."""
    level = place_relation(post, other)
    if level == 0 or not numbers_fit(post.casualties, other.casualties):
        return 0
    if post.event and other.event:
        return level if post.event == other.event else 0
    return level if level == 2 and (post.event or other.event) else 0


def same_incident(db: object, post: Post, window: timedelta) -> str | None:
    """The earliest story at the post's very place that fits, else the earliest at a parent or
    child place (a town and its admin-1 region)."""
    if post.place is None:
        return None
    for exact in (True, False):
        if not exact and not post.event:
            return None  # a parent/child place needs the same event type on both sides
        for other in index.reported_in(db, post, window, exact=exact):  # type: ignore[arg-type]
            if relation(post, other):
                return other.story
    return None


def update_reason(facts: index.StoryFacts | None, post: Post) -> str | None:
    """Why ``post`` makes its story worth alerting once more, or ``None``."""
    if facts is None:
        return None
    killed = post.casualties.killed
    if killed is not None and _step(killed) > _step(facts.killed or 0):
        was = f" (was {facts.killed})" if facts.killed is not None else ""
        return f"toll now {killed} killed{was}"
    if post.place and facts.places and post.place.name not in facts.places:
        return f"new place: {post.place.name}"
    return None


def _step(killed: int) -> int:
    return sum(killed >= step for step in TOLL_STEPS)


def find(db: object, post: Post, window: timedelta) -> str | None:
    for key in (post.key, post.duplicate_of):
        if key and (found := index.story_of(db, key)):  # type: ignore[arg-type]
            return found
    return index.story_linking(db, post.links, post.created_at, window) or same_incident(  # type: ignore[arg-type]
        db, post, window)


@reads_store
def story(post: Post, context: Context) -> Post:
    """Pipeline stage (see the module docstring)."""
    settings: StorySettings = context.extras.get(EXTRAS_KEY) or StorySettings()
    db = database(context)
    key = find(db, post, settings.window)
    if key is None or key == post.key:
        return post.with_(story=StoryRef(key or post.key))
    return post.with_(story=StoryRef(key, update_reason(index.facts(db, key), post)))
