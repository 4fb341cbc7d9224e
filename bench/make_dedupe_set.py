"""Write the labelled dedupe set: ``python bench/make_dedupe_set.py [OUT [SEED]]`` (deterministic).

The committed set uses seed 5; other seeds give held-out sets for checking that tuning on
the committed set did not overfit it.

Each line is a post in the JSONL post format (``bot/sources/jsonl.py``) plus labels:
``story`` (posts with the same story are true duplicates), ``kind`` (``base``, ``exact``,
``normalised``, ``near``, or a hard negative ``neg_place``/``neg_number``/``neg_paraphrase``/
``neg_translation``) and ``pair_of`` (the post this one duplicates or imitates).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import synth

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "dedupe_labelled.jsonl"
START = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
N_BASE, N_EXACT, N_NORMALISED, N_NEAR, N_NEGATIVE = 170, 115, 115, 130, 140


@dataclass
class Item:
    at: datetime
    text: str
    lang: str
    story: int
    kind: str
    pair_of: int | None = None  # index into the item list
    repost: bool = False
    index: int = 0
    spec: synth.Story | None = None


def bases(rng: random.Random) -> tuple[list[Item], dict[str, int]]:
    items: list[Item] = []
    seen: dict[str, int] = {}
    while len(items) < N_BASE:
        story = synth.random_story(rng)
        text = story.text()
        if rng.random() < 0.25:
            text = synth.with_hashtags(text, rng, story.lang)
        if text in seen:
            continue
        seen[text] = len(items)
        at = START + timedelta(minutes=rng.randint(0, 2 * 24 * 60))
        items.append(Item(at, text, story.lang, len(items), "base", index=len(items), spec=story))
    return items, seen


def later(item: Item, rng: random.Random) -> datetime:
    return item.at + timedelta(minutes=rng.randint(1, 18 * 60))


def variants(items: list[Item], rng: random.Random) -> list[Item]:
    out: list[Item] = []
    plan = [("exact", N_EXACT), ("normalised", N_NORMALISED), ("near", N_NEAR)]
    for kind, count in plan:
        for _ in range(count):
            base = rng.choice(items)
            text, repost = variant_text(kind, base, rng)
            out.append(Item(later(base, rng), text, base.lang, base.story, kind, base.index, repost))
    return out


def variant_text(kind: str, base: Item, rng: random.Random) -> tuple[str, bool]:
    if kind == "exact":
        text = synth.exact_variant(base.text, rng, f"user{base.index}")
        return text, text.startswith("RT @") and rng.random() < 0.5
    if kind == "normalised":
        return synth.normalised_variant(base.text, rng, base.lang), False
    reordered = synth.reorder_hashtags(base.text, rng)
    if reordered != base.text and rng.random() < 0.5:
        return reordered, False
    return synth.near_variant(base.text, rng, base.lang), False


def negatives(items: list[Item], seen: dict[str, int], rng: random.Random) -> list[Item]:
    out: list[Item] = []
    kinds = sorted(synth.NEGATIVES)
    while len(out) < N_NEGATIVE:
        base = rng.choice(items)
        kind = kinds[len(out) % len(kinds)]
        assert base.spec is not None
        story = synth.NEGATIVES[kind](base.spec, rng)
        text = story.text()
        if text in seen:
            continue
        seen[text] = -1
        story_id = N_BASE + len(out)
        out.append(Item(later(base, rng), text, story.lang, story_id, kind, base.index))
    return out


def build(seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    items, seen = bases(rng)
    everything = items + variants(items, rng) + negatives(items, seen, rng)
    order = sorted(range(len(everything)), key=lambda i: (everything[i].at, i))
    ids = {i: str(1_890_000_000_000_000_000 + rank * 1_000_003) for rank, i in enumerate(order)}
    return [record(everything[i], ids[i], ids) for i in order]


def record(item: Item, post_id: str, ids: dict[int, str]) -> dict:
    base_id = ids[item.pair_of] if item.pair_of is not None else None
    return {
        "platform": "x", "id": post_id, "text": item.text, "author": f"user{int(post_id) % 997}",
        "created_at": item.at.isoformat().replace("+00:00", "Z"),
        "lang": None if item.lang == "ha" else item.lang,  # X has no Hausa code
        "refs": {"repost_of": base_id} if item.repost else {},
        "story": item.story, "kind": item.kind, "pair_of": base_id,
    }


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rows = build(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    print(f"wrote {len(rows)} posts to {out}: {kinds}")


if __name__ == "__main__":
    main()
