"""Careless configuration through the real CLI: one line naming the variable or path, exit 2."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import SAHELWATCH, cli_env, make_records, write_jsonl


def run(*args: str, cwd, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SAHELWATCH, *args], cwd=cwd, env=cli_env(**env), capture_output=True, text=True,
                          timeout=60)


def one_line_exit_2(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(n in lines[0] for n in needles), lines[0]


@pytest.mark.parametrize(("var", "value"), [
    ("SAHELWATCH_X_API_URL", "ftp://api.example.test"),
    ("SAHELWATCH_TELEGRAM_API_URL", "file:///etc/passwd"),
    ("SAHELWATCH_X_API_URL", "api.example.test"),
    ("SAHELWATCH_TELEGRAM_API_URL", "http://[::1"),
])
def test_an_unsupported_url_names_the_variable(tmp_path, var, value):
    one_line_exit_2(run("run", "--db", "a.db", cwd=tmp_path, **{var: value}), var)


def test_a_missing_storage_directory_is_created(tmp_path):
    posts = write_jsonl(tmp_path / "in.jsonl", make_records(2))
    result = run("replay", str(posts), "--db", "storage/new/deeper/a.db", "--no-console", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "storage/new/deeper/a.db").is_file()


def test_a_storage_path_that_cannot_be_a_directory_names_the_path(tmp_path):
    (tmp_path / "storage").write_text("a file where the directory should be")
    posts = write_jsonl(tmp_path / "in.jsonl", make_records(2))
    result = run("replay", str(posts), "--no-console", cwd=tmp_path, SAHELWATCH_DB="storage/a.db")
    one_line_exit_2(result, "storage/a.db", "SAHELWATCH_DB")


@pytest.mark.parametrize(("switch", "file_var"), [("SAHELWATCH_X", "X_BEARER_TOKEN_FILE"),
                                                  ("SAHELWATCH_TELEGRAM", "TELEGRAM_BOT_TOKEN_FILE")])
def test_an_empty_secret_file_is_named(tmp_path, switch, file_var):
    (tmp_path / "secret").write_text("\n")
    result = run("run", "--db", "a.db", cwd=tmp_path, **{switch: "on", file_var: str(tmp_path / "secret")})
    one_line_exit_2(result, file_var, "empty", str(tmp_path / "secret"))
