"""Alert and digest formatting: the HTML we send must parse (as Telegram parses it) to exactly
the plain text we measured, and matched terms must be bold at their Match offsets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts import format as fmt
from bot.alerts import limits
from bot.alerts.digest import digest_messages
from bot.alerts.rich import cut_point, link, text
from bot.alerts.routing import ChannelRule
from bot.models import Match, Media, Post
from tests.fakes.tg_html import parse_html
from tests.fakes.tg_text import plain_slice

HOSTILE = [
    '<script>alert("x")</script>',
    "<b>unbalanced & </i> &amp; &#x41; &nbsp;",
    "\u202eevil\u202c \u2066mixed\u2069 عربي English",
    "emoji 😀🇲🇱 and combining é",
    "",
    "a" * 5000,
    "word " * 1200,
]


def as_telegram_sees(html: str) -> tuple[str, list[dict[str, object]]]:
    return parse_html(html)


def make_post(value: str, matches: tuple[Match, ...] = (), **kw: object) -> Post:
    return Post(platform="x", platform_id="1", text=value, created_at=datetime(2026, 11, 20, 6, 5, tzinfo=UTC),
                url="https://x.com/a/status/1", author_handle="a<b>", author_name="A & B", lang="fr",
                topics=("attack",), severity="urgent", matches=matches, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("limit", [limits.TEXT_LIMIT, limits.CAPTION_LIMIT])
def test_rendered_html_parses_to_the_measured_plain_text(value: str, limit: int) -> None:
    rich = fmt.render_alert(make_post(value), similar=3, limit=limit)
    plain, _ = as_telegram_sees(rich.html)
    assert plain == rich.plain
    assert len(plain) <= limit
    assert "https://x.com/a/status/1" in rich.html and plain.endswith("+3 similar")


def test_matched_spans_are_bold_by_offset_not_by_search() -> None:
    value = "Attack? No: the attack on <Gao> & attack again"
    matches = (Match("attack", "attack", 16, 22), Match("places", "gao", 27, 30), Match("attack", "attack", 34, 40))
    plain, entities = as_telegram_sees(fmt.highlighted(value, matches).html)
    assert plain == value
    assert [plain_slice(plain, e["offset"], e["length"]) for e in entities] == ["attack", "Gao", "attack"]


def test_overlapping_and_touching_matches_merge() -> None:
    spans = fmt.merged_spans([Match("t", "a", 0, 4), Match("t", "b", 2, 6), Match("t", "c", 6, 8),
                              Match("t", "d", 10, 12)], end=11)
    assert spans == [(0, 8), (10, 11)]


def test_cut_at_a_word_boundary() -> None:
    assert cut_point("short", 10) == 5
    assert cut_point("alpha beta gamma", 12) == 10  # "alpha beta" + "…" fits 12
    assert cut_point("x" * 50, 10) == 9  # no space in reach: hard cut


def test_links_only_for_http_urls() -> None:
    assert link("open", "javascript:alert(1)").html == "open"
    assert link("o", 'https://e.org/?a="b"&c').html == '<a href="https://e.org/?a=&quot;b&quot;&amp;c">o</a>'


def test_media_links_are_numbered_from_the_first_not_embedded() -> None:
    media = [Media("photo", f"https://m.org/{i}.jpg") for i in range(2)]
    plain, entities = as_telegram_sees(fmt.media_links(media, first_number=11).html)
    assert plain == "Media: 11 · 12" and [e["url"] for e in entities] == ["https://m.org/0.jpg", "https://m.org/1.jpg"]


def test_digest_pages_are_each_valid_and_within_the_limit() -> None:
    rule = ChannelRule("-100", None, None)
    posts = [make_post(f"<b>{n}</b> & " + "detail " * 60).with_(platform_id=str(n)) for n in range(80)]
    start, end = datetime(2026, 11, 20, 6, tzinfo=UTC), datetime(2026, 11, 20, 7, tzinfo=UTC)
    pages = digest_messages(rule, start, end, posts)
    assert len(pages) > 1
    for page in pages:
        assert as_telegram_sees(page.html)[0] == page.plain and len(page.plain) <= limits.TEXT_LIMIT
    assert sum(p.plain.count("• 06:05") for p in pages) == 80


def test_text_escapes_every_special_character() -> None:
    assert text('<a href="x">&').html == "&lt;a href=&quot;x&quot;&gt;&amp;"


def test_the_alert_says_where_what_and_how_many_under_its_header() -> None:
    from bot.models import Casualties, Place

    post = make_post("Attaque contre le camp de Boulkessi", place=Place("ML", "Boulkessi", "Mopti", 14.9, -1.9),
                     event="battle", casualties=Casualties(killed=12, wounded=3))
    lines = fmt.render_alert(post).plain.split("\n")
    assert lines[1] == "📍 Boulkessi (Mopti), ML · battle · 12 killed, 3 wounded"
    assert fmt.render_alert(make_post("Attaque")).plain.split("\n")[1] == "Attaque"  # nothing known: no line


def test_a_digest_lists_a_story_once_says_1_post_and_marks_media() -> None:
    from bot.models import StoryRef

    when = datetime(2026, 11, 20, 6, 5, tzinfo=UTC)
    first = Post(platform="x", platform_id="1", text="Attaque à Boulkessi", created_at=when, lang="fr",
                 topics=("attack", "mali"), media=(Media("photo", "https://p.example/1.jpg"),),
                 story=StoryRef("x:1"))
    other = Post(platform="x", platform_id="2", text="هجوم على بولكيسي", created_at=when, lang="ar",
                 topics=("mali",), story=StoryRef("x:1"))
    rule = ChannelRule("-1", None, None)
    [one] = digest_messages(rule, when, when, [first])
    assert "· 1 post\n" in one.plain + "\n" and "📷" in one.plain
    [both] = digest_messages(rule, when, when, [first, other])
    assert both.plain.count("Boulkessi") == 1 and "+1 similar" in both.plain and "· 2 posts" in both.plain


def test_a_story_update_alert_says_why_and_lists_the_reports() -> None:
    from bot.alerts.reports import Reports
    from bot.pipeline.story_index import Report

    reports = Reports((Report("ar", "https://x.com/b/status/2"), Report("ha", "https://x.com/c/status/3")),
                      update="toll now 12 killed (was 8)")
    rich = fmt.render_alert(make_post("Attaque à Boulkessi"), reports)
    assert rich.plain.split("\n")[1] == "Update: toll now 12 killed (was 8)"
    assert rich.plain.endswith("+2 reports: ar, ha")
    assert '<a href="https://x.com/b/status/2">ar</a>' in rich.html


def test_the_limits_written_out_are_ptbs() -> None:
    """bot/alerts/limits.py writes Telegram's limits out (PTB's constants import all of PTB):
    they stay the ones PTB ships."""
    from telegram.constants import MediaGroupLimit, MessageLimit

    assert (limits.TEXT_LIMIT, limits.CAPTION_LIMIT, limits.ALBUM_MAX) == (
        MessageLimit.MAX_TEXT_LENGTH, MessageLimit.CAPTION_LENGTH, MediaGroupLimit.MAX_MEDIA_LENGTH)
