"""The enrich stage end to end: through the real pipeline, into SQLite, out of `analyze`."""

import json
from datetime import UTC, datetime

from bot.config import Settings
from bot.models import Casualties, Place, Post
from bot.pipeline import build_pipeline
from bot.store.posts import load_post, save_post
from tests.watchlist_util import run_cli


def test_pipeline_sets_place_event_and_casualties_and_the_store_keeps_them(store):
    pipeline = build_pipeline(Settings(), store)
    names = pipeline.names
    assert names.index("enrich") < names.index("story")  # stories group by place and event
    post = Post("x", "1", "Burkina : 20 civils tués dans une attaque à Djibo", datetime(2026, 11, 3, tzinfo=UTC))
    out = pipeline.run(post)
    assert (out.place.country, out.place.name, out.place.admin1) == ("BF", "Djibo", "Soum")
    assert out.event == "violence_against_civilians" and out.casualties == Casualties(killed=20)
    save_post(store, out)
    assert load_post(store, out.key).place == out.place
    assert store.query("SELECT country, place, event, killed FROM posts") == [
        {"country": "BF", "place": "Djibo", "event": "violence_against_civilians", "killed": 20}]


def test_a_post_naming_no_place_gets_none(store):
    out = build_pipeline(Settings(), store).run(Post("x", "2", "Rien à signaler aujourd'hui", datetime.now(UTC)))
    assert out.place is None and out.event is None and out.casualties == Casualties()


def test_analyze_prints_country_place_and_event(tmp_path):
    posts = [{"id": "a", "text": "Nigerien army drone strike near Banibangou, Tillaberi region"},
             {"id": "b", "text": "'Yan bindiga sun sace mutane 25 a Jihar Neja"},
             {"id": "c", "text": "Rien à signaler"}]
    stdin = "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n"
    result = run_cli("analyze", "-", stdin=stdin, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["country"], x["place"], x["event"], x["casualties"]) for x in lines] == [
        ("NE", "Banibangou", "remote_violence", None),
        ("NG", "Niger State", "violence_against_civilians", {"kidnapped": 25}),
        (None, None, None, None)]
    assert lines[0]["place_why"] == "near Banibangou; Nigerien; Tillaberi region"


def test_a_place_or_event_the_post_came_with_is_kept(store):
    known = Place("TD", "Bol", "Lac", 13.46, 14.71, "source")
    post = Post("x", "3", "Attaque à Djibo : 20 civils tués", datetime.now(UTC), place=known, event="riot")
    out = build_pipeline(Settings(), store).run(post)
    assert (out.place, out.event, out.casualties) == (known, "riot", Casualties(killed=20))  # only the gap filled
