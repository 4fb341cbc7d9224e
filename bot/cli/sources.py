"""``sahelwatch sources``: every configured source with its state, and ``--check`` to try each once."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import DB_OPTION, load_settings
from bot.components.sources import configured, make_kit
from bot.config import Settings, watchlists_dir
from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.registry import Runtime
from bot.sources.base import Source
from bot.sources.kit import Checkable
from bot.sources.sources_file import FILE_NAME, SourcesFileHolder
from bot.store.db import Store
from bot.store.sources import read_health
from bot.store.state import cursors
from bot.watchlist.limits import WatchlistLimits

SHOWN = ("state", "items", "last_item_at", "errors", "skipped", "restarts", "failing_since", "last_error")


def describe(name: str, row: dict | None, cursor: str | None) -> str:
    if row is None:
        return f"{name}\n  never run on this database; cursor={cursor or '-'}"
    values = "  ".join(f"{k}={row[k] if row[k] is not None else '-'}" for k in SHOWN)
    return f"{name}\n  {values}\n  cursor={cursor or '-'}"


async def check_all(sources: list[Source], close: Callable[[], Awaitable[None]]) -> list[tuple[str, bool, str]]:
    """Try each source once, in order; ``close`` releases the shared HTTP client afterwards."""
    results = []
    for source in sources:
        if not isinstance(source, Checkable):
            results.append((source.name, True, "no check for this kind of source"))
            continue
        try:
            results.append((source.name, True, await source.check()))
        except Exception as exc:  # reported, not raised: the admin wants every source's answer
            results.append((source.name, False, f"{type(exc).__name__}: {exc}"[:500]))
    await close()
    return results


def build(settings: Settings, store: Store) -> tuple[list[Source], Callable[[], Awaitable[None]]]:
    runtime = Runtime(settings, store)
    runtime.watchlist = WatchlistHolder(watchlists_dir(settings), limits=WatchlistLimits.from_settings(settings))
    kit = make_kit(runtime, SourcesFileHolder(watchlists_dir(settings) / FILE_NAME))
    return configured(kit), kit.poller.aclose


@main.command("sources")
@DB_OPTION
@click.option("--check", is_flag=True, help="fetch each source once and report what it found (exit 1 if any failed)")
def sources_command(db: Path | None, check: bool) -> None:
    """Every configured source: state, last item, cursor, errors, last error.

    Sources come from the switches (SAHELWATCH_X, SAHELWATCH_FEEDS, ...) and
    watchlists/sources.yaml; their state from the last run on this database.

    \b
    Example:
        sahelwatch sources
        sahelwatch sources --check
    """
    settings = load_settings(db)
    store = Store(settings.db) if settings.db.exists() else Store(":memory:")
    sources, close = build(settings, store)
    health = {r["name"]: r for r in read_health(store)}
    stored = cursors(store)
    if not sources:
        click.echo(f"no source configured (list feeds or accounts in {FILE_NAME}, or set X_BEARER_TOKEN)")
    for source in sources:
        click.echo(describe(source.name, health.get(source.name), stored.get(source.name)))
    for name in sorted(set(health) - {s.name for s in sources}):
        click.echo(f"{name}\n  no longer configured (last state {health[name]['state']})")
    if not check:
        return
    click.echo("")
    results = asyncio.run(check_all(sources, close))
    for name, ok, message in results:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {message}")
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)
