"""``sahelwatch rematch``: match stored posts again after a watchlist change and print counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import SINCE_OPTION, load_settings, open_existing
from bot.cli.watchlist import WATCHLISTS_OPTION, resolve
from bot.pipeline.rematch import Example, RematchSummary, rematch
from bot.pipeline.watchlist_reload import build
from bot.watchlist.limits import WatchlistLimits


@main.command("rematch")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file (default: SAHELWATCH_DB)")
@WATCHLISTS_OPTION
@SINCE_OPTION
@click.option("--dry-run", is_flag=True, help="count what would change and show example posts; write nothing")
@click.option("--examples", "examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="with --dry-run: example posts shown per topic gained and per topic lost")
def rematch_command(db: Path | None, directory: Path | None, since: datetime | None, dry_run: bool,
                    examples: int) -> None:
    """Run the current watchlists over stored posts again (only the match stage).

    For each post whose topics, severity or matches change, the stored topics, severity and
    matches are replaced; language, duplicates and everything else stay as they are. No
    alerts are sent or queued for old posts (nothing is written to the outbox). Prints
    counts: posts scanned, changed, and per topic how many posts gained or lost it; with
    --dry-run also up to --examples posts per topic gained (+) and lost (-): time, an excerpt
    and the terms that matched.
    Invalid watchlists stop the command with exit status 2 before any post is read.

    \b
    Example:
      sahelwatch rematch --since 2026-11-20 --dry-run
      sahelwatch rematch --watchlists my-watchlists/ --db storage/sahelwatch.db
    """
    settings = load_settings(db)
    matcher = build(resolve(directory), WatchlistLimits.from_settings(settings)).matcher
    store = open_existing(settings.db)
    try:
        summary = rematch(store, matcher, since, dry_run=dry_run, examples=examples if dry_run else 0)
    finally:
        store.close()
    for line in report(summary, dry_run):
        click.echo(line)


def report(summary: RematchSummary, dry_run: bool) -> list[str]:
    outcome = "dry run: nothing written" if dry_run else "written"
    lines = [f"scanned {summary.scanned}, changed {summary.changed} ({outcome})"]
    for topic in sorted(set(summary.gained) | set(summary.lost)):
        lines.append(f"  {topic}: +{summary.gained[topic]} -{summary.lost[topic]}")
        lines += [example_line("+", ex) for ex in summary.gained_examples.get(topic, [])]
        lines += [example_line("-", ex) for ex in summary.lost_examples.get(topic, [])]
    return lines


def example_line(sign: str, ex: Example) -> str:
    terms = ", ".join(ex.terms) or "-"
    return f"    {sign} {ex.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC  \"{ex.excerpt}\"  [{terms}]"
