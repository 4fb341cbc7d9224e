"""``events.yaml`` edited while the bot runs: the next post gets the new event type, a broken edit
keeps the last good rules (the admin chat is told file and line), and removing the admin's own file
goes back to the shipped rules. A live runtime with real PTB against the fake Bot API."""

from __future__ import annotations

from bot.config import default_watchlists
from bot.watchlist.event_rules import EVENTS_FILE
from tests.commands_support import ADMIN, ADMIN_CHAT, Live, fake_fixture, live_fixture, post, until  # noqa: F401 (fixtures)

TEXT = "Un haboob a balayé le marché de Djibo ce matin selon des témoins sur place."
SHIPPED = (default_watchlists() / EVENTS_FILE).read_text(encoding="utf-8")


async def test_an_events_yaml_edit_applies_to_the_next_post_and_a_broken_one_keeps_the_last_good(live: Live) -> None:
    own = live.watchlists / EVENTS_FILE
    first = await live.ingest(post(1, TEXT))
    assert first is not None and first.event is None  # no cue of the shipped rules

    assert "cues: [riot, riots," in SHIPPED
    own.write_text(SHIPPED.replace("cues: [riot, riots,", "cues: [haboob, riot, riots,"), encoding="utf-8")
    assert "events.yaml: reloaded" in (await live.ask(ADMIN, "/reload"))[0]
    second = await live.ingest(post(2, TEXT))
    assert second is not None and second.event == "riot"

    own.write_text(own.read_text(encoding="utf-8") + "events:\n  riot:\n    cues: [x]\n", encoding="utf-8")
    assert "events.yaml: rejected, the last good event rules stay" in (await live.ask(ADMIN, "/reload"))[0]
    await until(lambda: any("events.yaml change rejected" in t for t in live.fake.texts(ADMIN_CHAT)),
                what="the admin chat to be told")
    told = next(t for t in live.fake.texts(ADMIN_CHAT) if "events.yaml change rejected" in t)
    assert f"{EVENTS_FILE}:{SHIPPED.count(chr(10)) + 1}:1" in told  # file, line and column of the repeated key
    third = await live.ingest(post(3, TEXT))
    assert third is not None and third.event == "riot"  # the last good rules

    own.unlink()  # no /reload: the running bot notices by itself and goes back to the shipped rules
    holder = live.runtime.enrichment if live.runtime else None
    await until(lambda: holder is not None and holder.rejected is None and "haboob" not in repr(
        holder.enrichment.events.rules), what="events.yaml to be reloaded")
    fourth = await live.ingest(post(4, TEXT))
    assert fourth is not None and fourth.event is None
