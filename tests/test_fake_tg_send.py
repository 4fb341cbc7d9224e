"""Sending through a real PTB Bot to the fake: limits after parsing, media, albums, edits, records."""

from __future__ import annotations

import pytest
from telegram import Bot, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from telegram.error import BadRequest

from tests.fakes.tg_pytest import CHANNEL_ID, CHANNEL_NAME, fake_tg_fixture, tg_bot_fixture  # noqa: F401
from tests.fakes.tg_server import FakeTelegram

PHOTO = "https://media.example.org/a.jpg"
VIDEO = "https://media.example.org/v.mp4"


def last_error(fake: FakeTelegram) -> str:
    return fake.calls()[-1].description


async def test_message_is_recorded_as_a_reader_sees_it(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    first = await tg_bot.send_message(
        f"@{CHANNEL_NAME}", "<b>Attack</b> near Gao &amp; Ménaka", parse_mode="HTML"
    )
    second = await tg_bot.send_message(CHANNEL_ID, "plain <b> stays", link_preview_options=None)
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == CHANNEL_ID and first.sender_chat is not None
    shown = fake_tg.messages(CHANNEL_ID)
    assert [m.text for m in shown] == ["Attack near Gao & Ménaka", "plain <b> stays"]
    assert shown[0].spans("bold") == ["Attack"] and shown[1].entities == ()


async def test_text_limit_counts_code_points_after_parsing(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    await tg_bot.send_message(CHANNEL_ID, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    await tg_bot.send_message(CHANNEL_ID, "😀" * 4096)  # 8,192 UTF-16 units, 4,096 code points
    with pytest.raises(BadRequest):
        await tg_bot.send_message(CHANNEL_ID, "x" * 4097)
    assert last_error(fake_tg) == "Bad Request: message is too long"
    assert [len(t) for t in fake_tg.texts(CHANNEL_ID)] == [4096, 4096]


async def test_raw_text_over_32k_bytes_is_refused_before_parsing(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await tg_bot.send_message(CHANNEL_ID, "<b></b>" * 5000, parse_mode="HTML")
    assert last_error(fake_tg) == "Bad Request: text is too long"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Bad Request: message text is empty"),
        (" \n\u200b ", "Bad Request: text must be non-empty"),
        ("<b> </b>", "Bad Request: text must be non-empty"),
    ],
)
async def test_empty_text_is_refused(fake_tg: FakeTelegram, tg_bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest):
        await tg_bot.send_message(CHANNEL_ID, text, parse_mode="HTML")
    assert last_error(fake_tg) == error


async def test_input_cleaning_drops_bidi_overrides_and_trims(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    await tg_bot.send_message(CHANNEL_ID, "\n  Gao\u202e attack\r\n\tnow <b>x</b>  \n", parse_mode="HTML")
    shown = fake_tg.messages(CHANNEL_ID)[0]
    assert shown.text == "Gao attack\n now x"
    assert shown.spans("bold") == ["x"]


async def test_photo_by_registered_url_with_caption(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_media(PHOTO, "image/jpeg", 300_000, width=800, height=600)
    sent = await tg_bot.send_photo(CHANNEL_ID, PHOTO, caption="<i>Gao</i>", parse_mode="HTML")
    assert sent.photo[-1].width == 800
    again = await tg_bot.send_photo(CHANNEL_ID, sent.photo[-1].file_id)
    shown = fake_tg.messages(CHANNEL_ID)
    assert [(m.kind, m.text, m.media) for m in shown] == [
        ("photo", "Gao", {"url": PHOTO, "mime": "image/jpeg"}),
        ("photo", "", {"file_id": sent.photo[-1].file_id}),
    ]
    assert again.caption is None


async def test_caption_limit_is_1024_code_points(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_media(VIDEO, "video/mp4", 3_000_000)
    await tg_bot.send_video(CHANNEL_ID, VIDEO, caption="é" * 1024)
    with pytest.raises(BadRequest):
        await tg_bot.send_video(CHANNEL_ID, VIDEO, caption="é" * 1025)
    assert last_error(fake_tg) == "Bad Request: message caption is too long"
    assert len(fake_tg.messages(CHANNEL_ID)) == 1


@pytest.mark.parametrize(
    ("url", "mime", "size", "error"),
    [
        ("https://media.example.org/missing.jpg", None, 0, "failed to get HTTP URL content"),
        (PHOTO, "image/jpeg", 6 * 1024 * 1024, "failed to get HTTP URL content"),
        (PHOTO, "text/html", 1000, "wrong type of the web page content"),
        ("not-a-file-id", None, 0, "wrong file identifier/HTTP URL specified"),
    ],
)
async def test_unfetchable_photo_is_refused(
    fake_tg: FakeTelegram, tg_bot: Bot, url: str, mime: str | None, size: int, error: str
) -> None:
    if mime:
        fake_tg.add_media(url, mime, size)
    with pytest.raises(BadRequest):
        await tg_bot.send_photo(CHANNEL_ID, url, caption="c")
    assert last_error(fake_tg) == f"Bad Request: {error}"
    assert fake_tg.messages(CHANNEL_ID) == []


async def test_uploaded_photo_arrives_via_multipart(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    await tg_bot.send_photo(CHANNEL_ID, b"\xff\xd8\xff" + b"0" * 1000, caption="upload")
    assert fake_tg.messages(CHANNEL_ID)[0].media == {"upload_bytes": 1003}


async def test_album_of_photos_and_videos(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    fake_tg.add_media(PHOTO, "image/jpeg", 1000)
    fake_tg.add_media(VIDEO, "video/mp4", 1000)
    sent = await tg_bot.send_media_group(
        CHANNEL_ID, [InputMediaPhoto(PHOTO, caption="<b>one</b>", parse_mode="HTML"), InputMediaVideo(VIDEO)]
    )
    assert len({m.media_group_id for m in sent}) == 1
    shown = fake_tg.messages(CHANNEL_ID)
    assert [(m.kind, m.text) for m in shown] == [("photo", "one"), ("video", "")]
    assert shown[0].spans("bold") == ["one"]


async def test_album_over_ten_or_with_a_failing_item_sends_nothing(
    fake_tg: FakeTelegram, tg_bot: Bot
) -> None:
    fake_tg.add_media(PHOTO, "image/jpeg", 1000)
    with pytest.raises(BadRequest):
        await tg_bot.send_media_group(CHANNEL_ID, [InputMediaPhoto(PHOTO)] * 11)
    assert last_error(fake_tg) == "Bad Request: too many messages to send as an album"
    with pytest.raises(BadRequest):
        await tg_bot.send_media_group(CHANNEL_ID, [InputMediaPhoto(PHOTO), InputMediaPhoto(PHOTO + "?gone")])
    assert last_error(fake_tg) == (
        'Bad Request: failed to send message #2 with the error message "WEBPAGE_CURL_FAILED"'
    )
    with pytest.raises(BadRequest):
        await tg_bot.send_media_group(CHANNEL_ID, [InputMediaPhoto(PHOTO), InputMediaDocument(PHOTO)])
    assert last_error(fake_tg) == "Bad Request: document can't be mixed with other media types"
    assert fake_tg.messages(CHANNEL_ID) == []


async def test_edit_replaces_text_and_keeps_history(fake_tg: FakeTelegram, tg_bot: Bot) -> None:
    sent = await tg_bot.send_message(CHANNEL_ID, "Attack in Gao")
    edited = await tg_bot.edit_message_text(
        "Attack in Gao\n<i>+2 similar</i>", chat_id=CHANNEL_ID, message_id=sent.message_id, parse_mode="HTML"
    )
    assert edited.edit_date is not None
    shown = fake_tg.messages(CHANNEL_ID)[0]
    assert (shown.text, shown.spans("italic")) == ("Attack in Gao\n+2 similar", ["+2 similar"])
    assert [e.text for e in shown.edits] == ["Attack in Gao"]
    with pytest.raises(BadRequest):
        await tg_bot.edit_message_text(
            "Attack in Gao\n<i>+2 similar</i>",
            chat_id=CHANNEL_ID,
            message_id=sent.message_id,
            parse_mode="HTML",
        )
    assert last_error(fake_tg).startswith("Bad Request: message is not modified")
    with pytest.raises(BadRequest):
        await tg_bot.edit_message_text("x", chat_id=CHANNEL_ID, message_id=99)
    assert last_error(fake_tg) == "Bad Request: message to edit not found"
