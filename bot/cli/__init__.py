"""The ``sahelwatch`` command line. It mirrors the library: each command is a thin layer over
functions importable from ``bot``. Errors SahelWatch raises on purpose become one line on
stderr and exit code 2 (3 when the watchdog stopped a stuck bot, 4 when the database refused
writes); everything else is a bug and keeps its traceback.

Commands load lazily: :data:`COMMANDS` names the module that defines each one, and only that
module is imported when the command runs, so ``sahelwatch health`` or ``watchlist check`` do
not pay for the pipeline, X or Telegram clients. ``--help`` loads them all to list them."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from bot import heap
from bot.errors import ConfigError, SahelWatchError, StalledError, StorageError, WatchlistError

COMMANDS = {
    "analyze": "bot.cli.analyze",
    "demo": "bot.cli.core",
    "env-example": "bot.cli.ops",
    "export": "bot.cli.data",
    "health": "bot.cli.ops",
    "init": "bot.cli.init",
    "rematch": "bot.cli.rematch",
    "replay": "bot.cli.core",
    "run": "bot.cli.core",
    "sources": "bot.cli.sources",
    "stats": "bot.cli.data",
    "watchlist": "bot.cli.watchlist",
    "x": "bot.cli.x",
}
"""Top-level command -> the module whose import registers it on :data:`main`."""


class Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return self.commands.get(cmd_name)

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
    heap.map_large_blocks()  # freed index arrays go back to the system (bot.heap)


def all_commands() -> dict[str, click.Command]:
    """Every top-level command, loaded (docs checks, tests)."""
    ctx = click.Context(main)
    return {name: command for name in main.list_commands(ctx) if (command := main.get_command(ctx, name))}
