"""The import contracts of pyproject.toml (``[tool.importlinter]``, import-linter) hold, and break
when a change goes against them.

Every import counts, including those inside functions and under ``if TYPE_CHECKING:``. The linter
runs in a subprocess: it reconfigures logging (``dictConfig``), which would silence this process's
loggers for the tests that follow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = [c["id"] for c in CONFIG["contracts"]]
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(limit_to_contracts=tuple(sys.argv[1:]), no_cache=True, no_logo=True))")


def lint(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with ``root``'s pyproject.toml and its ``bot`` package (all contracts if none named)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", LINT, *contracts], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_contracts_cover_the_layers_the_issue_names() -> None:
    assert CONTRACTS == ["no-cycles", "parts-below-alerts", "runtime-only-from-cli", "cli-on-top"]
    assert not CONFIG.get("exclude_type_checking_imports")  # type-only imports are dependencies too
    assert all(not c.get("ignore_imports") for c in CONFIG["contracts"])  # no exception is needed today


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_holds(contract: str) -> None:
    done = lint(REPO, contract)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_a_forbidden_import_and_a_cycle_break_the_contracts(tmp_path: Path) -> None:
    """The same check on a copy of bot/ with a store module importing alerts (forbidden, and a
    cycle: alerts imports the store) and a source reading the runtime."""
    shutil.copytree(REPO / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    (tmp_path / "bot" / "store" / "shortcut.py").write_text("from bot.alerts.format import story_line\n")
    (tmp_path / "bot" / "sources" / "peek.py").write_text("def settings():\n    import bot.runtime\n")
    done = lint(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out
    assert "Contracts: 1 kept, 3 broken." in out
    assert "No cycles are allowed in bot." in out
    assert "bot.store is not allowed to import bot.alerts:\n\n-   bot.store.shortcut -> bot.alerts.format (l.1)" in out
    assert "Illegal imports of protected package bot.runtime:\n\n- bot.sources.peek -> bot.runtime (l.2)" in out
