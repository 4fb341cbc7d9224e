import json
import subprocess

import pytest

from bot.config import Settings, describe
from bot.errors import ConfigError
from tests.conftest import SAHELWATCH, cli_env


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert str(s.db) == "storage/sahelwatch.db" and s.x_api_url == "https://api.twitter.com"
    assert not s.x_enabled


def test_secret_file_wins_and_is_not_in_repr(tmp_path):
    secret = tmp_path / "x"
    secret.write_text("from-file-token\n")
    s = Settings.from_env({"X_BEARER_TOKEN": "env-token", "X_BEARER_TOKEN_FILE": str(secret)})
    assert s.x_bearer_token == "from-file-token" and s.x_enabled
    assert "from-file-token" not in repr(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SAHELWATCH_X": "on"}, "X_BEARER_TOKEN"),
        ({"SAHELWATCH_TELEGRAM": "on"}, "TELEGRAM_BOT_TOKEN"),
        ({"X_BEARER_TOKEN_FILE": "/nonexistent/secret"}, "X_BEARER_TOKEN_FILE"),
        ({"SAHELWATCH_QUEUE_SIZE": "many"}, "SAHELWATCH_QUEUE_SIZE"),
    ],
)
def test_bad_config_is_a_config_error(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("var", "name"), [("SAHELWATCH_X", "X_BEARER_TOKEN"), ("SAHELWATCH_TELEGRAM", "TELEGRAM_BOT_TOKEN")]
)
def test_enabled_component_without_secret_exits_2_with_one_line(tmp_path, var, name):
    proc = subprocess.run([*SAHELWATCH, "run", "--db", str(tmp_path / "a.db")], env=cli_env(**{var: "on"}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in proc.stderr
    event = json.loads(lines[0])  # a log event in the configured format, like the service's other lines
    assert (event["event"], event["level"], event["exit_code"]) == ("sahelwatch cannot start", "error", 2)


def test_empty_secret_file_means_not_configured(tmp_path):
    empty = tmp_path / "x"
    empty.write_text("\n")
    assert not Settings.from_env({"X_BEARER_TOKEN_FILE": str(empty)}).x_enabled
    with pytest.raises(ConfigError, match="X_BEARER_TOKEN"):
        Settings.from_env({"X_BEARER_TOKEN_FILE": str(empty), "SAHELWATCH_X": "on"})


def test_every_setting_documented():
    assert all(var and help_ for var, _default, help_ in describe())
