"""The ``sahelwatch`` command line. It mirrors the library: each command is a thin layer over
functions importable from ``bot``. Errors SahelWatch raises on purpose become one line on
stderr and exit code 2 (3 when the watchdog stopped a stuck bot, 4 when the database refused
writes); everything else is a bug and keeps its traceback."""

from __future__ import annotations

import sys
from typing import Any

import click

from bot.errors import ConfigError, SahelWatchError, StalledError, StorageError, WatchlistError


class Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WatchlistError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            sys.exit(2)
        except StalledError as exc:
            click.echo(f"sahelwatch: {exc}", err=True)
            sys.exit(3)
        except StorageError as exc:
            click.echo(f"sahelwatch: database error: {exc}", err=True)
            sys.exit(4)
        except (ConfigError, SahelWatchError) as exc:
            click.echo(f"sahelwatch: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sahelwatch")
def main() -> None:
    """SahelWatch: security-news monitoring for the Sahel.

    \b
    Example:
        sahelwatch demo
    """


def _register() -> None:
    from bot.cli import analyze, core, init, ops, rematch, sources, watchlist, x  # noqa: F401  (commands register on `main`)


_register()
