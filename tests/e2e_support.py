"""`sahelwatch run` in a subprocess against the fake X API and the fake Bot API, for end-to-end tests."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import REPO, SAHELWATCH, cli_env


@dataclass
class BotRun:
    proc: subprocess.Popen[str]
    err: str = ""


@contextmanager
def bot_run(tmp_path: Path, fake_x: Any, tg: Any, watchlists: Path) -> Iterator[BotRun]:
    """Run the bot until the block ends, then SIGTERM it; ``err`` holds its log afterwards."""
    env = cli_env(SAHELWATCH_X_API_URL=fake_x.base_url, X_BEARER_TOKEN=fake_x.token,
                  TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                  SAHELWATCH_TELEGRAM_PACE="0.05", SAHELWATCH_WATCHLISTS=str(watchlists),
                  SAHELWATCH_DB=str(tmp_path / "run.db"))
    proc = subprocess.Popen([*SAHELWATCH, "run"], env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    run = BotRun(proc)
    try:
        yield run
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, run.err = proc.communicate(timeout=30)
