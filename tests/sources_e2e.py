"""Helpers for the end-to-end tests of the Telegram channel, Bluesky and Mastodon collectors.

Each test writes a watchlist directory (topics, the alert channel, ``sources.yaml``), starts a
real ``sahelwatch run`` subprocess against 127.0.0.1 fakes and the fake Bot API, stops it with
SIGTERM, and reads what the analyst would see: the fake channel's messages and the SQLite file.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO, SAHELWATCH, cli_env, wait_for
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

CHANNEL = -1001000000123
TOPICS = """\
topics:
  attack:
    severity: urgent
    terms: [embuscade, attaque, ambush, attack]
  mali:
    terms: [Ménaka, Tombouctou]
"""
FAST = {
    "SAHELWATCH_TELEGRAM_PACE": "0.01",
    "SAHELWATCH_HTTP_HOST_INTERVAL": "0",
    "SAHELWATCH_TELEGRAM_CHANNELS_EVERY": "0.5",
    "SAHELWATCH_MASTODON_EVERY": "0.5",
    "SAHELWATCH_BLUESKY_REWIND_SECONDS": "2",
}


def watchlists(tmp_path: Path, sources: str) -> Path:
    directory = tmp_path / "watchlists"
    directory.mkdir(exist_ok=True)
    (directory / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (directory / "channels.yaml").write_text(f'channels:\n  - chat_id: "{CHANNEL}"\n', encoding="utf-8")
    (directory / "sources.yaml").write_text(sources, encoding="utf-8")
    return directory


@dataclass
class Run:
    """``sahelwatch run`` in a subprocess; ``stop()`` sends SIGTERM and keeps its output."""

    env: dict[str, str]
    db: Path
    proc: subprocess.Popen[str] | None = None
    out: str = ""
    err: str = ""
    logs: list[dict] = field(default_factory=list)

    def start(self) -> Run:
        self.proc = subprocess.Popen([*SAHELWATCH, "run", "--db", str(self.db)], env=self.env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return self

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        self.out, self.err = self.proc.communicate(timeout=60)
        self.logs = [json.loads(line) for line in self.err.splitlines() if line.startswith("{")]
        assert self.proc.returncode == 0, self.err[-3000:]

    def logged(self, message: str) -> list[dict]:
        return [entry for entry in self.logs if entry.get("event") == message]


@contextmanager
def running(env: dict[str, str], db: Path) -> Iterator[Run]:
    """``sahelwatch run`` for the length of the block; its logs are in the Run afterwards."""
    run = Run(env, db).start()
    try:
        yield run
    finally:
        run.stop()


def run_env(tg: FakeTelegram, directory: Path, **extra: str) -> dict[str, str]:
    return cli_env(TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                   SAHELWATCH_WATCHLISTS=str(directory), **FAST, **extra)


def fake_telegram() -> FakeTelegram:
    tg = FakeTelegram(limits=FloodLimits(enabled=False))
    tg.start()
    tg.add_channel(CHANNEL)
    return tg


def alerts(tg: FakeTelegram) -> list:
    return tg.messages(CHANNEL)


def wait_alerts(tg: FakeTelegram, count: int, timeout: float = 60) -> bool:
    return wait_for(lambda: len(alerts(tg)) >= count, timeout)


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def posts(db: Path, platform: str) -> list[dict]:
    return rows(db, "SELECT id, platform_id, url, author_handle, author_name, created_at, lang, text, topics "
                    "FROM posts WHERE platform = ? ORDER BY id", (platform,))


def media(db: Path, post_id: int) -> list[dict]:
    return rows(db, "SELECT kind, url FROM media WHERE post_id = ? ORDER BY position", (post_id,))
