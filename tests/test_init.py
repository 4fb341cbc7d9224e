"""`sahelwatch init` then `watchlist check` then `run`, as a new admin would, with no file edited by
hand: real processes, the fake X API and the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import stat
import subprocess

from tests.conftest import REPO, SAHELWATCH, cli_env
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until
from tests.fakes.x_payloads import tweet, user
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Post

fake_x = fake_x_fixture()
CHANNEL = -1001000000077


def sahelwatch(*args: str, cwd, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SAHELWATCH, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=cli_env(PYTHONPATH=str(REPO), **env), timeout=120, check=False)


def test_init_answers_questions_then_check_then_run_delivers(fake_x, tmp_path):
    answers = "\n".join([
        str(CHANNEL), "attack, ambush", "fr, ar", "",  # one channel: its topics, languages, no digest
        "",                                            # no more channels
        "123456789", str(CHANNEL),                     # admins, admin chat
        fake_x.token,                                  # X bearer token (hidden input)
    ])
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        created = sahelwatch("init", "--ask", "site", cwd=tmp_path, stdin=f"{answers}\n{tg.token}\n")
        assert created.returncode == 0, created.stderr
        site = tmp_path / "site"
        written = created.stdout[created.stdout.index("wrote "):].splitlines()  # after the questions
        assert written[:5] == ["wrote watchlists/", "wrote watchlists/channels.yaml", "wrote .env",
                               "wrote secrets/x_bearer_token", "wrote secrets/telegram_bot_token"]

        checked = sahelwatch("watchlist", "check", "watchlists", cwd=site)
        assert checked.returncode == 0, checked.stdout
        last = checked.stdout.splitlines()[-1]
        assert last.startswith("valid: ") and " and channels.yaml; 0 error(s), " in last
        assert "receives topic 'coup': its posts are stored but never sent" in checked.stdout  # only 2 routed

        tg.add_channel(CHANNEL)
        post = tweet("Embuscade contre un convoi près de Tillabéri", "42")
        fake_x.store.seed([user("42", "sahel_news", "Sahel News")], [], [post])
        fake_x.stream.script([Post(post["id"])])
        env = cli_env(PYTHONPATH=str(REPO), SAHELWATCH_X_API_URL=fake_x.base_url,
                      SAHELWATCH_TELEGRAM_API_URL=tg.url, SAHELWATCH_TELEGRAM_PACE="0.05",
                      X_BEARER_TOKEN_FILE="secrets/x_bearer_token",
                      TELEGRAM_BOT_TOKEN_FILE="secrets/telegram_bot_token",
                      SAHELWATCH_WATCHLISTS="watchlists", SAHELWATCH_DB="storage/sahelwatch.db")
        proc = subprocess.Popen([*SAHELWATCH, "run"], cwd=site, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: tg.messages(CHANNEL), 60)
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        [message] = tg.messages(CHANNEL)
    assert "Embuscade" in message.text and "Tillabéri" in message.text
    events = [json.loads(line) for line in err.splitlines()]
    assert events[-1]["event"] == "sahelwatch stopped" and events[-1]["stored"] == 1
    assert fake_x.token not in err and tg.token not in err


def test_init_from_options_writes_private_secrets_and_keeps_existing_files(tmp_path):
    (tmp_path / "x.txt").write_text("x-token-value\n", encoding="utf-8")
    first = sahelwatch("init", "--no-input", "--channel", "@sahel_alerts", "--admin", "42",
                       "--x-token-file", "x.txt", ".", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    secrets = tmp_path / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    for name in ("x_bearer_token", "telegram_bot_token"):
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o600
    assert (secrets / "x_bearer_token").read_text(encoding="utf-8") == "x-token-value"
    assert (secrets / "telegram_bot_token").read_text(encoding="utf-8") == ""  # empty: not configured
    assert (tmp_path / "watchlists" / "channels.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        "channels:", '  - chat_id: "@sahel_alerts"', "admins: [42]"]
    assert (tmp_path / ".env").read_text(encoding="utf-8") == sahelwatch("env-example", cwd=tmp_path).stdout

    again = sahelwatch("init", "--no-input", "--channel", "@other", ".", cwd=tmp_path)
    assert again.returncode == 0
    assert "kept  watchlists/channels.yaml (already there)" in again.stdout
    assert "@other" not in (tmp_path / "watchlists" / "channels.yaml").read_text(encoding="utf-8")


def test_init_refuses_a_channel_file_that_would_be_invalid(tmp_path):
    result = sahelwatch("init", "--no-input", "--channel", "sahel alerts", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'channels.yaml:3:14: chat_id must be a numeric chat id ("-1001234567890") or "@channelname"']
    assert not (tmp_path / "watchlists").exists()
