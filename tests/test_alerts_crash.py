"""kill -9 of a real ``sahelwatch run`` between enqueue and send, then restart.

The outbox rows are enqueued exactly as ingestion does (the store hook, in the post's
transaction); then real ``sahelwatch run`` processes deliver them to the fake Bot API over HTTP
and are killed with SIGKILL part-way. Every alert must arrive, with at most one duplicate per
crash (the row that was in flight), and the token must never reach the logs.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from bot.alerts.channels import load_routing
from bot.alerts.outbox import enqueue_hook
from bot.store.db import Store
from bot.store.posts import save_post
from tests.alerts_support import post
from tests.conftest import SAHELWATCH, cli_env
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

CHANNEL = -1001000000001
N = 40
CRASHES = 3


def enqueue(tmp_path: Path) -> Path:
    (tmp_path / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    routing = load_routing(tmp_path / "channels.yaml")
    store = Store(tmp_path / "run.db")
    store.post_hooks.append(enqueue_hook(lambda: routing))
    for n in range(N):
        save_post(store, post(n, f"attack report {n}"))
    store.close()
    return tmp_path / "run.db"


def start(fake: FakeTelegram, tmp_path: Path, db: Path) -> subprocess.Popen[str]:
    env = cli_env(TELEGRAM_BOT_TOKEN=fake.token, SAHELWATCH_TELEGRAM_API_URL=fake.url,
                  SAHELWATCH_WATCHLISTS=str(tmp_path), SAHELWATCH_TELEGRAM_PACE="0.02")
    return subprocess.Popen([*SAHELWATCH, "run", "--db", str(db)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate: object, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def delivered(fake: FakeTelegram) -> Counter[str]:
    return Counter(t.split("\n")[1] for t in fake.texts(CHANNEL))


def test_kill_9_between_enqueue_and_send_loses_nothing(tmp_path: Path) -> None:
    db = enqueue(tmp_path)
    logs = []
    with FakeTelegram(limits=FloodLimits(enabled=False)) as fake:
        fake.add_channel(CHANNEL)
        for crash in range(1, CRASHES + 1):
            proc = start(fake, tmp_path, db)
            assert wait_for(lambda c=crash: sum(delivered(fake).values()) >= c * N // (CRASHES + 1))
            proc.send_signal(signal.SIGKILL)
            logs.append(proc.communicate(timeout=10)[1])
            assert len(delivered(fake)) < N  # killed part-way, with alerts still to send
        proc = start(fake, tmp_path, db)
        assert wait_for(lambda: len(delivered(fake)) == N)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        logs.append(err)
        assert proc.returncode == 0, err
        counts = delivered(fake)
    assert set(counts) == {f"attack report {n}" for n in range(N)}
    assert sum(counts.values()) - N <= CRASHES  # at most one duplicate per crash
    assert all(fake.token not in log for log in logs)
