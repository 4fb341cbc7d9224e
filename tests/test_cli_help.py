"""Every command documents itself with an example; README lists every top-level command."""

import importlib
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, all_commands, main
from tests.conftest import REPO


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in sorted((all_commands() if group is main else group.commands).items()):
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


@pytest.mark.parametrize(("name", "cmd"), list(_commands(main)))
def test_help_shows_an_example(name, cmd):
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"sahelwatch {name}" in result.output


def test_readme_mentions_every_top_level_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in all_commands() if f"sahelwatch {name}" not in readme]
    assert missing == []


def test_each_command_is_loaded_from_the_module_that_defines_it():
    for module in set(COMMANDS.values()):
        importlib.import_module(module)
    assert sorted(main.commands) == sorted(COMMANDS)
    assert all(main.commands[name].callback.__module__ == module for name, module in COMMANDS.items())


def test_a_light_command_does_not_load_the_pipeline_or_the_clients():
    probe = ("import sys; from click.testing import CliRunner; from bot.cli import main; "
             "assert CliRunner().invoke(main, ['env-example']).exit_code == 0; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'tweepy', 'httpx') "
             "or m.startswith(('bot.app', 'bot.ingest', 'bot.cli.core', 'bot.cli.analyze'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_readme_documents_every_setting():
    from bot.config import describe

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [var for var, _default, _help in describe() if f"`{var}" not in readme and var not in readme]
    assert missing == []
