"""A broken watchlist edit in a running bot: the admin chat is told file and line, matching goes on."""

from __future__ import annotations

import signal
import subprocess
from datetime import datetime, timedelta

from tests.conftest import SAHELWATCH, cli_env, make_records, write_jsonl
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram
from tests.fakes.x_clients import wait_until

CHANNEL, ADMIN = -1001000000077, -1009000000001
GOOD = "topics:\n  incident:\n    severity: urgent\n    terms: [report]\n"
BROKEN = "topics:\n  incident:\n    terms: [report]\n    terms: [NO]\n"


def test_broken_watchlist_is_reported_to_admin_chat_and_last_good_keeps_matching(tmp_path):
    watchlists = tmp_path / "watchlists"
    watchlists.mkdir()
    (watchlists / "topics.yaml").write_text(GOOD, encoding="utf-8")
    (watchlists / "channels.yaml").write_text(
        f'channels:\n  - chat_id: "{CHANNEL}"\nadmin_chat_id: "{ADMIN}"\n', encoding="utf-8")
    # two posts, then a quiet hour (3 s at --speed 1200) for the edit, then 28 posts at once
    records = make_records(30, step_s=1)
    for record in records[2:]:
        record["created_at"] = (datetime.fromisoformat(record["created_at"]) + timedelta(hours=1)).isoformat()
    posts = write_jsonl(tmp_path / "posts.jsonl", records)
    with FakeTelegram(limits=FloodLimits(enabled=False)) as tg:
        tg.add_channel(CHANNEL)
        tg.add_channel(ADMIN)
        env = cli_env(TELEGRAM_BOT_TOKEN=tg.token, SAHELWATCH_TELEGRAM_API_URL=tg.url,
                      SAHELWATCH_TELEGRAM_PACE="0.01", SAHELWATCH_WATCHLISTS=str(watchlists))
        cmd = [*SAHELWATCH, "run", "--db", str(tmp_path / "run.db"), "--replay", str(posts), "--speed", "1200"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: len(tg.messages(CHANNEL)) >= 2, 60)
            (watchlists / "topics.yaml").write_text(BROKEN, encoding="utf-8")  # another size: seen as a change
            assert wait_until(lambda: tg.texts(ADMIN), 30)
            assert wait_until(lambda: len(tg.messages(CHANNEL)) == 30, 60)  # the last good list still matches
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
        report = tg.texts(ADMIN)[0]
    assert proc.returncode == 0, err
    assert "watchlist change rejected" in report and "topics.yaml:4:5" in report
