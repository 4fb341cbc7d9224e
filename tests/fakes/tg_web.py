"""A fake of Telegram's public channel preview (``https://t.me/s/<channel>``) on 127.0.0.1.

    with FakeChannelWeb(page_size=20) as web:
        web.add_channel("SahelNews", title="Sahel News")
        web.post("SahelNews", "Attaque à <b>Ménaka</b>", photos=["https://cdn.test/1.jpg"])
        url = web.url  # SAHELWATCH_TELEGRAM_WEB_URL

Pages follow the markup RSSHub (https://github.com/DIYgod/RSSHub/blob/master/lib/routes/telegram/channel.ts)
and snscrape (https://github.com/JustAnotherArchivist/snscrape/blob/master/snscrape/modules/telegram.py) read:
``/s/<channel>`` shows the newest ``page_size`` messages oldest first, with a "more" link whose
``data-before`` is the oldest id shown; ``?before=N`` shows the page of messages older than N.
A channel without a preview (unknown, private, or disabled) redirects to ``/<channel>``.
``web.broken(channel, id)`` serves one message with a broken block (no time, bad data-post).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.fakes.http_fake import HttpFake, Reply, Request


@dataclass
class Message:
    id: int
    html: str
    date: datetime
    photos: list[str] = field(default_factory=list)
    video: str | None = None
    video_thumb: str | None = None
    forwarded_from: tuple[str, str] | None = None  # (name, https://t.me/src/77)
    reply_to: tuple[int, str] | None = None  # (message id, its text: shown as a quote)
    service: bool = False
    broken: str | None = None  # "time" (no time) or "id" (bad data-post)


@dataclass
class Channel:
    name: str
    title: str
    messages: list[Message] = field(default_factory=list)
    preview: bool = True
    next_id: int = 1


class FakeChannelWeb(HttpFake):
    name = "fake-telegram-web"

    def __init__(self, page_size: int = 20) -> None:
        super().__init__()
        self.page_size = page_size
        self.channels: dict[str, Channel] = {}

    def add_channel(self, name: str, title: str = "", *, preview: bool = True, first_id: int = 1) -> Channel:
        channel = Channel(name, title or name, preview=preview, next_id=first_id)
        with self.lock:
            self.channels[name.lower()] = channel
        return channel

    def post(self, channel: str, text_html: str, *, date: datetime | None = None, skip: int = 0,
             **extra: object) -> Message:
        """Publish a message (``text_html`` as Telegram renders it); ``skip`` ids leave a gap (deleted posts)."""
        with self.lock:
            chan = self.channels[channel.lower()]
            message = Message(chan.next_id + skip, text_html, date or datetime.now(UTC), **extra)  # type: ignore[arg-type]
            chan.next_id = message.id + 1
            chan.messages.append(message)
        return message

    def respond(self, request: Request) -> Reply:
        if not request.path.startswith("/s/"):
            return Reply(200, "<html><body>channel page</body></html>", content_type="text/html; charset=utf-8")
        name = request.path.removeprefix("/s/").strip("/")
        with self.lock:
            channel = self.channels.get(name.lower())
            if channel is None or not channel.preview:
                return Reply(302, b"", {"Location": f"/{name}"}, content_type="text/html")
            before = request.arg("before")
            older = [m for m in channel.messages if before is None or (before.isdigit() and m.id < int(before))]
            page = older[-self.page_size:]
            has_more = len(older) > len(page)
            return Reply(200, render_page(channel, page, has_more), content_type="text/html; charset=utf-8")


def render_page(channel: Channel, messages: list[Message], has_more: bool) -> str:
    more = ""
    if has_more and messages:
        oldest = messages[0].id
        more = (f'<a href="/s/{channel.name}?before={oldest}" class="tme_messages_more js-messages_more" '
                f'data-before="{oldest}"></a>')
    body = "\n".join(render_message(channel, m) for m in messages)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(channel.title)} – Telegram'
            f'</title></head><body><main class="tgme_main"><section class="tgme_channel_history '
            f'js-message_history">{more}\n{body}\n</section></main></body></html>')


def render_message(channel: Channel, m: Message) -> str:
    post = f"{channel.name}/{m.id}" if m.broken != "id" else f"{channel.name}/not-a-number"
    if m.service:
        return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message '
                f'service_message js-widget_message" data-post="{post}"><div class="tgme_widget_message_bubble">'
                f'<div class="tgme_widget_message_text js-message_text">Channel photo updated</div></div></div></div>')
    stamp = m.date.isoformat(timespec="seconds")
    date = "" if m.broken == "time" else f'<time datetime="{stamp}" class="time">{m.date:%H:%M}</time>'
    return (
        f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message '
        f'text_not_supported_wrap js-widget_message" data-post="{post}" data-view="eyJjIjotMTAwMX0">'
        f'<div class="tgme_widget_message_user"><a href="https://t.me/{channel.name}"><i class="tgme_widget_message'
        f'_user_photo"></i></a></div><div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author'
        f' accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel.name}"><span dir='
        f'"auto">{html.escape(channel.title)}</span></a></div>{_forwarded(m)}{_reply(channel, m)}{_media(channel, m)}'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{m.html}</div>'
        f'<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info '
        f'short js-message_info"><span class="tgme_widget_message_views">4.4K</span><span class="tgme_widget_'
        f'message_meta"><a class="tgme_widget_message_date" href="https://t.me/{channel.name}/{m.id}">{date}</a>'
        f'</span></div></div></div></div></div>'
    )


def _forwarded(m: Message) -> str:
    if m.forwarded_from is None:
        return ""
    name, href = m.forwarded_from
    return (f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_'
            f'message_forwarded_from_name" href="{html.escape(href)}"><span dir="auto">{html.escape(name)}</span>'
            f'</a></div>')


def _reply(channel: Channel, m: Message) -> str:
    if m.reply_to is None:
        return ""
    number, quoted = m.reply_to
    title = html.escape(channel.title)
    return (f'<a class="tgme_widget_message_reply" href="https://t.me/{channel.name}/{number}"><div class="tgme_'
            f'widget_message_author accent_color"><span class="tgme_widget_message_author_name">{title}</span></div>'
            f'<div class="tgme_widget_message_text js-message_reply_text" dir="auto">'
            f'{html.escape(quoted)}</div></a>')


def _media(channel: Channel, m: Message) -> str:
    photos = "".join(
        f'<a class="tgme_widget_message_photo_wrap blured" href="https://t.me/{channel.name}/{m.id}?single" '
        f"style=\"width:800px;background-image:url('{url}')\"><div class=\"tgme_widget_message_photo\"></div></a>"
        for url in m.photos
    )
    if len(m.photos) > 1:
        photos = (f'<div class="tgme_widget_message_grouped_wrap"><div class="tgme_widget_message_grouped">{photos}'
                  '</div></div>')
    video = ""
    if m.video:
        thumb = f"<i class=\"tgme_widget_message_video_thumb\" style=\"background-image:url('{m.video_thumb}')\"></i>" \
            if m.video_thumb else ""
        video = (f'<a class="tgme_widget_message_video_player" href="https://t.me/{channel.name}/{m.id}">{thumb}'
                 f'<div class="tgme_widget_message_video_wrap"><video src="{m.video}" class="tgme_widget_message_'
                 f'video js-message_video" width="100%" height="100%"></video></div></a>')
    return photos + video
