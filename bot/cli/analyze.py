"""``sahelwatch analyze``: run JSONL posts through the pipeline and print what it decided.

One JSON line out per valid input line, in input order. Malformed lines are reported on
stderr as ``FILE:LINE: problem`` and skipped (exit status 1 at the end); invalid watchlists
stop the command with exit status 2 before any post is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import click

from bot.cli.watchlist import WATCHLISTS_OPTION, load_or_exit
from bot.models import Post, split_key
from bot.pipeline.base import Context, Pipeline
from bot.pipeline.match import match
from bot.pipeline.normalise import normalise
from bot.sources.jsonl import read_lines
from bot.watchlist.reload import Loaded


def analysis_pipeline(loaded: Loaded, db: Path | None) -> Pipeline:
    """Interim: the spine's pipeline builder replaces this (same stages as ``run``)."""
    if db is not None:
        raise click.UsageError("--db needs the store, which is not wired into this build yet")
    return Pipeline([normalise, match], Context(extras={"watchlist": loaded.matcher}))


@click.command("analyze")
@WATCHLISTS_OPTION
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite database to dedupe against (default: a throwaway one).")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def analyze(directory: Path, db: Path | None, source: IO[str]) -> None:
    """Run the pipeline over JSONL posts from SOURCE (a file or '-' for stdin).

    Each input line needs "id" and "text" (optional: lang, author, created_at, platform, url).
    Prints one JSON line per post: id, lang, topics, severity, matches, duplicate_of.

    \b
    Example:
      echo '{"id": "1", "text": "Embuscade près de Tillabéri"}' | sahelwatch analyze -
    """
    pipeline = analysis_pipeline(load_or_exit(directory), db)
    skipped = 0
    for line in read_lines(source):
        if line.post is None:
            click.echo(f"{source.name}:{line.number}: {line.error}", err=True)
            skipped += 1
            continue
        result = pipeline.run(line.post)
        click.echo(json.dumps(output_record(line.post, result), ensure_ascii=False))
    if skipped:
        raise SystemExit(1)


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
    }
