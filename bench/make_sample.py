"""Write the bundled demo sample ``bot/data/sample.jsonl`` (deterministic; synthetic text only).

    python bench/make_sample.py [OUT]

About 230 X-like posts over two days in time order, in the JSONL post format: template
stories from ``bench/templates.json`` and hand-written items from ``bench/sample_extra.json``
(Niger the country, Nigeria, Niger State, noise such as football, finance "مالي", Somalia,
the river and the delta, short and emoji-only posts); reposts with ``refs.repost_of``,
verbatim copies, normalised and near duplicates; photos and videos with preview URLs.

Each item also carries a ``label`` ("news" or "noise") and an ``origin`` (the template or the
hand-written group it came from) for ``bench/watchlist_recall.py``; they are NOT written to the
JSONL (the product's post format has no such field). :func:`generate` returns both.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import synth

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bot" / "data" / "sample.jsonl"
EXTRA = json.loads((Path(__file__).parent / "sample_extra.json").read_text(encoding="utf-8"))
KEY_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
START, SPAN = datetime(2025, 3, 10, 0, 0, tzinfo=UTC), timedelta(days=2)
ACCOUNTS = [
    ("AlertesSahel", "Alertes Sahel"), ("NigerInfo227", "Niger Info"), ("sahel_monitor", "Sahel Monitor"),
    ("BornoReporter", "Borno Reporter"), ("HausaLabarai", "Labarai Hausa"), ("akhbar_sahel", "أخبار الساحل"),
    ("ZamfaraVoice", "Zamfara Voice"), ("tillaberi_direct", "Tillabéri Direct"),
    ("NigeriaSecurity", "NG Security"), ("bamako_news", "Bamako News"), ("minna_gist", "Minna Gist"),
    ("amina_k", "Amina K."), ("ibrahim_dz", "Ibrahim"), ("FootballNaija", "Football Naija"),
    ("marches_ne", "Marchés Niger"), ("RadioYamai", "Radio Yamai"),
]


@dataclass
class Item:
    at: datetime
    lang: str
    text: str
    account: int
    media: list[dict] = field(default_factory=list)
    repost_of: int | None = None
    label: str = "news"  # "news": security news an analyst wants; "noise": should match nothing
    origin: str = ""  # "template 3" or the sample_extra.json group


def extra_label(group: str, lang: str) -> str:
    """Hand-written items: the "noise" group and the emoji-only posts are noise, the rest news."""
    return "noise" if group == "noise" or lang == "und" else "news"


def base_items(rng: random.Random) -> list[Item]:
    items = [Item(START, lang, text, 0, label=extra_label(group, lang), origin=group)
             for group, pairs in EXTRA.items() for lang, text in pairs]
    niger_state = [i for i, place in enumerate(synth.PLACES) if place[2] == "NG-NI"]
    for n in range(90):
        story = synth.random_story(rng)
        if n % 9 == 0:
            story = replace(story, place=rng.choice(niger_state))
        items.append(Item(START, story.lang, story.text(), 0, origin=f"template {story.template}"))
    for item in items:
        item.at = START + timedelta(seconds=rng.randrange(int(SPAN.total_seconds() * 0.8)))
        item.account = rng.randrange(len(ACCOUNTS))
    return items


def add_media(items: list[Item], rng: random.Random) -> None:
    for n, item in enumerate(rng.sample(items, 33)):
        key = "".join(rng.choice(KEY_CHARS) for _ in range(15))
        if n < 25:
            url = f"https://pbs.twimg.com/media/{key}.jpg"
            item.media = [{"kind": "photo", "url": url, "preview_url": f"{url}?name=small",
                           "width": 1200, "height": 800, "alt_text": None}]
        else:
            vid = 1_899_000_000_000_000_000 + n
            item.media = [{"kind": "video", "url": f"https://video.twimg.com/ext_tw_video/{vid}/pu/vid/720x1280/{key}.mp4",
                           "preview_url": f"https://pbs.twimg.com/ext_tw_video_thumb/{vid}/pu/img/{key}.jpg",
                           "width": 720, "height": 1280, "duration_ms": rng.randint(8_000, 95_000)}]


def variants(items: list[Item], rng: random.Random) -> list[Item]:
    stories = [i for i, item in enumerate(items) if len(item.text) > 60]
    out = []
    for kind, count in (("repost", 30), ("copy", 15), ("normalised", 20), ("near", 25)):
        for _ in range(count):
            src = rng.choice(stories)
            base = items[src]
            at = min(base.at + timedelta(minutes=rng.randint(2, 600)), START + SPAN)
            account = rng.choice([a for a in range(len(ACCOUNTS)) if a != base.account])
            text, repost = variant_text(kind, base, rng)
            out.append(Item(at, base.lang, text, account, list(base.media), src if repost else None,
                            base.label, f"{base.origin} ({kind})"))
    return out


def variant_text(kind: str, base: Item, rng: random.Random) -> tuple[str, bool]:
    if kind == "repost":
        return f"RT @{ACCOUNTS[base.account][0]}: {base.text}", True
    if kind == "copy":
        return base.text, False
    if kind == "normalised":
        return synth.normalised_variant(base.text, rng, base.lang), False
    return synth.near_variant(base.text, rng, base.lang), False


def x_hint(lang: str, rng: random.Random) -> str:
    if lang == "ha":
        return rng.choice(["und", "und", "ht", "in"])  # X has no Hausa code
    return rng.choice(["zxx", "qme"]) if lang == "und" else lang


def time_order(items: list[Item]) -> list[int]:
    """Indexes of ``items`` in the order they are written (by time)."""
    return sorted(range(len(items)), key=lambda i: (items[i].at, i))


def records(items: list[Item], rng: random.Random) -> list[dict]:
    order = time_order(items)
    ids = {i: str(1_899_000_000_000_000_000 + rank * 7_340_033) for rank, i in enumerate(order)}
    out = []
    for i in order:
        item = items[i]
        handle, name = ACCOUNTS[item.account]
        out.append({
            "platform": "x", "id": ids[i], "text": item.text,
            "created_at": item.at.isoformat().replace("+00:00", "Z"),
            "url": f"https://x.com/{handle}/status/{ids[i]}", "author": handle,
            "author_id": str(1_000_000 + item.account * 7919), "author_name": name,
            "lang": x_hint(item.lang, rng), "media": item.media,
            "refs": {"repost_of": ids[item.repost_of]} if item.repost_of is not None else {},
        })
    return out


def generate() -> list[tuple[Item, dict]]:
    """Every sample item with its JSONL record, in file order (deterministic)."""
    rng = random.Random(227)
    items = base_items(rng)
    add_media(items, rng)
    items += variants(items, rng)
    rows = records(items, rng)
    return [(items[i], row) for i, row in zip(time_order(items), rows, strict=True)]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rows = [row for _, row in generate()]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"wrote {len(rows)} posts to {out}")


if __name__ == "__main__":
    main()
