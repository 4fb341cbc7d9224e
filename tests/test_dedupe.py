"""Dedupe stage against a real SQLite file: each kind, hard negatives, window, restart."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.components.pipeline import prune_task
from bot.config import Settings
from bot.models import Post, Refs
from bot.pipeline import Pipeline, band_index, build_pipeline, dedupe_index, feature_cache
from bot.pipeline.dedupe_index import cluster_info, prune
from bot.runtime import assemble
from bot.store.db import Store
from bot.store.posts import save_post
from tests.watchlist_util import run_cli

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
BASE = (
    "Des hommes armés ont attaqué un village près de Téra dans la nuit, tuant au moins 12 civils, "
    "selon des sources locales."
)


@pytest.fixture
def pipeline(store: Store) -> Pipeline:
    return build_pipeline(Settings(), store)


@pytest.fixture
def db(store: Store) -> Database:
    return store.db


def ingest(pipeline: Pipeline, text: str, pid: str, minutes: float = 0, author: str = "", **kw: object) -> Post:
    """The real pipeline (normalise → language → dedupe → match), then the real store."""
    created = kw.pop("created_at", T0 + timedelta(minutes=minutes))
    post = Post(platform="x", platform_id=pid, text=text, created_at=created,  # type: ignore[arg-type]
                author_handle=author or f"user{pid}", **kw)  # type: ignore[arg-type]
    result = pipeline.run(post)
    assert result is not None and pipeline.context.store is not None
    save_post(pipeline.context.store, result)
    return result


def test_first_post_starts_a_cluster(pipeline: Pipeline, db: Database) -> None:
    post = ingest(pipeline, BASE, "1")
    assert post.duplicate_of is None
    assert post.content_hash and len(post.content_hash) == 40
    assert len(post.signature) == 64


def test_same_platform_id_again_is_ignored(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1")
    again = ingest(pipeline, BASE, "1", minutes=5)
    assert again.duplicate_of is None
    assert db.execute("SELECT count(*) FROM dedupe_posts").fetchone()[0] == 1
    assert cluster_info(db, "x:1") == (0, [])


def test_repost_points_at_the_original_and_counts_in_its_cluster(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1", author="afp")
    rt = ingest(pipeline, f"RT @afp: {BASE[:90]}…", "2", minutes=3, author="amina", refs=Refs(repost_of="1"))
    assert rt.duplicate_of == "x:1"
    assert cluster_info(db, "x:1") == (1, ["amina"])
    assert db.execute("SELECT repost_count FROM posts WHERE key = 'x:1'").fetchone()[0] == 1


def test_repost_of_an_unseen_original_is_matched_by_text_later(pipeline: Pipeline, db: Database) -> None:
    rt = ingest(pipeline, f"RT @afp: {BASE}", "2", refs=Refs(repost_of="1"))
    assert rt.duplicate_of is None
    original = ingest(pipeline, BASE, "1", minutes=-30)
    assert original.duplicate_of == "x:2"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        f"RT @afp: {BASE}",
        BASE.lower().replace("é", "e"),
        f"{BASE} https://t.co/AbC123xyZ 🚨🙏🏾",
        BASE.replace("Téra", "#Téra").replace(",", ""),
        f"@rfi @afp {BASE}",
    ],
    ids=["verbatim", "rt-prefix", "case-accents", "link-emoji", "hashtag-punct", "mentions"],
)
def test_normalised_text_duplicates(pipeline: Pipeline, db: Database, variant: str) -> None:
    first = ingest(pipeline, BASE, "1")
    dup = ingest(pipeline, variant, "2", minutes=10)
    assert dup.content_hash == first.content_hash
    assert dup.duplicate_of == "x:1"


@pytest.mark.parametrize(
    "variant",
    [
        f"URGENT : {BASE}",
        f"{BASE} (AFP)",
        f"{BASE} #Niger #Sahel",
        BASE.replace("attaqué", "assailli"),
        BASE.replace("dans la nuit", "apparemment dans la nuit"),
        BASE[:95] + "…",
        f"{BASE} via @rfi",
    ],
    ids=["prefix", "source", "hashtags", "one-word", "inserted-word", "truncated", "via-mention"],
)
def test_near_duplicates(pipeline: Pipeline, db: Database, variant: str) -> None:
    first = ingest(pipeline, BASE, "1")
    dup = ingest(pipeline, variant, "2", minutes=10)
    assert dup.content_hash != first.content_hash
    assert dup.duplicate_of == "x:1"


def test_reordered_hashtags_are_near_duplicates(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, f"{BASE} #Niger #Sahel #Sécurité", "1")
    assert ingest(pipeline, f"{BASE} #Sécurité #Niger #Sahel", "2", minutes=1).duplicate_of == "x:1"


@pytest.mark.parametrize(
    "other",
    [
        BASE.replace("Téra", "Gaya"),
        BASE.replace("12", "15"),
        "Selon des sources locales, au moins 12 civils ont péri lorsque des assaillants ont fait irruption "
        "dans une localité proche de Téra dans la nuit.",
        "Gunmen attacked a village near Tera overnight, killing at least 12 civilians, local sources said.",
    ],
    ids=["other-town", "other-toll", "paraphrase", "translation"],
)
def test_hard_negatives_stay_apart(pipeline: Pipeline, db: Database, other: str) -> None:
    ingest(pipeline, BASE, "1")
    assert ingest(pipeline, other, "2", minutes=10).duplicate_of is None


def test_a_generic_member_does_not_chain_other_towns_into_the_cluster(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1")
    cut = ingest(pipeline, "Des hommes armés ont attaqué un village près de…", "2", minutes=1)
    other_town = ingest(pipeline, BASE.replace("Téra", "Ayorou"), "3", minutes=2)
    assert cut.duplicate_of is None  # no name or number left: fits any story of the template
    assert other_town.duplicate_of is None


def test_a_copy_cut_deep_with_an_ellipsis_joins_the_post_it_begins(pipeline: Pipeline) -> None:
    ingest(pipeline, BASE, "1")
    words = BASE.split()
    cut = ingest(pipeline, "RT @afp: " + " ".join(words[:11]) + "… https://t.co/abc", "2", minutes=3)
    assert len(words) == 22 and cut.duplicate_of == "x:1"
    mid_word = ingest(pipeline, BASE[:len(BASE) * 2 // 3 + 1] + "...", "3", minutes=4)
    assert mid_word.duplicate_of == "x:1"


def test_a_cut_that_begins_two_stories_is_ambiguous_and_stays_apart(pipeline: Pipeline) -> None:
    ingest(pipeline, BASE, "1")
    ingest(pipeline, BASE.replace("12", "15"), "2", minutes=1)
    cut = ingest(pipeline, "Des hommes armés ont attaqué un village près de Téra dans la…", "3", minutes=2)
    assert cut.duplicate_of is None


def test_a_cut_too_short_or_in_another_language_is_not_a_copy(pipeline: Pipeline) -> None:
    ingest(pipeline, BASE, "1")
    assert ingest(pipeline, "Des hommes armés ont attaqué…", "2", minutes=1).duplicate_of is None
    assert ingest(pipeline, BASE[:60], "3", minutes=2).duplicate_of is None  # no ellipsis: not a cut


def test_copies_differing_only_in_hashtags_are_one_cluster(pipeline: Pipeline) -> None:
    ingest(pipeline, f"{BASE} #BurkinaFaso #Sahel", "1")
    assert ingest(pipeline, f"{BASE} #Burkina #Sahel", "2", minutes=1).duplicate_of == "x:1"
    assert ingest(pipeline, f"{BASE} #Burkina_Faso", "3", minutes=2).duplicate_of == "x:1"
    assert ingest(pipeline, f"{BASE} #MaliAttack", "4", minutes=3).duplicate_of is None


def test_an_arabic_copy_with_tashkeel_is_a_copy(pipeline: Pipeline) -> None:
    text = "هاجم مسلحون قرية قرب تيلابيري ليلة أمس وقتلوا ما لا يقل عن 12 مدنيا بحسب مصادر محلية."
    vowelled = "هَاجَمَ مُسَلَّحُونَ قَرْيَةً قُرْبَ تِيلَابِيرِي لَيْلَةَ أَمْسِ وَقَتَلُوا مَا لَا يَقِلُّ عَنْ 12 مَدَنِيًّا بِحَسَبِ مَصَادِرَ مَحَلِّيَّةٍ."
    first = ingest(pipeline, text, "1")
    copy = ingest(pipeline, vowelled, "2", minutes=1)
    assert copy.duplicate_of == "x:1" and copy.content_hash == first.content_hash


def test_arabic_other_town_stays_apart_and_copy_joins(pipeline: Pipeline, db: Database) -> None:
    text = "هاجم مسلحون قرية قرب تيلابيري ليلة أمس وقتلوا ما لا يقل عن 12 مدنيا بحسب مصادر محلية."
    ingest(pipeline, text, "1")
    assert ingest(pipeline, text.replace("تيلابيري", "ديفا"), "2", minutes=1).duplicate_of is None
    assert ingest(pipeline, f"عاجل: {text}", "3", minutes=2).duplicate_of == "x:1"


def test_duplicate_of_is_the_first_post_of_the_cluster(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1")
    ingest(pipeline, f"{BASE} (AFP)", "2", minutes=1, author="b")
    third = ingest(pipeline, f"{BASE} (AFP) 🚨", "3", minutes=2, author="c")
    assert third.duplicate_of == "x:1"
    assert cluster_info(db, "x:1") == (2, ["b", "c"])
    assert cluster_info(db, "x:3") == (2, ["b", "c"])


def test_window_and_prune(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1")
    assert ingest(pipeline, f"{BASE} (AFP)", "2", minutes=8 * 24 * 60).duplicate_of is None
    with pipeline.context.store.write() as wdb:  # type: ignore[union-attr]
        assert prune(wdb, T0 + timedelta(days=1)) == 1
    assert db.execute("SELECT count(*) FROM dedupe_posts WHERE post_key = 'x:1'").fetchone()[0] == 0
    first_id, second_id = [r[0] for r in db.execute("SELECT id FROM posts WHERE key IN ('x:1', 'x:2') ORDER BY id")]
    bands = band_index.for_db(db)
    assert bands.post_ids() == {second_id} and first_id not in bands.post_ids()
    assert len(bands) == 16  # post 2's 16 bucket entries stay
    assert ingest(pipeline, BASE, "3", minutes=8 * 24 * 60 + 5).duplicate_of == "x:2"


def test_labelled_set_precision_and_recall(pipeline: Pipeline, db: Database) -> None:
    path = Path(__file__).parent / "data" / "dedupe_labelled.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    story, head = {}, {}
    for rec in records:
        post = ingest(pipeline, rec["text"], rec["id"], refs=Refs(**rec["refs"]), lang_hint=rec["lang"],
                      created_at=datetime.fromisoformat(rec["created_at"]))
        story[post.key], head[post.key] = rec["story"], post.duplicate_of or post.key
    keys = list(story)
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
    true = {p for p in pairs if story[p[0]] == story[p[1]]}
    got = {p for p in pairs if head[p[0]] == head[p[1]]}
    assert len(true) >= 300
    assert len(true & got) / len(got) >= 0.99
    assert len(true & got) / len(true) >= 0.95


RESTART_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from bot.config import Settings
    from bot.models import Post
    from bot.pipeline import build_pipeline
    from bot.store.db import Store
    from bot.store.posts import save_post

    path, pid, minute, text = sys.argv[1:5]
    store = Store(path)
    created = datetime(2025, 3, 1, 8, int(minute), tzinfo=UTC)
    post = build_pipeline(Settings(), store).run(Post(platform="x", platform_id=pid, text=text, created_at=created))
    save_post(store, post)
    print(post.duplicate_of)
    """
)


