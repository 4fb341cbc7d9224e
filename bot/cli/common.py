"""Helpers shared by CLI commands: settings, logging, the event loop with signal handling."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from bot import logs
from bot.config import Settings
from bot.errors import SahelWatchError, StalledError, StorageError, WatchlistError

if TYPE_CHECKING:  # imported where used: `health` or `watchlist check` need neither the pipeline nor the store
    from bot.app import Summary
    from bot.store.db import Store

T = TypeVar("T")
log = logging.getLogger("bot.cli")
DB_OPTION = click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default: SAHELWATCH_DB)")


def load_settings(db: Path | None = None, **overrides: object) -> Settings:
    settings = Settings.from_env()
    changes = {k: v for k, v in {"db": db, **overrides}.items() if v is not None}
    if changes:
        settings = Settings(**{**vars(settings), **changes})
    logs.setup(settings.log_level, settings.log_format, settings.secrets())
    return settings


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    from bot.sources.jsonl import parse_time

    try:
        return parse_time(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


SINCE_OPTION = click.option("--since", callback=_since, help="only posts created at or after this ISO time")


def open_existing(path: Path) -> Store:
    """The database at ``path``; a missing file is an error, not a new empty database."""
    from bot.store.db import Store

    if not path.exists():
        raise click.ClickException(f"no database at {path} (set SAHELWATCH_DB or pass --db)")
    return Store(path)


_EARLY_STOP = threading.Event()


def catch_stop_signals() -> None:
    """From now on SIGTERM/SIGINT request a clean stop, even before the event loop runs
    (start-up loads models and watchlists): :func:`run_until_signal` honours it at once."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: _EARLY_STOP.set())


def run_until_signal(main: Callable[[asyncio.Event], Awaitable[T]]) -> T:
    """Run ``main(stop)``; SIGTERM and SIGINT set ``stop`` so it can finish cleanly."""

    async def runner() -> T:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if _EARLY_STOP.is_set():
            stop.set()
        return await main(stop)

    return asyncio.run(runner())


SHOWN_SKIPS = 20


def print_summary(summary: Summary) -> None:
    click.echo(
        f"read {summary.read}, stored {summary.stored}, duplicates {summary.duplicates}, "
        f"already stored {summary.already_stored}, dropped {summary.dropped}, errors {summary.errors}, "
        f"skipped {len(summary.skipped)}"
    )
    for where in summary.skipped[:SHOWN_SKIPS]:
        click.echo(f"skipped {where}")
    if len(summary.skipped) > SHOWN_SKIPS:
        click.echo(f"skipped ... and {len(summary.skipped) - SHOWN_SKIPS} more (see the log)")
    langs = ", ".join(f"{k} {v}" for k, v in sorted(summary.languages.items(), key=lambda kv: -kv[1]))
    click.echo(f"languages: {langs or '-'}")
    topics = ", ".join(f"{k} {v}" for k, v in sorted(summary.topics.items(), key=lambda kv: -kv[1]))
    click.echo(f"topics: {topics or '-'}")


@contextmanager
def service_errors() -> Iterator[None]:
    """For ``run``, a service: its refusal to start, the watchdog's stop and a crash are log
    events in the configured format (JSON in a container), like every other line it writes from
    start to exit, never plain text between JSON lines. Exit codes as for other commands."""
    try:
        yield
    except WatchlistError as exc:
        _ensure_logging()
        for problem in exc.problems:
            log.error("sahelwatch cannot start: invalid watchlist or channels.yaml", extra={"problem": problem})
        sys.exit(2)
    except StalledError as exc:
        _ensure_logging()
        log.critical("sahelwatch stopped by the watchdog", extra={"reason": str(exc), "exit_code": 3})
        sys.exit(3)
    except StorageError as exc:
        _ensure_logging()
        log.critical("sahelwatch stopped: the database refused writes", extra={"error": str(exc), "exit_code": 4})
        sys.exit(4)
    except SahelWatchError as exc:
        _ensure_logging()
        log.error("sahelwatch cannot start", extra={"error": str(exc), "exit_code": 2})
        sys.exit(2)
    except click.ClickException:
        raise
    except Exception:
        _ensure_logging()
        log.critical("sahelwatch crashed", exc_info=True, extra={"exit_code": 1})
        sys.exit(1)


def _ensure_logging() -> None:
    """Settings failed before logging was set up: use the defaults (and the format asked for)."""
    if not logging.getLogger().handlers:
        logs.setup("INFO", os.environ.get("SAHELWATCH_LOG_FORMAT", "auto"))


def log_summary(summary: Summary) -> None:
    """The summary ``run`` ends with, as a log event like every line before it."""
    log.info("sahelwatch stopped", extra={
        "read": summary.read, "stored": summary.stored, "duplicates": summary.duplicates,
        "already_stored": summary.already_stored, "dropped": summary.dropped, "errors": summary.errors,
        "languages": dict(summary.languages), "topics": dict(summary.topics),
    })
