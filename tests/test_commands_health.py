"""Health in the admin chat: one message when a problem starts, one when it ends, no repeats."""

from __future__ import annotations

from bot.alerts import outbox
from bot.commands.health import HealthMonitor
from tests.commands_support import (  # noqa: F401 (fixtures)
    ADMIN,
    ADMIN_CHAT,
    CHANNEL,
    Live,
    fake_fixture,
    post,
    until,
)

FAST = {"health_seconds": 0.05, "health_outbox": 1}
AMBUSH = "Embuscade meurtrière près de Ménaka ce matin, au moins dix soldats tués selon des sources locales"


async def _ticks(live: Live, n: int = 5) -> None:
    """Let the monitor check ``n`` more times (it writes its state at every check)."""
    for _ in range(n):
        stamp = live.store.scalar("SELECT updated_at FROM state WHERE key = 'health:open'")
        await until(lambda s=stamp: live.store.scalar("SELECT updated_at FROM state WHERE key = 'health:open'") != s,
                    what="a health check")


async def test_paused_channel_and_growing_outbox_start_and_end_once(tmp_path, fake) -> None:
    live = Live(tmp_path, fake, env=FAST)
    await live.start()
    try:
        await live.ask(ADMIN, f"/pause {CHANNEL}")
        await live.ingest(post(1, AMBUSH))
        await live.ingest(post(2, "Une autre embuscade sur la route de Gao a fait plusieurs victimes civiles hier"))
        await until(lambda: len(fake.messages(ADMIN_CHAT)) >= 2, what="two health messages")
        await _ticks(live)
        started = fake.texts(ADMIN_CHAT)
        assert sorted(started) == sorted([f"⚠️ Channel {CHANNEL} is paused by an admin (/resume {CHANNEL}).",
                                          "⚠️ The outbox is growing: 2 messages wait (limit 1)."])
        await live.ask(ADMIN, f"/resume {CHANNEL}")
        await until(lambda: len(fake.messages(ADMIN_CHAT)) >= 4, what="two 'ended' messages")
        await _ticks(live)
        ended = fake.texts(ADMIN_CHAT)[2:]
        assert sorted(ended) == sorted([f"✅ Ended: Channel {CHANNEL} is paused by an admin (/resume {CHANNEL}).",
                                        "✅ Ended: The outbox is growing: 2 messages wait (limit 1)."])
    finally:
        await live.close()


async def test_open_problems_survive_a_restart_without_repeating(tmp_path, fake) -> None:
    live = Live(tmp_path, fake, env=FAST)
    await live.start()
    try:
        await live.ask(ADMIN, f"/pause {CHANNEL}")
        await until(lambda: len(fake.messages(ADMIN_CHAT)) >= 1, what="the pause message")
        await live.restart()
        await _ticks(live)
        assert len(fake.messages(ADMIN_CHAT)) == 1
        await live.ask(ADMIN, f"/resume {CHANNEL}")
        await until(lambda: len(fake.messages(ADMIN_CHAT)) >= 2, what="the 'ended' message")
        assert fake.texts(ADMIN_CHAT)[1].startswith("✅ Ended: Channel")
    finally:
        await live.close()


async def test_disk_nearly_full_and_undeliverable_alerts(tmp_path, fake) -> None:
    live = Live(tmp_path, fake, env={"health_seconds": 3600.0})
    await live.start()
    try:
        said: list[str] = []

        async def send(text: str) -> bool:
            said.append(text)
            return True

        disk = {"free": 5}
        monitor = HealthMonitor(live.runtime.commands.services, send, lambda path: (disk["free"], 100))
        await monitor.check()
        await monitor.check()
        assert said == ["⚠️ The database's disk is nearly full: 5.0 % free (0.00 GB)."]
        disk["free"] = 50
        await live.ask(ADMIN, f"/pause {CHANNEL}")  # keep the alert row for us
        await live.ingest(post(1, AMBUSH))
        row = live.store.scalar("SELECT id FROM outbox WHERE kind = 'alert'")
        outbox.claim_next(live.store, str(CHANNEL))
        outbox.mark_failed(live.store, int(row), "BadRequest: refused")  # as the sender leaves a refused alert
        await monitor.check()
        assert "✅ Ended: The database's disk is nearly full: 5.0 % free (0.00 GB)." in said
        assert "⚠️ 1 alert(s) could not be delivered in the last hour (/status)." in said
    finally:
        await live.close()
