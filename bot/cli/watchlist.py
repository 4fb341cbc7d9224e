"""``sahelwatch watchlist check`` and ``sahelwatch watchlist explain``.

Problems are printed as ``file:line:column: problem``; the library raises, only the CLI turns
errors into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path

import click

from bot.pipeline.match import Hit, Matcher
from bot.text import Folded
from bot.watchlist.load import check_directory
from bot.watchlist.reload import Loaded, build
from bot.watchlist.schema import Checked, WatchlistError

WATCHLISTS_OPTION = click.option(
    "--watchlists", "directory", default="watchlists", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Directory of watchlist YAML files.",
)


def load_or_exit(directory: Path) -> Loaded:
    """The compiled watchlist; on errors print them to stderr and exit with status 2."""
    try:
        return build(directory)
    except WatchlistError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(2) from exc


@click.group("watchlist")
def watchlist() -> None:
    """Check watchlist files and explain what they match.

    \b
    Examples:
      sahelwatch watchlist check watchlists/
      sahelwatch watchlist explain "Embuscade près de Tillabéri"
    """


@watchlist.command("check")
@click.argument("directory", default="watchlists", type=click.Path(path_type=Path))
def check(directory: Path) -> None:
    """Check every watchlist file in DIRECTORY (default: watchlists).

    Prints one 'file:line:column: problem' line per error or warning, then a summary.
    Exits 1 when there are errors, 0 when the watchlists are valid (warnings allowed).

    \b
    Example:
      sahelwatch watchlist check watchlists/
    """
    checked = check_directory(directory)
    for problem in checked.problems:
        click.echo(str(problem))
    click.echo(summary(checked))
    if checked.errors:
        raise SystemExit(1)


def summary(checked: Checked) -> str:
    counts = f"{len(checked.errors)} error(s), {len(checked.warnings)} warning(s)"
    if checked.watchlist is None:
        return f"invalid: {counts}"
    wl = checked.watchlist
    terms = sum(len(t.terms) for t in wl.topics)
    return (f"valid: {len(wl.topics)} topics, {terms} terms, {len(wl.accounts)} accounts "
            f"in {len(wl.files)} file(s); {counts}")


@watchlist.command("explain")
@WATCHLISTS_OPTION
@click.argument("text")
def explain(directory: Path, text: str) -> None:
    """Show which terms hit TEXT, in which topics, and why a topic did not fire.

    \b
    Example:
      sahelwatch watchlist explain "Wagner soldiers ambushed near Ménaka"
    """
    for line in explain_lines(load_or_exit(directory).matcher, text):
        click.echo(line)


def explain_lines(matcher: Matcher, text: str) -> list[str]:
    lines = [f"matching copy: {Folded(text).text.strip()}"]
    verdicts = matcher.verdicts(text)
    for verdict in verdicts:
        topic = verdict.topic
        state = f"FIRED ({topic.severity})" if verdict.fired else f"not fired: {verdict.reason}"
        lines.append(f"{topic.name}: {state}  [{topic.mark}]")
        lines += [f"  {_hit_line(hit, text)}" for hit in verdict.hits]
    if not verdicts:
        lines.append("no term of any topic matched")
    return lines


def _hit_line(hit: Hit, text: str) -> str:
    evasion = "  (possible evasion: hidden or lookalike characters)" if hit.evasion else ""
    role = {"terms": "term", "require": "required", "exclude": "excluded"}[hit.role]
    return (f"{role} '{hit.term.text}' [{hit.term.mark}] at {hit.start}-{hit.end}: "
            f"{text[hit.start:hit.end]!r}{evasion}")
