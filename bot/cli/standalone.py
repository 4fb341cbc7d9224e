"""Interim entry point until the spine's ``main`` group exists: ``python -m bot.cli.standalone``.

The spine adds :data:`bot.cli.watchlist.watchlist` and :data:`bot.cli.analyze.analyze` to
``main`` and this module goes away.
"""

from __future__ import annotations

import click

from bot.cli.analyze import analyze
from bot.cli.watchlist import watchlist

cli = click.Group("sahelwatch", commands=[watchlist, analyze], help="SahelWatch (watchlist commands).")

if __name__ == "__main__":
    cli()
