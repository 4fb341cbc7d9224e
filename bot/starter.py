"""``sahelwatch init``: a working starting point, so a new admin never begins from an empty folder.

Writes into a target directory: ``watchlists/`` (a copy of the shipped defaults),
``watchlists/channels.yaml`` (from the channels, admins and admin chat given; checked before it
is written), ``.env`` (the ``env-example`` text: every setting commented out with its default) and
``secrets/`` with one file per token, readable by the owner only (0600, directory 0700). What
exists already is kept, never overwritten; the result says what was written and what was kept.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.alerts.channels import Known, check_routing
from bot.config import default_watchlists
from bot.errors import WatchlistError
from bot.watchlist.load import check_directory

SECRETS = {"x": "x_bearer_token", "telegram": "telegram_bot_token"}


@dataclass(frozen=True)
class Channel:
    chat_id: str
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    digest: str = ""


@dataclass(frozen=True)
class Answers:
    """Everything ``init`` needs; empty values are left out of the files."""

    channels: tuple[Channel, ...] = ()
    admins: tuple[int, ...] = ()
    admin_chat_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]"


def render_channels(answers: Answers) -> str:
    """channels.yaml text; every value is a JSON string, which YAML reads as that exact text."""
    lines = ["# Telegram routing, written by `sahelwatch init`; format: watchlists/README.md.", "channels:"]
    for channel in answers.channels:
        lines.append(f"  - chat_id: {json.dumps(channel.chat_id)}")
        if channel.topics:
            lines.append(f"    topics: {_list(channel.topics)}")
        if channel.languages:
            lines.append(f"    languages: {_list(channel.languages)}")
        if channel.digest:
            lines.append(f"    digest: {json.dumps(channel.digest)}")
    if answers.admins:
        lines.append(f"admins: [{', '.join(str(a) for a in answers.admins)}]")
    if answers.admin_chat_id:
        lines.append(f"admin_chat_id: {json.dumps(answers.admin_chat_id)}")
    return "\n".join(lines) + "\n"


def shipped_topics() -> set[str]:
    watchlist = check_directory(default_watchlists()).watchlist
    return {t.name for t in watchlist.topics} if watchlist else set()


def check_channels(answers: Answers, languages: Collection[str]) -> str:
    """The channels.yaml text for ``answers``; :class:`WatchlistError` if it would be invalid."""
    text = render_channels(answers)
    routing, problems = check_routing("channels.yaml", text, Known(shipped_topics(), languages))
    if routing is None:
        raise WatchlistError([str(p) for p in problems if p.level == "error"])
    return text


def write_starter(target: Path, answers: Answers, env_text: str, languages: Collection[str]) -> Report:
    """Write the starter files into ``target``; existing ones are kept."""
    report = Report()
    channels = check_channels(answers, languages) if answers.channels else None
    watchlists = target / "watchlists"
    if watchlists.exists() and any(watchlists.iterdir()):
        report.kept.append("watchlists/")
    else:
        shutil.copytree(default_watchlists(), watchlists, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "channels.yaml"))
        report.written.append("watchlists/")
    if channels is not None:
        _write_new(target, "watchlists/channels.yaml", channels, report)
    _write_new(target, ".env", env_text, report)
    for kind, name in SECRETS.items():
        _write_secret(target, f"secrets/{name}", answers.tokens.get(kind, ""), report)
    return report


def _write_new(target: Path, name: str, text: str, report: Report, mode: int = 0o644) -> None:
    path = target / name
    if path.exists():
        report.kept.append(name)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)  # whatever the umask
    report.written.append(name)


def _write_secret(target: Path, name: str, value: str, report: Report) -> None:
    """A token file only its owner can read (0600) in a directory only its owner can open (0700).
    An empty file means "not configured" (the component stays off)."""
    directory = (target / name).parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    _write_new(target, name, value.strip(), report, mode=0o600)
