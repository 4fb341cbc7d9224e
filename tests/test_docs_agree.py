"""README.md and docs/deploy.md agree with the code: every setting they name is a real setting, and
every `sahelwatch ...` command they show exists with the options it is shown with."""

from __future__ import annotations

import re

import click
import pytest

from bot.cli import main
from bot.config import describe
from tests.conftest import REPO

DOCS = ["README.md", "docs/deploy.md"]
VARIABLE = re.compile(r"\b(SAHELWATCH_[A-Z0-9_]+\*?|X_BEARER_TOKEN(?:_FILE)?|TELEGRAM_BOT_TOKEN(?:_FILE)?)")
# `sahelwatch` (or the image, `sahelwatch:latest`) then its words, in a code span or code-block line
COMMAND = re.compile(r"(?:^|[\s`(])sahelwatch(?::latest)?((?: +\S+)+)")
SEPARATORS = {"|", "||", "&&", ">", "2>", ";", "\\", "#"}
LOG_EVENTS = {"stopped", "cannot", "running", "crashed"}  # `sahelwatch stopped` etc. are log events
NOT_OPTIONS = {"--help", "-h"}


def _text(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def _code(text: str) -> list[str]:
    """Inline code spans and code-block lines (where commands are shown)."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    return [line for block in blocks for line in block.splitlines()] + re.findall(r"`([^`\n]+)`", outside)


def _invocations(name: str) -> list[list[str]]:
    """Each shown `sahelwatch` invocation as words (up to a comment, pipe or `&&`)."""
    found = []
    pieces = [piece for snippet in _code(_text(name)) for piece in re.split(r"\s(?:&&|\|\||;)\s", snippet)]
    for snippet in pieces:
        for match in COMMAND.finditer(snippet):
            words = match[1].split()
            cut = next((i for i, w in enumerate(words) if w in SEPARATORS), len(words))
            if words[0] not in LOG_EVENTS:
                found.append(words[:cut])
    return found


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The command the words name and the option words that follow."""
    command: click.Command = main
    rest = list(words)
    while isinstance(command, click.Group) and rest and (sub := command.get_command(click.Context(command), rest[0])):
        command = sub
        rest.pop(0)
    return command, rest


@pytest.mark.parametrize("name", DOCS)
def test_every_variable_the_docs_name_is_a_setting(name):
    known = {var for var, _default, _help in describe()}
    named = set(VARIABLE.findall(_text(name)))
    assert named, f"{name} names no setting: the pattern is wrong"
    unknown = [var for var in named if not (any(k.startswith(var[:-1]) for k in known) if var.endswith("*")
                                            else var in known)]
    assert sorted(unknown) == []


@pytest.mark.parametrize("name", DOCS)
def test_every_command_the_docs_show_exists_with_its_options(name):
    invocations = _invocations(name)
    assert len(invocations) > 5, f"too few commands found in {name}: the pattern is wrong"
    wrong = []
    for words in invocations:
        command, rest = _resolve(words)
        if command is main or (isinstance(command, click.Group) and rest):
            wrong.append(f"sahelwatch {' '.join(words)}: no such command")
            continue
        options = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
        for word in rest:
            for flag in word.strip("[]").split("=")[0].split("\\|"):  # `[--ask\|--no-input]`: either
                if flag.startswith("-") and flag != "-" and flag not in options | NOT_OPTIONS:
                    wrong.append(f"sahelwatch {' '.join(words)}: no option {flag}")
    assert wrong == []


def test_the_deploy_guide_shows_the_commands_an_admin_needs():
    deploy = {_resolve(words)[0].name for words in _invocations("docs/deploy.md")}
    assert {"init", "check", "health", "stats", "rematch", "rules"} <= deploy
