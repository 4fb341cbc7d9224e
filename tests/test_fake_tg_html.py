"""The fake's HTML parse_mode must fail and succeed exactly where Telegram (TDLib) does.

Error strings and byte offsets follow the Bot API (https://core.telegram.org/bots/api#html-style) and
TDLib's parse_html (https://github.com/tdlib/td/blob/master/td/telegram/MessageEntity.cpp); the last tests
send through a real PTB Bot so the whole path (form body → parse → recorded text) is covered.
"""

from __future__ import annotations

import html

import pytest
from telegram import Bot
from telegram.error import BadRequest

from tests.fakes.tg_entities import HtmlError
from tests.fakes.tg_html import parse_html
from tests.fakes.tg_pytest import CHANNEL_ID, fake_tg_fixture, tg_bot_fixture  # noqa: F401
from tests.fakes.tg_server import FakeTelegram


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("é <div>", 'Unsupported start tag "div" at byte offset 3'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>unbalanced", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ],
)
def test_invalid_markup_is_refused_with_tdlib_message(source: str, error: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(source)
    assert str(caught.value) == error


def test_entities_decode_and_unknown_named_entity_stays_literal() -> None:
    text, entities = parse_html("&lt;b&gt; &amp; &quot; &#65;&#x42; &nbsp; &amp")
    assert text == '<b> & " AB &nbsp; &'
    assert entities == []


def test_offsets_are_utf16_units_and_tags_case_insensitive() -> None:
    text, entities = parse_html("😀 <B>bold</B> <STRONG>é</strong>")
    assert text == "😀 bold é"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "bold", "offset": 8, "length": 1},
    ]


def test_links_nesting_and_attributes() -> None:
    text, entities = parse_html(
        '<a href="https://Example.org/p?q=1&amp;r=2" target=x>l</a> <a href="javascript:alert(1)">j</a> '
        '<b><i>bi</i></b> <pre><code class="language-python">c</code></pre> '
        '<blockquote expandable>q</blockquote> <span class="tg-spoiler">s</span>'
    )
    assert text == "l j bi c q s"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://example.org/p?q=1&r=2"},
        {"type": "bold", "offset": 4, "length": 2},
        {"type": "italic", "offset": 4, "length": 2},
        {"type": "pre", "offset": 7, "length": 1, "language": "python"},
        {"type": "expandable_blockquote", "offset": 9, "length": 1},
        {"type": "spoiler", "offset": 11, "length": 1},
    ]


def test_empty_element_makes_no_entity() -> None:
    assert parse_html("a<b></b>c") == ("ac", [])


async def test_escaped_hostile_text_arrives_as_written(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    hostile = '<script>alert("x")</script> <b>unbalanced & AT&T 5 > 3'
    await tg_bot.send_message(CHANNEL_ID, f"<b>Alert</b>\n{html.escape(hostile)}", parse_mode="HTML")
    shown = fake_tg.messages(CHANNEL_ID)[-1]
    assert shown.text == f"Alert\n{hostile}"
    assert shown.spans("bold") == ["Alert"]


async def test_unescaped_text_is_refused_and_not_shown(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await tg_bot.send_message(CHANNEL_ID, "price <b>5 & rising", parse_mode="HTML")
    assert fake_tg.calls("sendMessage")[-1].description == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    assert fake_tg.messages(CHANNEL_ID) == []


async def test_unknown_parse_mode_is_refused(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await tg_bot.send_message(CHANNEL_ID, "x", parse_mode="htm")
    assert fake_tg.calls("sendMessage")[-1].description == "Bad Request: unsupported parse_mode"
