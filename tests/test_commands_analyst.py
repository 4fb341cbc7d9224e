"""Analyst commands in real conversations: /search, /latest, /why, /sub, /unsub, /subs, /digest."""

from __future__ import annotations

import pytest

from bot.commands.base import Usage
from bot.commands.search import fts_query
from tests.commands_support import (  # noqa: F401 (fixtures)
    ADMIN,
    ANALYST,
    Live,
    fake_fixture,
    live_fixture,
    post,
    until,
)

AMBUSH = "Embuscade meurtrière près de Ménaka ce matin, au moins dix soldats tués selon des sources locales"
PUTSCH = "Tentative de putsch à Niamey: des militaires encerclent la présidence depuis cette nuit"


async def _stored(live: Live) -> None:
    await live.ingest(post(1, AMBUSH))
    await live.ingest(post(2, PUTSCH))
    await live.ingest(post(3, "Weather in Bamako is hot and dry again today according to forecasts", "en"))


async def test_search_shows_newest_hits_with_time_source_language_snippet_link(live: Live) -> None:
    await _stored(live)
    reply = (await live.ask(ANALYST, "/search ménaka"))[0]
    assert reply.startswith("1 post(s) in the last 30 days")
    assert "x @reporter · fr" in reply and "Embuscade meurtrière près de Ménaka" in reply
    assert "https://x.com/reporter/status/1" in reply
    bold = live.fake.messages(ANALYST)[-1].spans("bold")
    assert "Ménaka" in bold


async def test_search_syntax_phrases_or_prefix(live: Live) -> None:
    await _stored(live)
    assert "2 post(s)" in (await live.ask(ANALYST, "/search ménaka OR niamey"))[0]
    assert "1 post(s)" in (await live.ask(ANALYST, '/search "tentative de putsch"'))[0]
    assert "1 post(s)" in (await live.ask(ANALYST, "/search embusc*"))[0]
    assert "No post" in (await live.ask(ANALYST, '/search "putsch de tentative"'))[0]


@pytest.mark.parametrize("hostile", ['"', "NEAR(a b", "text: x", "OR", "a AND", "-x", "^a", "(((", "\ue000",
                                     "a OR OR b", 'x"y', "col:*", "über*", "AND OR NOT"])
def test_hostile_search_input_is_rebuilt_into_a_valid_fts5_query(store, hostile: str) -> None:
    try:
        query = fts_query(hostile)
    except Usage as exc:
        assert str(exc)  # a reason the user can read
        return
    store.query("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (query,))  # raises if invalid


async def test_hostile_search_through_the_chat_gets_an_answer(live: Live) -> None:
    await _stored(live)
    for text in ['/search "unclosed', "/search NEAR(a,b)", "/search text:embuscade", "/search OR OR",
                 "/search a*", "/search " + "x " * 20, "/search <b>&amp;</b>"]:
        reply = (await live.ask(ANALYST, text))[0]
        assert reply and "failed on my side" not in reply


async def test_search_bad_arguments_give_the_usage_line(live: Live) -> None:
    assert (await live.ask(ANALYST, "/search"))[0].startswith("Usage: /search")
    reply = (await live.ask(ANALYST, "/search em*"))[0]
    assert "at least 3 letters" in reply and "Usage: /search" in reply


async def test_latest_by_topic_and_count(live: Live) -> None:
    await _stored(live)
    reply = (await live.ask(ANALYST, "/latest attack 3"))[0]
    assert "Latest 1 matched post(s) about attack" in reply and "Embuscade" in reply and "putsch" not in reply
    both = (await live.ask(ANALYST, "/latest"))[0]
    assert "Embuscade" in both and "putsch" in both
    assert "Usage: /latest" in (await live.ask(ANALYST, "/latest nonsense"))[0]
    assert "from 1 to 20" in (await live.ask(ANALYST, "/latest 500"))[0]


async def test_why_explains_terms_and_topics(live: Live) -> None:
    await _stored(live)
    reply = "\n".join(await live.ask(ANALYST, "/why https://x.com/reporter/status/1"))
    assert "Stored topics: attack" in reply and "matched 'embuscade' for attack" in reply
    assert "attack: FIRED (urgent)" in reply
    assert "Stored topics: coup" in (await live.ask(ANALYST, "/why x:2"))[0]
    assert "no stored post" in (await live.ask(ANALYST, "/why https://x.com/nobody/status/999"))[0]
    assert (await live.ask(ANALYST, "/why"))[0].startswith("Usage: /why")


async def test_sub_delivers_personal_alerts_through_the_outbox_once_per_story(live: Live) -> None:
    reply = (await live.ask(ANALYST, "/sub coup attack fr"))[0]
    assert "Subscribed to coup, attack (fr)" in reply
    assert "coup: fr" in (await live.ask(ANALYST, "/subs"))[0]
    before = len(live.fake.messages(ANALYST))
    await live.ingest(post(10, PUTSCH + " et une embuscade"))  # two subscribed topics, one story
    await live.ingest(post(11, "Tentative de putsch à Niamey : des militaires encerclent la présidence cette nuit"))
    await live.ingest(post(12, "A putsch attempt in Niamey, soldiers around the presidency tonight", "en"))
    await until(lambda: live.store.scalar(
        "SELECT count(*) FROM outbox WHERE channel = ? AND state = 'sent'", (str(ANALYST),)) >= 1)
    await live.ask(ADMIN, "/help")
    alerts = live.fake.texts(ANALYST)[before:]
    assert len(alerts) == 1 and "putsch" in alerts[0]  # the near-duplicate and the English post: no alert
    rows = live.store.query("SELECT kind FROM outbox WHERE channel = ? ORDER BY id", (str(ANALYST),))
    kinds = [r["kind"] for r in rows]
    assert kinds[0] == "alert" and "alert" not in kinds[1:]


async def test_unsub_and_bad_sub_arguments(live: Live) -> None:
    await live.ask(ANALYST, "/sub coup")
    assert "Stopped 1 subscription" in (await live.ask(ANALYST, "/unsub"))[0]
    assert "No subscriptions" in (await live.ask(ANALYST, "/subs"))[0]
    assert "no such subscription" in (await live.ask(ANALYST, "/unsub coup"))[0]
    reply = (await live.ask(ANALYST, "/sub ufo"))[0]
    assert "'ufo' is neither a topic" in reply and "Usage: /sub" in reply
    assert "at least one topic" in (await live.ask(ANALYST, "/sub fr"))[0]
    assert (await live.ask(ANALYST, "/sub"))[0].startswith("Usage: /sub")


async def test_digest_for_a_subscriber_and_for_a_chat_without_alerts(live: Live) -> None:
    assert "no alerts" in (await live.ask(ANALYST, "/digest"))[0]
    await live.ask(ANALYST, "/sub attack")
    await _stored(live)
    # the ambush's personal alert first: then the next message in this chat can only be the digest
    await until(lambda: any("Embuscade" in t for t in live.fake.texts(ANALYST)), what="the personal alert")
    reply = (await live.ask(ANALYST, "/digest"))[-1]
    assert "Digest" in reply and "Embuscade" in reply and "putsch" not in reply
