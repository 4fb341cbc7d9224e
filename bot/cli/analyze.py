"""``sahelwatch analyze``: run JSONL posts through the same pipeline as ``run`` and print what
it decided, one JSON line per post, in input order.

Posts are stored as ``run`` stores them (so later posts dedupe against earlier ones), in a
throwaway database unless ``--db`` is given. Every non-blank input line gets one output line:
its result (with ``"line": N``), or ``{"line": N, "error": "..."}`` for a malformed line or a
post that failed in the pipeline (also on stderr as ``FILE:LINE: skipped: problem``; exit
status 1 at the end). Invalid watchlists stop the command with exit status 2 before any post
is read; a database that refuses writes stops it with exit status 4.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import IO, Any

import click

from bot.app import App
from bot.cli import main
from bot.cli.common import load_settings
from bot.cli.watchlist import WATCHLISTS_OPTION, resolve
from bot.errors import StorageError
from bot.models import Post, split_key
from bot.runtime import assemble
from bot.sources.base import Collected
from bot.sources.jsonl import Line, read_lines
from bot.sources.payload import PayloadLimits
from bot.store.db import Store
from bot.store.faults import fault_of

SOURCE_NAME = "analyze"


@main.command("analyze")
@WATCHLISTS_OPTION
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file to store into and dedupe against (default: a throwaway one).")
@click.argument("source", type=click.File("rb"), default="-")
def analyze(directory: Path | None, db: Path | None, source: IO[bytes]) -> None:
    """Run JSONL posts from SOURCE (a file, or '-' for stdin) through the pipeline.

    Each input line needs "id" and "text" (optional: lang, author, created_at, platform, url).
    Prints one JSON line per input line: line, id, lang, topics, severity, matches,
    duplicate_of, story (the id of the story's first post: shared by every post reporting the
    same incident), and where and what: country (ISO alpha-2), place, admin1, event (ACLED type),
    casualties, place_why; or {"line": N, "error": "..."} for a line that could not be analysed.

    \b
    Example:
      echo '{"id": "1", "text": "Embuscade près de Tillabéri"}' | sahelwatch analyze -
      sahelwatch analyze --watchlists my-watchlists/ --db storage/sahelwatch.db posts.jsonl
    """
    with tempfile.TemporaryDirectory(prefix="sahelwatch-analyze-") as tmp:
        settings = load_settings(db or Path(tmp) / "analyze.db", x="off", telegram="off",
                                 watchlists=resolve(directory))
        store = Store(settings.db)
        limits = PayloadLimits.from_settings(settings)
        try:
            skipped = _analyze(assemble(settings, store, live=False).app(), source, limits)
        finally:
            store.close()
    if skipped:
        raise SystemExit(1)


def _analyze(app: App, source: IO[bytes], limits: PayloadLimits) -> int:
    """Lines in batches (the same batched path as ``replay``), answered in input order."""
    skipped, pending = 0, []
    for line in read_lines(source, limits=limits):
        pending.append(line)
        if len(pending) >= app.batch_size:
            skipped += _answer(app, source, pending)
            pending = []
    return skipped + _answer(app, source, pending)


def _answer(app: App, source: IO[bytes], lines: list[Line]) -> int:
    posts = [line for line in lines if line.post is not None]
    try:
        outcomes = iter(app.ingest_many([(SOURCE_NAME, Collected(line.post, None)) for line in posts]))
    except Exception as exc:
        if (fault := fault_of(exc)) is None:
            raise
        raise StorageError(f"{fault} ({exc}) at lines {lines[0].number}-{lines[-1].number}") from exc
    skipped = 0
    for line in lines:
        outcome = next(outcomes) if line.post is not None else None
        error = line.error if outcome is None else outcome.error
        if error is not None or line.post is None:
            skipped += _skip(source, line.number, str(error))
            continue
        record = output_record(line.post, outcome.post if outcome else None)
        click.echo(json.dumps({"line": line.number, **record}, ensure_ascii=False))
    return skipped


def _skip(source: IO[bytes], number: int, error: str) -> int:
    click.echo(json.dumps({"line": number, "error": error}, ensure_ascii=False))
    click.echo(f"{getattr(source, 'name', '-')}:{number}: skipped: {error}", err=True)
    return 1


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
        "story": split_key(result.story.key)[1] if result.story else None,
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
