"""``sahelwatch init``: starter watchlists, channels.yaml, .env and secret files (:mod:`bot.starter`).

Values come from the options; whatever is missing is asked for when stdin is a terminal (or
with ``--ask``), never with ``--no-input``. Tokens are asked for with hidden input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli import main
from bot.cli.common import load_settings
from bot.cli.ops import render_env_example
from bot.starter import SECRETS, Answers, Channel, Report, write_starter

NEXT_STEPS = """\
next:
  sahelwatch watchlist check watchlists      # the starter files are valid; check again after each edit
  docker compose up -d --build               # docs/deploy.md, step 7 (secrets: sudo chown 10001:10001 secrets/*)"""


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace("،", ",").split(",") if part.strip())


def ask_channels() -> tuple[Channel, ...]:
    channels = []
    while True:
        chat = click.prompt("Telegram channel for alerts (@name or -100… id; empty to finish)", default="",
                            show_default=False).strip()
        if not chat:
            return tuple(channels)
        topics = click.prompt("  topics, comma-separated (empty: all)", default="", show_default=False)
        languages = click.prompt("  languages, e.g. en,fr (empty: all)", default="", show_default=False)
        digest = click.prompt("  routine posts in a digest every (e.g. 1h; empty: send at once)", default="",
                              show_default=False)
        channels.append(Channel(chat, _split(topics), _split(languages), digest.strip()))


def ask_missing(answers: Answers) -> Answers:
    channels = answers.channels or ask_channels()
    admins = answers.admins or tuple(
        int(a) for a in _split(click.prompt("Admins' numeric Telegram user ids, comma-separated (empty: none)",
                                            default="", show_default=False)) if a.isdigit())
    admin_chat = answers.admin_chat_id or click.prompt(
        "Admin chat for errors and health (@name or id; empty: none)", default="", show_default=False).strip()
    tokens = dict(answers.tokens)
    for kind, name in SECRETS.items():
        if kind not in tokens:
            tokens[kind] = click.prompt(f"{name.replace('_', ' ')} (hidden; empty: not configured)", default="",
                                        hide_input=True, show_default=False)
    return Answers(channels, admins, admin_chat, tokens)


def print_report(report: Report) -> None:
    for name in report.written:
        click.echo(f"wrote {name}")
    for name in report.kept:
        click.echo(f"kept  {name} (already there)")
    click.echo(NEXT_STEPS)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--channel", "channels", multiple=True, help="a channel receiving every topic (@name or id); repeatable")
@click.option("--admin", "admins", multiple=True, type=int, help="an admin's numeric Telegram user id; repeatable")
@click.option("--admin-chat", default="", help="chat for delivery errors and health warnings")
@click.option("--x-token-file", type=click.File("r"), help="read the X bearer token from this file ('-': stdin)")
@click.option("--telegram-token-file", type=click.File("r"), help="read the Telegram bot token from this file")
@click.option("--ask/--no-input", default=None, help="ask for what the options leave out (default: on a terminal)")
def init(directory: Path, channels: tuple[str, ...], admins: tuple[int, ...], admin_chat: str,
         x_token_file: click.utils.LazyFile | None, telegram_token_file: click.utils.LazyFile | None,
         ask: bool | None) -> None:
    """Write a starter setup into DIRECTORY: watchlists/ (the shipped defaults),
    watchlists/channels.yaml, .env (every setting, commented out) and secrets/ (token files, mode
    0600). Files that exist are kept. Missing values are asked for on a terminal.

    \b
    Example:
      sahelwatch init
      sahelwatch init --no-input --channel @sahel_alerts --admin 123456789 \\
          --telegram-token-file tg.txt --x-token-file x.txt srv/
    """
    tokens = {kind: handle.read() for kind, handle in (("x", x_token_file), ("telegram", telegram_token_file))
              if handle is not None}
    answers = Answers(tuple(Channel(c) for c in channels), admins, admin_chat, tokens)
    if ask if ask is not None else sys.stdin.isatty():
        answers = ask_missing(answers)
    settings = load_settings()
    directory.mkdir(parents=True, exist_ok=True)
    print_report(write_starter(directory, answers, render_env_example(), settings.languages))
