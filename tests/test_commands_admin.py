"""Admin commands in real conversations: /status, /sources, /pause, /resume, /mute, /reload, /check,
/test, /watch; and what survives a restart."""

from __future__ import annotations

from tests.commands_support import (  # noqa: F401 (fixtures)
    ADMIN,
    ANALYST,
    CHANNEL,
    Live,
    fake_fixture,
    live_fixture,
    post,
    until,
)

RAZZIA = "Une razzia a visé le marché de Ménaka, des commerçants rapportent des pertes importantes"
AMBUSH = "Embuscade meurtrière près de Ménaka ce matin, au moins dix soldats tués selon des sources locales"


async def _sent(live: Live, chat: int, count: int) -> None:
    await until(lambda: len(live.fake.messages(chat)) >= count, what=f"{count} message(s) in {chat}")


async def test_status_shows_sources_queue_outbox_last_alert_db_uptime_version(live: Live) -> None:
    await live.ingest(post(1, AMBUSH))
    await _sent(live, CHANNEL, 1)
    await until(lambda: live.store.scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") == 1)
    reply = (await live.ask(ADMIN, "/status"))[0]
    for expected in ("SahelWatch 0.1.0, up", "• feed: connected, 0 items", "Queue: 0 post(s)",
                     f"• {CHANNEL}: 0 pending, 0 failed", "Last alert sent: ", "Database: ", "Muted topics: none"):
        assert expected in reply
    assert "Last alert sent: never" not in reply
    assert "feed: connected" in (await live.ask(ADMIN, "/sources"))[0]


async def test_pause_and_resume_a_channel_keeps_alerts_waiting(live: Live) -> None:
    assert "Paused the channel" in (await live.ask(ADMIN, f"/pause {CHANNEL}"))[0]
    await live.ingest(post(1, AMBUSH))
    status = (await live.ask(ADMIN, "/status"))[0]
    assert f"• {CHANNEL}: 1 pending, 0 failed, PAUSED" in status
    assert live.fake.texts(CHANNEL) == []
    assert "Resumed the channel" in (await live.ask(ADMIN, f"/resume {CHANNEL}"))[0]
    await _sent(live, CHANNEL, 1)
    assert "Embuscade" in live.fake.texts(CHANNEL)[0]


async def test_pause_and_resume_a_source(live: Live) -> None:
    assert "Paused the source feed" in (await live.ask(ADMIN, "/pause feed"))[0]
    assert "already paused" in (await live.ask(ADMIN, "/pause feed"))[0]
    live.source.queue.put_nowait(post(5, AMBUSH))
    assert "feed: paused" in (await live.ask(ADMIN, "/sources"))[0]
    assert live.store.scalar("SELECT count(*) FROM posts") == 0
    await live.ask(ADMIN, "/resume feed")
    await until(lambda: live.store.scalar("SELECT count(*) FROM posts") == 1, what="the post after /resume")
    assert "was not paused" in (await live.ask(ADMIN, "/resume feed"))[0]
    assert "no source or channel 'nope'" in (await live.ask(ADMIN, "/pause nope"))[0]
    assert (await live.ask(ADMIN, "/pause"))[0].startswith("Usage: /pause")


async def test_mute_stores_posts_but_sends_no_alerts_until_unmuted(live: Live) -> None:
    assert "Muted attack until" in (await live.ask(ADMIN, "/mute attack 2h"))[0]
    await live.ingest(post(1, AMBUSH))
    assert live.store.scalar("SELECT count(*) FROM posts WHERE topics LIKE '%attack%'") == 1
    assert live.store.scalar("SELECT count(*) FROM outbox") == 0
    assert "Muted topics: attack" in (await live.ask(ADMIN, "/status"))[0]
    assert "Unmuted attack" in (await live.ask(ADMIN, "/mute attack off"))[0]
    await live.ingest(post(2, "Nouvelle embuscade sur la route de Gao, les assaillants ont pris la fuite vers le nord"))
    await _sent(live, CHANNEL, 1)
    assert "Usage: /mute" in (await live.ask(ADMIN, "/mute attack forever"))[0]
    assert "no topic 'ufo'" in (await live.ask(ADMIN, "/mute ufo 1h"))[0]


async def test_reload_and_check_reply_with_the_checker_result(live: Live) -> None:
    reply = (await live.ask(ADMIN, "/reload"))[0]
    assert "Watchlists: reloaded" in reply and "valid: 2 topics" in reply and "channels.yaml: valid: 1 channel" in reply
    (live.watchlists / "topics.yaml").write_text("topics:\n  attack:\n    terms: [ok]\n    terms: [NO]\n")
    reply = (await live.ask(ADMIN, "/check"))[0]
    assert "invalid: " in reply and "topics.yaml:4:5" in reply
    assert "rejected, the last good watchlist stays" in (await live.ask(ADMIN, "/reload"))[0]


async def test_test_message_to_a_channel(live: Live) -> None:
    assert f"Test message sent to {CHANNEL}" in (await live.ask(ADMIN, f"/test {CHANNEL}"))[0]
    assert "SahelWatch test message" in live.fake.texts(CHANNEL)[0]
    assert "takes a channel" in (await live.ask(ADMIN, "/test feed"))[0]
    live.fake.set_status(CHANNEL, "kicked")
    assert "Forbidden" in (await live.ask(ADMIN, f"/test {CHANNEL}"))[0]


async def test_watch_add_applies_to_the_next_post_and_is_audited(live: Live) -> None:
    hand_made = (live.watchlists / "topics.yaml").read_text()
    reply = (await live.ask(ADMIN, "/watch add attack razzia"))[0]
    assert "Added 'razzia' to attack" in reply
    await live.ingest(post(1, RAZZIA))
    await _sent(live, CHANNEL, 1)
    assert "razzia" in live.fake.texts(CHANNEL)[0]
    assert (live.watchlists / "topics.yaml").read_text() == hand_made
    assert "razzia" in (live.watchlists / "_chat_edits.yaml").read_text()
    listed = (await live.ask(ADMIN, "/watch list attack"))[0]
    assert "• razzia  [chat]" in listed and "• embuscade  [" in listed
    audit = live.store.query("SELECT user_id, action, topic, term, outcome FROM watch_edits")
    assert audit == [{"user_id": ADMIN, "action": "add", "topic": "attack", "term": "razzia", "outcome": "applied"}]
    assert "already a term" in (await live.ask(ADMIN, "/watch add attack Razzia"))[0]


async def test_watch_add_of_an_invalid_term_changes_nothing_and_says_why(live: Live) -> None:
    reply = (await live.ask(ADMIN, "/watch add attack raz*zia"))[0]
    assert "Not changed" in reply and "'*' is allowed only at the end of a term" in reply
    assert "_chat_edits.yaml:" in reply
    assert not (live.watchlists / "_chat_edits.yaml").exists()
    assert "empty once spaces" in (await live.ask(ADMIN, "/watch add attack \u200b!!"))[0]
    outcomes = [r["outcome"] for r in live.store.query("SELECT outcome FROM watch_edits")]
    assert len(outcomes) == 2 and all(o.startswith("rejected") for o in outcomes)


async def test_watch_rm_removes_only_chat_edits(live: Live) -> None:
    await live.ask(ADMIN, "/watch add coup junte militaire")
    assert "Removed 'junte militaire'" in (await live.ask(ADMIN, "/watch rm coup junte militaire"))[0]
    assert "junte militaire" not in (live.watchlists / "_chat_edits.yaml").read_text()
    reply = (await live.ask(ADMIN, "/watch rm coup putsch"))[0]
    assert "topics.yaml" in reply and "by hand" in reply
    assert "is not a term" in (await live.ask(ADMIN, "/watch rm coup zzz"))[0]
    assert "Usage: /watch" in (await live.ask(ADMIN, "/watch frob coup x"))[0]
    assert "no topic 'ufo'" in (await live.ask(ADMIN, "/watch add ufo x"))[0]


async def test_a_restart_keeps_subscriptions_mutes_pauses_and_edits(live: Live) -> None:
    await live.ask(ANALYST, "/sub coup")
    await live.ask(ADMIN, "/mute attack 1d")
    await live.ask(ADMIN, "/watch add coup junte militaire")
    await live.ask(ADMIN, "/pause feed")
    await live.restart()
    assert "coup: all languages" in (await live.ask(ANALYST, "/subs"))[0]
    status = (await live.ask(ADMIN, "/status"))[0]
    assert "Muted topics: attack" in status and "feed: paused" in status
    assert "• junte militaire  [chat]" in (await live.ask(ADMIN, "/watch list coup"))[0]
    before = len(live.fake.messages(ANALYST))
    await live.ingest(post(1, "La junte militaire annonce un couvre-feu dans la capitale dès ce soir"))
    await _sent(live, ANALYST, before + 1)
    assert "junte militaire" in live.fake.texts(ANALYST)[-1]
