"""``sahelwatch x rules``: the filtered-stream rules compiled from the watchlists.

``--dry-run`` prints every compiled rule, then per term what X is asked for (term → atoms
and rule tags) and what SahelWatch's own matcher still catches only if X sends the post, the
terms left out and the approximations, and changes nothing; with an X token it also asks X
to validate the rules (``dry_run=true``) and resolves account handles to ids. Without
``--dry-run`` the rules on X are synced now (what ``run`` does at start). Exit status 1
when a term was left out or X rejected a rule.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import DB_OPTION, load_settings
from bot.cli.watchlist import WATCHLISTS_OPTION, resolve
from bot.config import Settings
from bot.pipeline.watchlist_reload import build
from bot.sources.clock import SystemClock
from bot.sources.x.rules import TAG_PREFIX, Compiled, Limits, compile_rules
from bot.sources.x.ruleset import RECENT_POSTS, RuleKeeper, options_from_settings
from bot.sources.x.sync import add_rules
from bot.sources.x.terms import observed_forms
from bot.store.db import Store
from bot.store.posts import recent_texts
from bot.watchlist.limits import WatchlistLimits
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
    click.echo("terms -> X rules:")
    for line in term_lines(compiled):
        click.echo(line)
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


def term_lines(compiled: Compiled) -> list[str]:
    """Per term: what X is asked for, in which rules, and what only SahelWatch's matcher catches."""
    lines = []
    for item in compiled.terms:
        tags = ", ".join(t.removeprefix(TAG_PREFIX) for t in item.tags) or "no rule"
        lines.append(f"  {item.topic}: {item.term} [{item.mark}] -> {' OR '.join(item.atoms) or '-'}  ({tags})")
        lines += [f"      matcher only, if X sends the post: {what}" for what in item.matcher_only]
    if compiled.terms:
        lines.append("  every term: words with hidden characters (zero-width, soft hyphen, tatweel) or lookalike "
                     "letters are caught by SahelWatch only if X sends the post")
    return lines


def stored_forms(settings: Settings, watchlist: Watchlist) -> dict[str, list[str]]:
    """Words the stored posts (if there is a database) show the prefix terms matched."""
    if not Path(settings.db).exists():
        return {}
    store = Store(settings.db, migrate=False)
    try:
        texts = recent_texts(store, RECENT_POSTS) if "posts" in store.db.table_names() else []
        return observed_forms(watchlist, texts)
    finally:
        store.close()


async def _compile(keeper: RuleKeeper | None, watchlist: Watchlist, limits: Limits, sync: bool,
                   observed: dict[str, list[str]]) -> Compiled:
    if keeper is None:
        return compile_rules(watchlist, limits, observed=observed)
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
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Show the compiled rules and what does not fit; change nothing.")
def rules(directory: Path | None, db: Path | None, dry_run: bool) -> None:
    """Compile the watchlists into X stream rules and sync them (or only show them).

    \b
    Example:
      sahelwatch x rules --dry-run
      sahelwatch x rules --dry-run --watchlists my-watchlists/

    Prefix terms (attaque*) are sent with their inflected forms, including the words the posts
    stored in the database (--db, default SAHELWATCH_DB, if it exists) show they matched.
    """
    settings = load_settings(db, telegram="off")
    loaded = build(resolve(directory), WatchlistLimits.from_settings(settings))
    limits = Limits(settings.x_max_rules, settings.x_rule_length)
    keeper = None
    observed = stored_forms(settings, loaded.watchlist)
    if settings.x_bearer_token:
        keeper = RuleKeeper(options_from_settings(settings), lambda: loaded.watchlist, None, SystemClock())
        keeper.observed = observed
    elif not dry_run:
        raise click.UsageError("syncing rules needs X_BEARER_TOKEN (or use --dry-run)")
    compiled = asyncio.run(_compile(keeper, loaded.watchlist, limits, not dry_run, observed))
    print_compiled(compiled, limits.max_rules, limits.max_length)
    problems = asyncio.run(_dry_run(keeper, compiled)) if dry_run else []
    if compiled.left_out or problems:
        sys.exit(1)
