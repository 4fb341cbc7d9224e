"""Story stage against a real SQLite file: one incident across languages and sources, the
place/event/number rules, the window, the update reason, restarts, and the outbox routing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.alerts.outbox import enqueue_hook
from bot.alerts.routing import ChannelRule, Routing
from bot.config import Settings
from bot.models import Casualties, Place, Post
from bot.pipeline import Pipeline
from bot.pipeline import build_pipeline as full_pipeline
from bot.pipeline.base import stage_name
from bot.store.db import Store
from bot.store.posts import save_post

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
BOULKESSI = Place("ML", "Boulkessi", "Mopti", 15.0, -1.9)
MOPTI_REGION = Place("ML", "Mopti", "Mopti", 14.5, -4.2)
DJIBO = Place("BF", "Djibo", "Sahel", 14.1, -1.6)
TEXTS = {"fr": "Attaque contre le camp militaire, 12 soldats tués", "ar": "مقتل 12 جنديا في هجوم على معسكر",
         "en": "Attack on the army camp, 12 soldiers killed", "ha": "An kai hari a sansanin sojoji, an kashe 12"}


def make(pid: str, *, lang: str = "fr", minutes: float = 0, place: Place | None = BOULKESSI,
         event: str | None = "battle", killed: int | None = 12, text: str | None = None) -> Post:
    return Post(platform="x", platform_id=pid, text=text or f"{TEXTS[lang]} ({pid})", lang_hint=lang,
                created_at=T0 + timedelta(minutes=minutes), url=f"https://x.com/u/status/{pid}",
                place=place, event=event, casualties=Casualties(killed=killed))  # type: ignore[arg-type]


def build_pipeline(settings: Settings, store: Store) -> Pipeline:
    """The real pipeline without the enrich stage: each test post carries enrich's output itself."""
    full = full_pipeline(settings, store)
    return Pipeline([s for s in full.stages if stage_name(s) != "enrich"], full.context)


def ingest(pipeline: Pipeline, post: Post) -> str:
    """The real pipeline; the place/event/numbers set on ``post`` stand in for the enrich stage."""
    result = pipeline.run(post)
    assert result is not None and result.story is not None and pipeline.context.store is not None
    save_post(pipeline.context.store, result)
    return result.story.key


@pytest.fixture
def pipeline(store: Store) -> Pipeline:
    return build_pipeline(Settings(), store)


def test_one_attack_in_four_languages_is_one_story(pipeline: Pipeline, store: Store) -> None:
    keys = [ingest(pipeline, make(str(i), lang=lang, minutes=15 * i)) for i, lang in enumerate(TEXTS)]
    assert keys == ["x:0"] * 4
    row = store.query("SELECT posts, languages, place, killed FROM stories")
    assert row == [{"posts": 4, "languages": "fr,ar,en,ha", "place": "Boulkessi", "killed": 12}]
    assert store.scalar("SELECT count(DISTINCT story_id) FROM posts") == 1


def test_a_post_alone_has_its_own_key_and_no_story_row(pipeline: Pipeline, store: Store) -> None:
    assert ingest(pipeline, make("1")) == "x:1"
    assert ingest(pipeline, make("2", place=DJIBO, minutes=5)) == "x:2"
    assert store.scalar("SELECT count(*) FROM stories") == 0


@pytest.mark.parametrize(("other", "same"), [
    (dict(place=MOPTI_REGION), True),                      # the region of the town: parent/child
    (dict(place=Place("ML", "Sévaré", "Mopti", 14.5, -4.1)), False),  # another town of the same region
    (dict(place=DJIBO), False),                            # another country
    (dict(killed=15), True),                               # a rising toll fits
    (dict(killed=40), False),                              # 12 vs 40 dead: another attack
    (dict(event="remote_violence"), False),                # another kind of event
    (dict(event=None), True),                              # no type, at the very same place
    (dict(event=None, place=MOPTI_REGION), False),         # no type and only the region: too loose
    (dict(minutes=49 * 60), False),                        # outside the 48 h window
    (dict(place=None), False),                             # nowhere: no incident to match
])
def test_place_event_numbers_and_window_decide(pipeline: Pipeline, other: dict, same: bool) -> None:
    ingest(pipeline, make("1"))
    assert (ingest(pipeline, make("2", lang="en", **{"minutes": 30, **other})) == "x:1") is same


def test_copies_and_shared_article_links_join_whatever_the_place(pipeline: Pipeline) -> None:
    ingest(pipeline, make("1", place=None, event=None, text="Le camp de Boulkessi attaqué https://lefaso.net/a?x=1"))
    linked = make("2", lang="en", place=None, event=None, minutes=90,
                  text="Boulkessi camp attacked https://m.lefaso.net/a?x=1&utm_source=tw")
    assert ingest(pipeline, linked) == "x:1"
    copy = make("3", place=None, event=None, minutes=91, text="RT @u: Le camp de Boulkessi attaqué https://t.co/z")
    assert ingest(pipeline, copy) == "x:1"  # a repost joins its original's story (dedupe found it)


def test_the_story_survives_a_restart(tmp_path: Path) -> None:
    first = Store(tmp_path / "s.db")
    ingest(build_pipeline(Settings(), first), make("1"))
    first.close()
    again = Store(tmp_path / "s.db")
    try:
        assert ingest(build_pipeline(Settings(), again), make("2", lang="ar", minutes=20)) == "x:1"
    finally:
        again.close()


def test_a_higher_toll_or_a_new_place_is_an_update_reason(pipeline: Pipeline) -> None:
    ingest(pipeline, make("1", killed=8))
    rising = pipeline.run(make("2", lang="en", killed=12, minutes=30))
    assert rising is not None and rising.story is not None
    assert rising.story.update == "toll now 12 killed (was 8)"
    same = pipeline.run(make("3", lang="en", killed=9, minutes=31))
    assert same is not None and same.story is not None and same.story.update is None
    region = pipeline.run(make("4", lang="ar", place=MOPTI_REGION, killed=None, minutes=32))
    assert region is not None and region.story is not None and region.story.update == "new place: Mopti"


def test_routing_one_alert_then_edits_and_one_update_at_most(store: Store) -> None:
    routing = Routing((ChannelRule("-100"),))
    store.post_hooks.append(enqueue_hook(lambda: routing))
    pipeline = build_pipeline(Settings(), store)
    tolls = [("fr", 8), ("ar", 12), ("en", 18), ("ha", 30), ("fr", 52)]  # crosses 10, then 50
    for i, (lang, killed) in enumerate(tolls):
        post = make(str(i), lang=lang, killed=killed, minutes=10 * i).with_(topics=("attack",), severity="urgent")
        result = pipeline.run(post)
        assert result is not None
        save_post(store, result)
    rows = [(r["alert_key"], r["kind"]) for r in store.query("SELECT alert_key, kind FROM outbox ORDER BY id")]
    assert rows == [("alert:-100:x:0", "alert"), ("similar:-100:x:1", "similar"), ("update:-100:x:0", "alert"),
                    ("similar:-100:x:2", "similar"), ("similar:-100:x:3", "similar"), ("similar:-100:x:4", "similar")]
    assert store.scalar("SELECT payload FROM outbox WHERE alert_key = 'update:-100:x:0'") == (
        '{"update": "toll now 12 killed (was 8)"}')