def test_copies_are_caught_after_a_process_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "restart.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(pid: str, minute: int, text: str) -> str:
        done = subprocess.run([sys.executable, "-c", RESTART_SCRIPT, path, pid, str(minute), text],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=True)
        return done.stdout.strip()

    assert run("1", 0, BASE) == "None"
    assert run("2", 5, f"URGENT : {BASE} (AFP)") == "x:1"
    assert run("3", 9, BASE.replace("attaqué", "assailli")) == "x:1"
    assert run("4", 12, BASE.upper()) == "x:1"  # the exact-text index, rebuilt at start
    assert run("5", 15, " ".join(BASE.split()[:11]) + "… https://t.co/abc") == "x:1"  # the first-words index


async def test_prune_task_drops_index_rows_outside_the_window(pipeline: Pipeline, db: Database) -> None:
    ingest(pipeline, BASE, "1")
    ingest(pipeline, "Un tout autre sujet : la saison des pluies commence tôt cette année au Sahel", "2",
           minutes=8 * 24 * 60)
    store = pipeline.context.store
    assert store is not None
    stop = asyncio.Event()
    stop.set()  # prune once, then return
    await prune_task(store, timedelta(days=7), now=lambda: T0 + timedelta(days=9))(stop)
    assert [r[0] for r in db.execute("SELECT post_key FROM dedupe_posts")] == ["x:2"]
    assert db.execute("SELECT count(*) FROM posts WHERE key = 'x:1'").fetchone()[0] == 1


