"""A database written by the Telegram-only outbox (before migration 0100) upgrades with no alert
lost and none sent twice: rows already sent stay sent (and can still be edited through their
migrated message ids), the row a crash left ``sending`` and the ``pending`` one go out once."""

from __future__ import annotations

import json
from pathlib import Path

from bot.alerts.routing import chat_ref
from bot.store.db import Store
from bot.store.migrations import MIGRATIONS
from tests.alerts_support import EN, START, Bench, bench_fixture, post  # noqa: F401

OLD_OUTBOX_ROW = (  # the columns the old sender wrote, as it wrote them
    "INSERT INTO outbox (alert_key, channel, kind, post_id, payload, state, attempts, created_at, tg_message_id)"
    " VALUES (?, ?, 'alert', ?, '{}', ?, ?, ?, ?)"
)


def old_database(path: Path, sent_id: int) -> None:
    """The schema and rows of a Telegram-only SahelWatch: post 1 alerted (message ``sent_id``),
    post 2 claimed when the process died, post 3 waiting."""
    store = Store(path, migrate=False)
    with store.write() as db:
        MIGRATIONS.apply(db, stop_before="0100_outbox_transport")
        for n, state in ((1, "sent"), (2, "sending"), (3, "pending")):
            p = post(n, f"attack number {n}", terms=["attack"])
            row = db.execute(
                "INSERT INTO posts (platform, platform_id, key, url, author_id, author_handle, author_name,"
                " created_at, collected_at, stored_at, text, lang, topics, severity)"
                " VALUES ('x', ?, ?, ?, '7', 'reporter', 'Field Reporter', ?, ?, ?, ?, 'en', ?, 'urgent')",
                (str(n), p.key, p.url, START.isoformat(), START.isoformat(), START.isoformat(), p.text,
                 json.dumps(list(p.topics)))).lastrowid
            db.execute(OLD_OUTBOX_ROW, (f"alert:{EN}:x:{n}", str(EN), row, state, int(state != "pending"),
                                        START.isoformat(), str(sent_id) if state == "sent" else None))
    store.close()


async def test_an_old_outbox_upgrades_without_losing_or_repeating_an_alert(bench: Bench, tmp_path: Path) -> None:
    async with bench.bot:
        sent = await bench.bot.send_message(chat_ref(str(EN)), "🔴 URGENT\nattack number 1")
    old = tmp_path / "old.db"
    old_database(old, sent.message_id)
    bench.path = old
    bench.restart()  # the new code opens the old file: migration 0100 runs
    assert "0100_outbox_transport" in bench.store.applied_migrations()
    bench.store_post(post(4, "attack number 1, again", duplicate_of="x:1"))
    await bench.drain()
    await bench.drain()
    shown = bench.fake.messages(EN)
    assert [m.text.split("\n")[1] for m in shown] == ["attack number 1", "attack number 2", "attack number 3"]
    assert shown[0].message_id == sent.message_id and shown[0].text.endswith("+1 report: en")  # edited in place
    rows = bench.outbox()
    assert [(r["alert_key"], r["state"], r["transport"]) for r in rows] == [
        (f"alert:{EN}:x:1", "sent", "telegram"), (f"alert:{EN}:x:2", "sent", "telegram"),
        (f"alert:{EN}:x:3", "sent", "telegram"), (f"similar:{EN}:x:4", "sent", "telegram")]
    assert rows[0]["message_ref"] == str(sent.message_id)
    assert [r["message_ref"] for r in rows[1:3]] == [str(m.message_id) for m in shown[1:]]
    assert "tg_message_id" not in bench.store.db["outbox"].columns_dict
