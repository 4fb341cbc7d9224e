"""A real ``sahelwatch run`` delivering to a Telegram channel (fake Bot API) and two webhooks
(fake receivers on 127.0.0.1): one signed, which answers 500 once; one that refuses with 400.
A restart with one new post sends only that post; ``stats`` lists the refused alerts."""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path

from tests.conftest import REPO, SAHELWATCH, cli_env, make_records, wait_for, write_jsonl
from tests.fakes.http_fake import Reply
from tests.fakes.tg_chats import Chat
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.webhook_receiver import FakeWebhook

CHANNEL, ADMIN = -1001000000001, -1009876543210
SECRET = "e2e webhook secret"
REFUSAL = '{"error": "schema: unknown field"}'
WATCHLIST = "topics:\n  incident:\n    severity: urgent\n    terms: [report]\n"


def prepare(tmp_path: Path, hook: FakeWebhook) -> Path:
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "incidents.yaml").write_text(WATCHLIST, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f"""\
channels:
  - chat_id: "{CHANNEL}"
  - webhook: {hook.url}/ops
    name: ops
    secret_env: SAHELWATCH_E2E_HOOK_SECRET
  - webhook: {hook.url}/strict
    name: strict
admin_chat_id: "{ADMIN}"
""", encoding="utf-8")
    return watchlists


def run(tmp_path: Path, tg: FakeTelegram, posts: int) -> subprocess.Popen[str]:
    replay = write_jsonl(tmp_path / "posts.jsonl", make_records(posts, step_s=1))
    env = cli_env(TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                  SAHELWATCH_WATCHLISTS=str(tmp_path / "watchlists"), SAHELWATCH_TELEGRAM_PACE="0.02",
                  SAHELWATCH_WEBHOOK_PACE="0.02", SAHELWATCH_E2E_HOOK_SECRET=SECRET)
    command = [*SAHELWATCH, "run", "--db", str(tmp_path / "run.db"), "--replay", str(replay), "--speed", "50"]
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def refused(tg: FakeTelegram) -> list[str]:
    """The admin chat's reports of undeliverable alerts (the health check adds its own summary)."""
    return [t for t in tg.texts(ADMIN) if t.startswith("Alert ")]


def reports(texts: list[str]) -> Counter[str]:
    return Counter(t.split("\n")[1].split(":")[0] for t in texts)


def test_telegram_and_webhooks_from_one_run_retried_refused_and_never_twice(tmp_path: Path) -> None:
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg, FakeWebhook() as hook:
        tg.add_channel(CHANNEL)
        tg.add_chat(Chat(ADMIN, "supergroup", "Admins"))
        hook.secret("/ops", SECRET)
        hook.plan("/ops", Reply(500, "upstream hiccup"))
        hook.plan("/strict", always=Reply(400, REFUSAL))
        prepare(tmp_path, hook)

        first = run(tmp_path, tg, 2)
        assert wait_for(lambda: len(hook.documents("/ops")) == 2 and len(refused(tg)) == 2
                        and len(tg.texts(CHANNEL)) == 2)
        logs = [stop(first)]
        assert len(hook.posts("/ops")) == 3  # the 500 was retried, then both accepted

        second = run(tmp_path, tg, 3)  # the same two posts again, and one new
        assert wait_for(lambda: len(hook.documents("/ops")) == 3 and len(refused(tg)) == 3
                        and len(tg.texts(CHANNEL)) == 3)
        logs.append(stop(second))

        assert reports(tg.texts(CHANNEL)) == {"Report 0": 1, "Report 1": 1, "Report 2": 1}
        assert reports(d["text"] for d in hook.documents("/ops")) == {"Report 0": 1, "Report 1": 1, "Report 2": 1}
        assert [d["key"] for d in hook.documents("/ops")] == [f"alert:webhook:ops:x:p{n}" for n in range(3)]
        assert len(hook.posts("/strict")) == 3  # each refused once, never retried
        assert refused(tg) == [f"Alert alert:webhook:strict:x:p{n} could not be delivered to webhook:strict: "
                               f"HTTP 400: {REFUSAL}" for n in range(3)]

    stats = subprocess.run([*SAHELWATCH, "stats", "--json", "--db", str(tmp_path / "run.db")], env=cli_env(),
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    failed = json.loads(stats.stdout)["failed_alerts"]
    assert failed == {f"alert:webhook:strict:x:p{n}": f"webhook:strict: HTTP 400: {REFUSAL}" for n in (2, 1, 0)}
    assert all(SECRET not in log and tg.token not in log for log in logs)
