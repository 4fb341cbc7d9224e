"""kill -9 of a real ``sahelwatch run`` between enqueue and send, then restart.

Real processes replay posts through the whole pipeline (a watchlist topic matches them, the
store writes each post with its outbox row in one transaction) and deliver to the fake Bot API
over HTTP; they are killed with SIGKILL while posts are still being enqueued and sent. Every
alert must arrive, with at most one duplicate per crash (the row that was in flight), and the
bot token must never reach the logs.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from pathlib import Path

from tests.conftest import SAHELWATCH, cli_env, make_records, wait_for, write_jsonl
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

CHANNEL = -1001000000001
N = 40
CRASHES = 3
WATCHLIST = """\
topics:
  incident:
    severity: urgent
    terms: [report]
"""


def prepare(tmp_path: Path) -> tuple[Path, Path]:
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "incidents.yaml").write_text(WATCHLIST, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    return watchlists, write_jsonl(tmp_path / "posts.jsonl", make_records(N, step_s=1))


def start(fake: FakeTelegram, tmp_path: Path) -> subprocess.Popen[str]:
    watchlists, posts = tmp_path / "watchlists", tmp_path / "posts.jsonl"
    env = cli_env(TELEGRAM_BOT_TOKEN=fake.token, SAHELWATCH_TELEGRAM_API_URL=fake.url,
                  SAHELWATCH_WATCHLISTS=str(watchlists), SAHELWATCH_TELEGRAM_PACE="0.02")
    command = [*SAHELWATCH, "run", "--db", str(tmp_path / "run.db"), "--replay", str(posts), "--speed", "50"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def delivered(fake: FakeTelegram) -> Counter[str]:
    return Counter(t.split("\n")[1].split(":")[0] for t in fake.texts(CHANNEL))


def test_kill_9_between_enqueue_and_send_loses_nothing(tmp_path: Path) -> None:
    prepare(tmp_path)
    logs = []
    with FakeTelegram(limits=FloodLimits(enabled=False)) as fake:
        fake.add_channel(CHANNEL)
        for crash in range(1, CRASHES + 1):
            proc = start(fake, tmp_path)
            assert wait_for(lambda c=crash: sum(delivered(fake).values()) >= c * N // (CRASHES + 1))
            proc.send_signal(signal.SIGKILL)
            logs.append(proc.communicate(timeout=10)[1])
            assert len(delivered(fake)) < N  # killed part-way, with alerts still to send
        proc = start(fake, tmp_path)
        assert wait_for(lambda: len(delivered(fake)) == N)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        logs.append(err)
        assert proc.returncode == 0, err
        counts = delivered(fake)
    assert set(counts) == {f"Report {n}" for n in range(N)}
    assert sum(counts.values()) - N <= CRASHES  # at most one duplicate per crash
    assert all(fake.token not in log for log in logs)
