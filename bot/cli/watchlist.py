"""``sahelwatch watchlist check`` and ``sahelwatch watchlist explain``.

Problems are printed as ``file:line:column: problem``. Invalid watchlists given to ``explain``
(or ``analyze``) raise :class:`~bot.errors.WatchlistError`, which ``main`` prints (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import click

from bot.check import check_all, summary
from bot.cli import main
from bot.cli.common import load_settings
from bot.config import watchlists_dir
from bot.explain import explain_lines
from bot.pipeline.watchlist_reload import build
from bot.watchlist.limits import WatchlistLimits

WATCHLISTS_OPTION = click.option(
    "--watchlists", "directory", type=click.Path(file_okay=False, path_type=Path),
    help="Directory of watchlist YAML files (default: SAHELWATCH_WATCHLISTS, else the shipped ones).",
)


def resolve(directory: Path | None) -> Path:
    """The directory given, else the one ``run`` would use."""
    return directory if directory is not None else watchlists_dir(load_settings())


def limits() -> WatchlistLimits:
    """The size limits from the settings (SAHELWATCH_WATCHLIST_MAX_*)."""
    return WatchlistLimits.from_settings(load_settings())


@main.group("watchlist")
def watchlist() -> None:
    """Check watchlist files and explain what they match.

    \b
    Examples:
      sahelwatch watchlist check watchlists/
      sahelwatch watchlist explain "Embuscade près de Tillabéri"
    """


@watchlist.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="warnings fail too (exit 1): for the CI of a watchlists repository")
def check(directory: Path | None, strict: bool) -> None:
    """Check every watchlist file in DIRECTORY (default: the one `run` uses), and its
    channels.yaml against the watchlists' topics and SAHELWATCH_LANGUAGES.

    Prints one 'file:line:column: problem' line per error or warning, then a summary.
    Exits 1 when there are errors (with --strict: errors or warnings), 0 otherwise.

    \b
    Example:
      sahelwatch watchlist check watchlists/
      sahelwatch watchlist check --strict .
    """
    settings = load_settings()
    found = check_all(resolve(directory), settings.languages, WatchlistLimits.from_settings(settings))
    checked = found.checked
    for problem in checked.problems:
        click.echo(str(problem))
    click.echo(summary(checked, found.extra_files))
    if checked.errors or (strict and checked.warnings):
        raise SystemExit(1)


@watchlist.command("explain")
@WATCHLISTS_OPTION
@click.argument("text")
def explain(directory: Path | None, text: str) -> None:
    """Show which terms hit TEXT, in which topics, and why a topic did not fire.

    \b
    Example:
      sahelwatch watchlist explain "Wagner soldiers ambushed near Ménaka"
    """
    for line in explain_lines(build(resolve(directory), limits()).matcher, text):
        click.echo(line)
