"""The labelled geo/event/story set (tests/data/geo_labelled.jsonl) stays well-formed: the
bench (bench/geo.py) and the stories bench score against it."""

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from bot.models import EVENT_TYPES

LABELLED = Path(__file__).parent / "data" / "geo_labelled.jsonl"
HOLDOUT = Path(__file__).parent / "data" / "geo_holdout.jsonl"  # written after the rules were frozen
FIELDS = {"id", "created_at", "lang", "source", "text", "country", "place", "event",
          "killed", "wounded", "kidnapped", "story"}


def rows(path: Path = LABELLED) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("path", "size"), [(LABELLED, 150), (HOLDOUT, 40)])
def test_labelled_set_is_well_formed(path, size):
    data = rows(path)
    assert len(data) >= size
    assert len({r["id"] for r in data}) == len(data)
    for r in data:
        assert set(r) == FIELDS, r["id"]
        assert datetime.fromisoformat(r["created_at"]).tzinfo is not None
        assert r["country"] is None or (len(r["country"]) == 2 and r["country"].isupper()), r["id"]
        assert (r["place"] is None) == (r["country"] is None), r["id"]
        assert r["event"] is None or r["event"] in EVENT_TYPES, r["id"]
        assert all(r[k] is None or r[k] >= 0 for k in ("killed", "wounded", "kidnapped")), r["id"]


def test_labelled_set_covers_four_languages_and_multilingual_stories():
    data = rows()
    langs = Counter(r["lang"] for r in data)
    assert set(langs) == {"en", "fr", "ar", "ha"} and min(langs.values()) >= 20
    story_langs: dict[str, set[str]] = {}
    for r in data:
        story_langs.setdefault(r["story"], set()).add(r["lang"])
    assert sum(len(v) >= 3 for v in story_langs.values()) >= 25
