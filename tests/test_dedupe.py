"""Dedupe stage against a real SQLite file: each kind, hard negatives, window, restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.models import Post, Refs
from bot.pipeline.base import Context
from bot.pipeline.dedupe import DedupeSettings, dedupe
from bot.pipeline.dedupe_index import cluster_info, create_tables, index_post, prune
from bot.pipeline.language import language
from bot.pipeline.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
BASE = (
    "Des hommes armés ont attaqué un village près de Téra dans la nuit, tuant au moins 12 civils, "
    "selon des sources locales."
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "dedupe.db")
    create_tables(database)
    return database


def ingest(db: Database, text: str, pid: str, minutes: float = 0, author: str = "", **kw: object) -> Post:
    """normalise → language → dedupe, then index in one transaction (what the store does)."""
    created = kw.pop("created_at", T0 + timedelta(minutes=minutes))
    post = Post(platform="x", platform_id=pid, text=text, created_at=created,  # type: ignore[arg-type]
                author_handle=author or f"user{pid}", **kw)  # type: ignore[arg-type]
    ctx = Context(extras={"dedupe_db": db, "dedupe": DedupeSettings()})
    post = dedupe(language(normalise(post, ctx), ctx), ctx)
    with db.conn:
        index_post(db, post)
    return post


def test_first_post_starts_a_cluster(db: Database) -> None:
    post = ingest(db, BASE, "1")
    assert post.duplicate_of is None
    assert post.content_hash and len(post.content_hash) == 40
    assert len(post.signature) == 64


def test_same_platform_id_again_is_ignored(db: Database) -> None:
    ingest(db, BASE, "1")
    again = ingest(db, BASE, "1", minutes=5)
    assert again.duplicate_of is None
    assert db.execute("SELECT count(*) FROM dedupe_posts").fetchone()[0] == 1
    assert cluster_info(db, "x:1") == (0, [])


def test_repost_points_at_the_original_and_counts_in_its_cluster(db: Database) -> None:
    ingest(db, BASE, "1", author="afp")
    rt = ingest(db, f"RT @afp: {BASE[:90]}…", "2", minutes=3, author="amina", refs=Refs(repost_of="1"))
    assert rt.duplicate_of == "x:1"
    assert cluster_info(db, "x:1") == (1, ["amina"])


def test_repost_of_an_unseen_original_is_matched_by_text_later(db: Database) -> None:
    rt = ingest(db, f"RT @afp: {BASE}", "2", refs=Refs(repost_of="1"))
    assert rt.duplicate_of is None
    original = ingest(db, BASE, "1", minutes=-30)
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
def test_normalised_text_duplicates(db: Database, variant: str) -> None:
    first = ingest(db, BASE, "1")
    dup = ingest(db, variant, "2", minutes=10)
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
def test_near_duplicates(db: Database, variant: str) -> None:
    first = ingest(db, BASE, "1")
    dup = ingest(db, variant, "2", minutes=10)
    assert dup.content_hash != first.content_hash
    assert dup.duplicate_of == "x:1"


def test_reordered_hashtags_are_near_duplicates(db: Database) -> None:
    ingest(db, f"{BASE} #Niger #Sahel #Sécurité", "1")
    assert ingest(db, f"{BASE} #Sécurité #Niger #Sahel", "2", minutes=1).duplicate_of == "x:1"


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
def test_hard_negatives_stay_apart(db: Database, other: str) -> None:
    ingest(db, BASE, "1")
    assert ingest(db, other, "2", minutes=10).duplicate_of is None


def test_a_generic_member_does_not_chain_other_towns_into_the_cluster(db: Database) -> None:
    ingest(db, BASE, "1")
    cut = ingest(db, "Des hommes armés ont attaqué un village près de…", "2", minutes=1)
    other_town = ingest(db, BASE.replace("Téra", "Ayorou"), "3", minutes=2)
    assert cut.duplicate_of is None  # too little left to call it a copy
    assert other_town.duplicate_of is None


def test_arabic_other_town_stays_apart_and_copy_joins(db: Database) -> None:
    text = "هاجم مسلحون قرية قرب تيلابيري ليلة أمس وقتلوا ما لا يقل عن 12 مدنيا بحسب مصادر محلية."
    ingest(db, text, "1")
    assert ingest(db, text.replace("تيلابيري", "ديفا"), "2", minutes=1).duplicate_of is None
    assert ingest(db, f"عاجل: {text}", "3", minutes=2).duplicate_of == "x:1"


def test_duplicate_of_is_the_first_post_of_the_cluster(db: Database) -> None:
    ingest(db, BASE, "1")
    ingest(db, f"{BASE} (AFP)", "2", minutes=1, author="b")
    third = ingest(db, f"{BASE} (AFP) 🚨", "3", minutes=2, author="c")
    assert third.duplicate_of == "x:1"
    assert cluster_info(db, "x:1") == (2, ["b", "c"])
    assert cluster_info(db, "x:3") == (2, ["b", "c"])


def test_window_and_prune(db: Database) -> None:
    ingest(db, BASE, "1")
    assert ingest(db, f"{BASE} (AFP)", "2", minutes=8 * 24 * 60).duplicate_of is None
    assert prune(db, T0 + timedelta(days=1)) == 1
    assert db.execute("SELECT count(*) FROM dedupe_bands WHERE post_key = 'x:1'").fetchone()[0] == 0
    assert ingest(db, BASE, "3", minutes=8 * 24 * 60 + 5).duplicate_of == "x:2"


def test_labelled_set_precision_and_recall(db: Database) -> None:
    path = Path(__file__).parent / "data" / "dedupe_labelled.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    story, head = {}, {}
    for rec in records:
        post = ingest(db, rec["text"], rec["id"], refs=Refs(**rec["refs"]), lang_hint=rec["lang"],
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
    from sqlite_utils import Database
    from bot.models import Post
    from bot.pipeline.base import Context
    from bot.pipeline.dedupe import dedupe
    from bot.pipeline.dedupe_index import create_tables, index_post
    from bot.pipeline.language import language
    from bot.pipeline.normalise import normalise

    path, pid, minute, text = sys.argv[1:5]
    db = Database(path)
    create_tables(db)
    ctx = Context(extras={"dedupe_db": db})
    created = datetime(2025, 3, 1, 8, int(minute), tzinfo=UTC)
    post = Post(platform="x", platform_id=pid, text=text, created_at=created)
    post = dedupe(language(normalise(post, ctx), ctx), ctx)
    with db.conn:
        index_post(db, post)
    print(post.duplicate_of)
    """
)


def test_near_duplicate_is_caught_after_a_process_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "restart.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(pid: str, minute: int, text: str) -> str:
        done = subprocess.run([sys.executable, "-c", RESTART_SCRIPT, path, pid, str(minute), text],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=True)
        return done.stdout.strip()

    assert run("1", 0, BASE) == "None"
    assert run("2", 5, f"URGENT : {BASE} (AFP)") == "x:1"
    assert run("3", 9, BASE.replace("attaqué", "assailli")) == "x:1"
