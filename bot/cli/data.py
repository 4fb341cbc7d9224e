"""Reading the database: export and stats."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import DB_OPTION, SINCE_OPTION, load_settings, open_existing
from bot.sources.jsonl import record_from_post
from bot.store.posts import iter_posts
from bot.store.stats import collect_stats

CSV_FIELDS = ("platform", "id", "created_at", "author", "lang_detected", "topics", "duplicate_of", "url", "text")


@main.command()
@DB_OPTION
@SINCE_OPTION
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
def export(db: Path | None, since: datetime | None, fmt: str) -> None:
    """Write stored posts to stdout (JSONL readable by `replay` and `analyze`, or CSV).

    \b
    Example:
        sahelwatch export --since 2026-11-01 > november.jsonl
        sahelwatch export --format csv > posts.csv
    """
    store = open_existing(load_settings(db).db)
    writer = csv.DictWriter(sys.stdout, CSV_FIELDS, extrasaction="ignore") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for post in iter_posts(store, since):
        record = record_from_post(post)
        if writer:
            writer.writerow({**record, "topics": " ".join(record["topics"])})
        else:
            click.echo(json.dumps(record, ensure_ascii=False))


@main.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def stats(db: Path | None, as_json: bool) -> None:
    """Counts per language, topic and source; cursors; outbox and source health.

    \b
    Example:
        sahelwatch stats --db storage/sahelwatch.db
    """
    report = collect_stats(open_existing(load_settings(db).db))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    for section, values in report.items():
        click.echo(f"{section}:")
        items = values.items() if isinstance(values, dict) else [("", values)]
        for key, value in items:
            click.echo(f"  {key}: {value}" if key else f"  {value}")
