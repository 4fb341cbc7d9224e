"""The bundled demo sample: valid, varied, and its duplicates are found by the pipeline stages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import bot
from bot.config import Settings
from bot.models import Post
from bot.pipeline import build_pipeline
from bot.pipeline.dedupe_index import cluster_info
from bot.sources.jsonl import read_lines
from bot.store.db import Store
from bot.store.posts import save_post

SAMPLE = Path(bot.__file__).parent / "data" / "sample.jsonl"


@pytest.fixture(scope="module")
def posts() -> list[Post]:
    with SAMPLE.open("rb") as fh:
        lines = list(read_lines(fh, default_platform="x"))
    assert [line.error for line in lines if line.error] == []
    return [line.post for line in lines if line.post]


def test_sample_shape(posts: list[Post]) -> None:
    assert len(posts) >= 200
    assert {p.platform for p in posts} == {"x"}
    times = [p.created_at for p in posts]
    assert times == sorted(times)
    assert 1.5 * 86400 <= (times[-1] - times[0]).total_seconds() <= 2 * 86400
    kinds = Counter(m.kind for p in posts for m in p.media)
    assert kinds["photo"] >= 10 and kinds["video"] >= 5
    assert all(m.preview_url for p in posts for m in p.media)


def test_reposts_point_at_earlier_posts(posts: list[Post]) -> None:
    position = {p.platform_id: i for i, p in enumerate(posts)}
    reposts = [(i, p) for i, p in enumerate(posts) if p.refs.repost_of]
    assert len(reposts) >= 20
    assert all(position[p.refs.repost_of] < i for i, p in reposts)
    assert all(p.text.startswith("RT @") for _, p in reposts)


def test_sample_covers_the_niger_nigeria_traps_and_noise(posts: list[Post]) -> None:
    text = "\n".join(p.text for p in posts)
    needles = ("Niamey", "Niger State", "Niger Delta", "River Niger", "Nigeria", "Somalia", "دعم مالي",
               "Super Eagles")
    for needle in needles:
        assert needle in text


def test_pipeline_tags_four_languages_and_finds_the_duplicates(posts: list[Post], store: Store) -> None:
    pipeline = build_pipeline(Settings(), store)
    done = []
    for post in posts:
        result = pipeline.run(post)
        assert result is not None
        save_post(store, result)
        done.append(result)
    langs = Counter(p.lang for p in done)
    assert all(langs[lang] >= 30 for lang in ("en", "fr", "ar", "ha"))
    assert langs["und"] >= 2  # the emoji-only posts
    assert all(p.duplicate_of for p in done if p.refs.repost_of)
    duplicates = [p for p in done if p.duplicate_of]
    assert len(duplicates) >= 60
    head = Counter(p.duplicate_of for p in duplicates).most_common(1)[0][0]
    count, handles = cluster_info(store.db, head)
    assert count >= 2 and len(handles) >= 2
