"""``sahelwatch x rules``: the filtered-stream rules compiled from the watchlists.

``--dry-run`` prints every compiled rule, the terms left out and the approximations, and
changes nothing; with an X token it also asks X to validate the rules (``dry_run=true``) and
resolves account handles to ids. Without ``--dry-run`` the rules on X are synced now (what
``run`` does at start). Exit status 1 when a term was left out or X rejected a rule.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import load_settings
from bot.cli.watchlist import WATCHLISTS_OPTION, resolve
from bot.sources.clock import SystemClock
from bot.sources.x.options import options_from_settings
from bot.sources.x.rules import Compiled, Limits, compile_rules
from bot.sources.x.ruleset import RuleKeeper
from bot.sources.x.rulesync import add_rules
from bot.watchlist.reload import build
from bot.watchlist.schema import Watchlist


@main.group("x")
def x_group() -> None:
    """The X collector: its stream rules.

    \b
    Example:
      sahelwatch x rules --dry-run
    """


def print_compiled(compiled: Compiled, max_rules: int, max_length: int) -> None:
    for number, rule in enumerate(compiled.rules, start=1):
        click.echo(f"rule {number}  tag={rule.tag}  {len(rule.value)} chars")
        click.echo(f"  {rule.value}")
    click.echo(f"left out ({len(compiled.left_out)}):")
    for item in compiled.left_out:
        click.echo(f"  {item.topic}: {item.term[:120]} ({item.reason})")
    click.echo(f"approximations and notes ({len(compiled.notes)}):")
    for note in compiled.notes:
        click.echo(f"  {note}")
    longest = max((len(r.value) for r in compiled.rules), default=0)
    click.echo(
        f"{len(compiled.rules)} rules of {max_rules} allowed; longest {longest} of {max_length} "
        f"characters; {len(compiled.left_out)} terms left out"
    )


async def _compile(keeper: RuleKeeper | None, watchlist: Watchlist, limits: Limits, sync: bool) -> Compiled:
    if keeper is None:
        return compile_rules(watchlist, limits)
    return await (keeper.sync() if sync else keeper.compile())


async def _dry_run(keeper: RuleKeeper | None, compiled: Compiled) -> list[str]:
    if keeper is None:
        click.echo("X not asked (no X_BEARER_TOKEN): rules checked against the configured limits only")
        return []
    _created, problems = await asyncio.to_thread(add_rules, keeper.rules_api, list(compiled.rules), True)
    click.echo(f"X dry run: {len(problems)} problems")
    for problem in problems:
        click.echo(f"  {problem}")
    return problems


@x_group.command("rules")
@WATCHLISTS_OPTION
@click.option("--dry-run", is_flag=True, help="Show the compiled rules and what does not fit; change nothing.")
def rules(directory: Path | None, dry_run: bool) -> None:
    """Compile the watchlists into X stream rules and sync them (or only show them).

    \b
    Example:
      sahelwatch x rules --dry-run
      sahelwatch x rules --dry-run --watchlists my-watchlists/
    """
    settings = load_settings(telegram="off")
    loaded = build(resolve(directory))
    limits = Limits(settings.x_max_rules, settings.x_rule_length)
    keeper = None
    if settings.x_bearer_token:
        keeper = RuleKeeper(options_from_settings(settings), lambda: loaded.watchlist, None, SystemClock())
    elif not dry_run:
        raise click.UsageError("syncing rules needs X_BEARER_TOKEN (or use --dry-run)")
    compiled = asyncio.run(_compile(keeper, loaded.watchlist, limits, sync=not dry_run))
    print_compiled(compiled, limits.max_rules, limits.max_length)
    problems = asyncio.run(_dry_run(keeper, compiled)) if dry_run else []
    if compiled.left_out or problems:
        sys.exit(1)
