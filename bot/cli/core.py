"""Core commands: demo, run, replay, export, stats."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path

import click

from bot.app import Summary
from bot.cli import main
from bot.cli.common import (
    DB_OPTION,
    catch_stop_signals,
    load_settings,
    log_summary,
    print_summary,
    run_until_signal,
    service_errors,
)
from bot.config import Settings
from bot.runtime import Runtime, assemble
from bot.sinks.console import ConsoleSink
from bot.sources.clock import Clock
from bot.sources.payload import PayloadLimits
from bot.sources.replay import ReplaySource, sample_path
from bot.store.db import Store

log = logging.getLogger(__name__)


def replay_files(settings: Settings, files: list[Path], speed: float | None, console: bool,
                 stop: asyncio.Event | None = None, live: bool = False,
                 on_done: Callable[[Summary], None] | None = None) -> Summary:
    """Replay ``files`` through the full pipeline into ``settings.db``; return the summary.

    ``on_done`` gets the summary even when the run fails (a database fault raises
    :class:`~bot.errors.StorageError` after it)."""
    def go(stop: asyncio.Event) -> Coroutine[object, object, Summary]:
        return run_bot(settings, files, speed, console, stop, live=live, on_done=on_done)

    return run_until_signal(go) if stop is None else asyncio.run(go(stop))


async def run_bot(settings: Settings, files: list[Path], speed: float | None, console: bool, stop: asyncio.Event,
                  *, live: bool = True, clock: Clock | None = None,
                  on_done: Callable[[Summary], None] | None = None) -> Summary:
    """What ``run`` (``live``) and ``replay`` do, until ``stop`` (or, not live, the files' end).

    ``clock`` is the sources' and supervisor's injectable clock (tests move it by hand).
    """
    store = Store(settings.db)
    runtime = assemble(settings, store, live=live, clock=clock)
    replays = [ReplaySource(f, speed=speed, limits=PayloadLimits.from_settings(settings)) for f in files]
    runtime.sources.extend(replays)
    if console:
        runtime.sinks.append(ConsoleSink())
    app = runtime.app()
    if live:
        announce(runtime)
    try:
        return await app.run(stop, until_sources_done=not live)
    finally:
        app.summary.skipped += [f"{r.path.name}:{n}: {why}" for r in replays for n, why in r.skipped]
        store.close()
        if on_done is not None:
            on_done(app.summary)


def announce(runtime: Runtime) -> None:
    """Say at start what this bot will do, and warn when it can collect nothing."""
    sources = [s.name for s in runtime.sources]
    log.info("sahelwatch running", extra={"db": str(runtime.settings.db), "sources": sources,
                                          "sinks": [s.name for s in runtime.sinks],
                                          "tasks": [getattr(t, "__qualname__", "task") for t in runtime.tasks]})
    if not sources:
        log.warning("no source configured: set X_BEARER_TOKEN (or X_BEARER_TOKEN_FILE), or pass --replay FILE")


@main.command()
@DB_OPTION
@click.option("--quiet", "-q", is_flag=True, help="print only the summary")
def demo(db: Path | None, quiet: bool) -> None:
    """Replay the bundled sample (no network, no tokens) and print a summary.

    \b
    Example:
        sahelwatch demo
        sahelwatch demo --db /tmp/demo.db && sahelwatch stats --db /tmp/demo.db
    """
    with tempfile.TemporaryDirectory(prefix="sahelwatch-demo-") as tmp:
        settings = load_settings(db or Path(tmp) / "demo.db", x="off", telegram="off")
        summary = replay_files(settings, [sample_path()], None, console=not quiet)
        print_summary(summary)


@main.command()
@DB_OPTION
@click.option("--replay", "replays", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="also replay this JSONL file (repeatable)")
@click.option("--speed", type=float, help="pace replays at original gaps / SPEED")
@click.option("--console/--no-console", default=False, help="print each stored post")
def run(db: Path | None, replays: tuple[Path, ...], speed: float | None, console: bool) -> None:
    """Run until SIGTERM/SIGINT: configured sources -> pipeline -> store -> alerts.

    Everything it reports, from start to exit (including why it could not start and the final
    counts), is a log line on stderr in SAHELWATCH_LOG_FORMAT.

    \b
    Example:
        X_BEARER_TOKEN_FILE=/run/secrets/x sahelwatch run
        sahelwatch run --replay posts.jsonl --speed 60 --console
    """
    catch_stop_signals()
    with service_errors():
        settings = load_settings(db)
        log_summary(replay_files(settings, list(replays), speed, console, live=True))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@DB_OPTION
@click.option("--speed", type=float, help="pace at original gaps / SPEED (default: as fast as possible)")
@click.option("--console/--no-console", default=True, help="print each stored post")
def replay(files: tuple[Path, ...], db: Path | None, speed: float | None, console: bool) -> None:
    """Replay JSONL files (as written by `export`) into the database, then exit.

    Prints what was stored, duplicates and every skipped line with its reason. Exit status 0
    when every line was read (skipped lines included), 4 when the database refused writes
    (disk full, read-only): run it again once fixed, it resumes after the last stored line.

    \b
    Example:
        sahelwatch replay export.jsonl --db storage/sahelwatch.db
    """
    settings = load_settings(db, x="off", telegram="off")
    replay_files(settings, list(files), speed, console, on_done=print_summary)


def _register() -> None:
    from bot.cli import data  # noqa: F401


_register()
