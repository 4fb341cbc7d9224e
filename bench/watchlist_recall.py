"""How much of the demo sample and the language set the watchlists catch, per language.

    python bench/watchlist_recall.py [--watchlists DIR] [--list]

Posts go through the same path as ``sahelwatch analyze`` (settings → runtime → ``ingest_one``
into a throwaway SQLite file), so normalising, language and dedupe run before matching.

1. The demo sample (``bench/make_sample.py``, regenerated in memory with its labels): per
   language, the share of news posts and of noise posts that fire at least one topic; the
   unmatched news posts (security news the watchlists miss) and the noise posts that fired.
2. The language set (``tests/data/lang/*.txt``, unlabelled: security news, other news and chat
   mixed): the share of lines that fire a topic; ``--list`` prints the lines that fire none.

Prints figures only (never pass/fail).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from make_sample import generate  # noqa: E402  (bench/ is the script's directory)

from bot import logs  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.runtime import assemble, default_watchlists  # noqa: E402
from bot.sources.base import Collected  # noqa: E402
from bot.sources.jsonl import post_from_record  # noqa: E402
from bot.store.db import Store  # noqa: E402

LANG_SET = ROOT / "tests" / "data" / "lang"
LANGS = ("en", "fr", "ar", "ha")


@dataclass(frozen=True)
class Row:
    lang: str
    label: str  # "news", "noise" or "unlabelled"
    origin: str
    text: str
    topics: tuple[str, ...]


def analyze(watchlists: Path, records: Iterable[dict]) -> list[tuple[str, ...]]:
    """The topics each record fires, through the ``sahelwatch analyze`` pipeline."""
    with tempfile.TemporaryDirectory(prefix="watchlist-recall-") as tmp:
        settings = Settings(db=Path(tmp) / "recall.db", x="off", telegram="off", watchlists=watchlists,
                            log_level="ERROR")
        logs.setup(settings.log_level, settings.log_format, settings.secrets())
        store = Store(settings.db)
        try:
            ingest = assemble(settings, store, live=False).app().ingest_one
            results = [ingest("bench", Collected(post_from_record(record), None)) for record in records]
        finally:
            store.close()
    return [result.topics if result else () for result in results]


def sample_rows(watchlists: Path) -> list[Row]:
    pairs = generate()
    topics = analyze(watchlists, (record for _, record in pairs))
    return [Row(item.lang, item.label, item.origin, item.text, found)
            for (item, _), found in zip(pairs, topics, strict=True)]


def lang_set_rows(watchlists: Path) -> list[Row]:
    lines = [(lang, text) for lang in LANGS
             for text in (LANG_SET / f"{lang}.txt").read_text(encoding="utf-8").splitlines() if text.strip()]
    records = ({"platform": "x", "id": str(n), "text": text, "created_at": "2025-03-10T00:00:00Z"}
               for n, (_, text) in enumerate(lines, 1))
    topics = analyze(watchlists, records)
    return [Row(lang, "unlabelled", "lang set", text, found)
            for (lang, text), found in zip(lines, topics, strict=True)]


def share(rows: list[Row]) -> str:
    hit = sum(1 for row in rows if row.topics)
    return f"{hit:3d}/{len(rows):<3d} {100 * hit / len(rows):5.1f} %" if rows else "    -          "


def report(title: str, rows: list[Row], labels: tuple[str, ...]) -> None:
    print(f"\n{title}: share of posts firing at least one topic")
    print("lang  " + "  ".join(f"{label:<16}" for label in labels))
    by_lang: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_lang[row.lang].append(row)
    for lang in [*LANGS, "und"]:
        if by_lang[lang]:
            cells = [share([r for r in by_lang[lang] if r.label == label]) for label in labels]
            print(f"{lang:<5} " + "  ".join(f"{cell:<16}" for cell in cells))
    print("all   " + "  ".join(f"{share([r for r in rows if r.label == label]):<16}" for label in labels))


def listing(title: str, rows: list[Row]) -> None:
    seen: set[str] = set()
    unique = [row for row in rows if not (row.text in seen or seen.add(row.text))]
    print(f"\n{title} ({len(unique)} distinct texts)")
    for row in unique:
        fired = f"  -> {', '.join(row.topics)}" if row.topics else ""
        print(f"  [{row.lang}] {row.origin}: {row.text}{fired}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watchlists", type=Path, default=default_watchlists())
    parser.add_argument("--list", action="store_true", help="also list the language-set lines that fire nothing")
    args = parser.parse_args()
    print(f"watchlists: {args.watchlists}")
    sample = sample_rows(args.watchlists)
    report("Demo sample (bench/make_sample.py)", sample, ("news", "noise"))
    listing("Unmatched news posts in the sample", [r for r in sample if r.label == "news" and not r.topics])
    listing("Noise posts in the sample that fire a topic", [r for r in sample if r.label == "noise" and r.topics])
    lang_set = lang_set_rows(args.watchlists)
    report("Language set (tests/data/lang, unlabelled)", lang_set, ("unlabelled",))
    if args.list:
        listing("Language-set lines firing nothing", [r for r in lang_set if not r.topics])


if __name__ == "__main__":
    main()