async def test_prune_task_keeps_the_window_of_an_old_archive_replayed_by_run(pipeline: Pipeline, db: Database) -> None:
    """``run --replay`` of posts from long ago: the prune at start (by today's clock) must not empty the
    index under them, or no copy in the archive would find its original."""
    store = pipeline.context.store
    assert store is not None
    stop = asyncio.Event()
    stop.set()
    today = lambda: T0 + timedelta(days=400)  # noqa: E731
    await prune_task(store, timedelta(days=7), now=today)(stop)  # at start: an empty index
    ingest(pipeline, BASE, "1")
    await prune_task(store, timedelta(days=7), now=today)(stop)  # an hour later, mid-replay
    assert ingest(pipeline, f"URGENT : {BASE} (AFP)", "2", minutes=5).duplicate_of == "x:1"


def test_prune_task_runs_only_in_the_long_running_bot(store: Store) -> None:
    def has_prune(live: bool) -> bool:
        return any(t.__qualname__.startswith("prune_task") for t in assemble(Settings(), store, live=live).tasks)

    assert has_prune(True) and not has_prune(False)


def test_analyze_prints_detected_language_and_duplicate_of_for_every_post() -> None:
    posts = [
        {"id": "1", "text": BASE, "lang": "en"},  # the hint is wrong; the text is French
        {"id": "2", "text": f"RT @afp: {BASE}", "refs": {"repost_of": "1"}},
        {"id": "3", "text": f"URGENT : {BASE} (AFP)"},
        {"id": "4", "text": "'Yan bindiga sun kai hari a kauyen Tsafe na jihar Zamfara cikin dare"},
        {"id": "5", "text": "🔥🔥🔥", "lang": "zxx"},
    ]
    stdin = "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n"
    result = run_cli("analyze", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["lang"], x["duplicate_of"]) for x in lines] == [
        ("1", "fr", None), ("2", "fr", "1"), ("3", "fr", "1"), ("4", "ha", None), ("5", "und", None)]


def test_a_stored_post_is_cached_as_reading_its_row_gives_it(pipeline: Pipeline, db: Database) -> None:
    """index_post seeds the feature cache with the row it wrote (the next posts' likeliest
    candidate): what the cache then gives is field for field what a read of the row gives."""
    stored = [ingest(pipeline, BASE, "1"), ingest(pipeline, BASE + " #Niger", "2"), ingest(pipeline, "Trop court", "3")]
    cache = feature_cache._CACHES[db]
    keys = [post.key for post in stored]
    read = dedupe_index._indexed_by(db, "post_key", keys)
    for key in keys:
        cached = cache.columns["post_key"][key]
        row = read[key]
        assert (cached.post_key, cached.first_key, cached.created_at) == (row.post_key, row.first_key, row.created_at)
        assert cached.features.signature.tolist() == row.features.signature.tolist()
        assert (cached.features.lang, cached.features.words_text, cached.features.keys_text) == (
            row.features.lang, row.features.words_text, row.features.keys_text)
    assert read["x:2"].first_key == "x:1" and len(read["x:1"].features.signature) == 64
