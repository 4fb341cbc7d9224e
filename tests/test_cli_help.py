"""Every command documents itself with an example; README lists every top-level command."""

import click
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import REPO


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in sorted(group.commands.items()):
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
    missing = [name for name in main.commands if f"sahelwatch {name}" not in readme]
    assert missing == []


def test_readme_documents_every_setting():
    from bot.config import describe

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [var for var, _default, _help in describe() if f"`{var}" not in readme and var not in readme]
    assert missing == []
