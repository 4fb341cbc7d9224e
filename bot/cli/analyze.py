"""``sahelwatch analyze``: run JSONL posts through the same pipeline as ``run`` and print what
it decided, one JSON line per post, in input order.

Posts are stored as ``run`` stores them (so later posts dedupe against earlier ones), in a
throwaway database unless ``--db`` is given. Malformed lines are reported on stderr as
``FILE:LINE: problem`` and skipped (exit status 1 at the end); invalid watchlists stop the
command with exit status 2 before any post is read.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import IO, Any

import click

from bot.cli import main
from bot.cli.common import load_settings
from bot.cli.watchlist import WATCHLISTS_OPTION, resolve
from bot.models import Post, split_key
from bot.runtime import assemble
from bot.sources.base import Collected
from bot.sources.jsonl import read_lines
from bot.store.db import Store

SOURCE_NAME = "analyze"


@main.command("analyze")
@WATCHLISTS_OPTION
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file to store into and dedupe against (default: a throwaway one).")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def analyze(directory: Path | None, db: Path | None, source: IO[str]) -> None:
    """Run JSONL posts from SOURCE (a file, or '-' for stdin) through the pipeline.

    Each input line needs "id" and "text" (optional: lang, author, created_at, platform, url).
    Prints one JSON line per post: id, lang, topics, severity, matches, duplicate_of, and where
    and what: country (ISO alpha-2), place, admin1, event (ACLED type), casualties, place_why.

    \b
    Example:
      echo '{"id": "1", "text": "Embuscade près de Tillabéri"}' | sahelwatch analyze -
      sahelwatch analyze --watchlists my-watchlists/ --db storage/sahelwatch.db posts.jsonl
    """
    with tempfile.TemporaryDirectory(prefix="sahelwatch-analyze-") as tmp:
        settings = load_settings(db or Path(tmp) / "analyze.db", x="off", telegram="off",
                                 watchlists=resolve(directory))
        store = Store(settings.db)
        try:
            skipped = _analyze(assemble(settings, store, live=False).app().ingest_one, source)
        finally:
            store.close()
    if skipped:
        raise SystemExit(1)


def _analyze(ingest: Any, source: IO[str]) -> int:
    skipped = 0
    for line in read_lines(source):
        if line.post is None:
            click.echo(f"{source.name}:{line.number}: skipped: {line.error}", err=True)
            skipped += 1
            continue
        result = ingest(SOURCE_NAME, Collected(line.post, None))
        click.echo(json.dumps(output_record(line.post, result), ensure_ascii=False))
    return skipped


def output_record(post: Post, result: Post | None) -> dict[str, Any]:
    if result is None:
        return {"id": post.platform_id, "dropped": True}
    return {
        "id": post.platform_id,
        "lang": result.lang or result.lang_hint,
        "topics": list(result.topics),
        "severity": result.severity,
        "matches": [
            {"topic": m.topic, "term": m.term, "start": m.start, "end": m.end,
             "text": post.text[m.start:m.end], "evasion": m.evasion}
            for m in result.matches
        ],
        "duplicate_of": split_key(result.duplicate_of)[1] if result.duplicate_of else None,
        **where_and_what(result),
    }


def where_and_what(post: Post) -> dict[str, Any]:
    """The enrich stage's fields: country (ISO alpha-2), place, admin1, event, casualties, why."""
    place = post.place
    stated = {k: v for k, v in vars(post.casualties).items() if v is not None}
    return {
        "country": place.country if place else None, "place": place.name if place else None,
        "admin1": place.admin1 if place else None, "event": post.event,
        "casualties": stated or None, "place_why": place.why if place else None,
    }
