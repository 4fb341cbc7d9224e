"""The channel preview parser on Telegram's markup (as RSSHub and snscrape read it: see
bot/sources/telegram_web/parse.py) and on the fake's pages."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.models import Media
from bot.sources.html_text import fragment_text
from bot.sources.payload import PayloadLimits
from bot.sources.telegram_web.parse import parse_page
from tests.fakes.tg_web import FakeChannelWeb

REFERENCE_PAGE = """<html><body>
<section class="tgme_channel_history js-message_history">
 <a href="/s/chan?before=1491" class="tme_messages_more js-messages_more" data-before="1491"></a>
 <div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message js-widget_message" data-post="Chan/1491" data-view="eyJjIjoxfQ">
   <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_forwarded_from">Forwarded from <a class="tgme_widget_message_forwarded_from_name"
      href="https://t.me/src/77">Source Channel</a></div>
    <a class="tgme_widget_message_photo_wrap" href="https://t.me/chan/1491?single"
      style="width:800px;background-image:url('https://cdn4.telesco.pe/file/abc.jpg')"></a>
    <div class="tgme_widget_message_text js-message_text" dir="auto">Texte <br/> <a href="?q=%23Mali">#Mali</a>
      <i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/F09F94A5.png')"><b>🔥</b></i></div>
    <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short">
     <span class="tgme_widget_message_views">4.4K</span><span class="tgme_widget_message_meta">
     <a class="tgme_widget_message_date" href="https://t.me/chan/1491"><time datetime="2020-04-30T17:00:04+00:00"
       >17:00</time></a></span></div></div>
   </div>
  </div>
 </div>
</section></body></html>"""


def test_reference_markup_gives_text_time_photo_and_forward():
    page = parse_page(REFERENCE_PAGE, "chan")
    assert page.before == 1491 and page.skipped == () and page.channel == "Chan"
    (post,) = page.posts
    assert post.platform == "telegram" and post.platform_id == "chan/1491"
    assert post.url == "https://t.me/Chan/1491"
    assert post.created_at == datetime(2020, 4, 30, 17, 0, 4, tzinfo=UTC)
    assert post.text == "[Forwarded from Source Channel]\nTexte\n#Mali 🔥"
    assert post.media == (Media("photo", "https://cdn4.telesco.pe/file/abc.jpg"),)
    assert post.refs.repost_of == "src/77"
    assert post.author_handle == "Chan" and post.author_id == "chan"


def test_reply_quote_is_not_the_message_text_and_links_are_expanded():
    with FakeChannelWeb() as web:
        web.add_channel("SahelNews", title="Sahel News")
        web.post("SahelNews", "Premier message")
        web.post("SahelNews",
                 'Suite: <a href="https://www.example.org/article/123-long">example.org/article/123…</a> et '
                 '<a href="https://example.net/x" target="_blank">ce lien</a><br/>fin',
                 reply_to=(1, "Premier message cité"))
        page = parse_page(httpx.get(f"{web.url}/s/sahelnews").text, "sahelnews")
    reply = page.posts[-1]
    assert reply.text == "Suite: https://www.example.org/article/123-long et ce lien (https://example.net/x)\nfin"
    assert "cité" not in reply.text
    assert reply.refs.reply_to == "sahelnews/1"
    assert reply.author_name == "Sahel News"


def test_malformed_and_service_messages_are_skipped_and_the_rest_kept():
    with FakeChannelWeb() as web:
        web.add_channel("chan")
        web.post("chan", "un")
        web.post("chan", "sans heure", broken="time")
        web.post("chan", "mauvais id", broken="id")
        web.post("chan", "", service=True)
        web.post("chan", "deux", video="https://cdn.test/v.mp4", video_thumb="https://cdn.test/v.jpg")
        page = parse_page(httpx.get(f"{web.url}/s/chan").text, "chan")
    assert [p.text for p in page.posts] == ["un", "deux"]
    assert len(page.skipped) == 2 and page.messages == 5
    assert page.posts[1].media == (Media("video", "https://cdn.test/v.mp4", preview_url="https://cdn.test/v.jpg"),)


def test_pages_go_back_with_before_and_messages_of_another_channel_are_refused():
    with FakeChannelWeb(page_size=3) as web:
        web.add_channel("chan")
        for n in range(7):
            web.post("chan", f"message {n}", skip=1 if n == 4 else 0)
        first = parse_page(httpx.get(f"{web.url}/s/chan").text, "chan")
        older = parse_page(httpx.get(f"{web.url}/s/chan", params={"before": first.before}).text, "chan")
        oldest = parse_page(httpx.get(f"{web.url}/s/chan", params={"before": older.before}).text, "chan")
        assert httpx.get(f"{web.url}/s/nochannel").headers["location"] == "/nochannel"
    assert [p.platform_id for p in first.posts] == ["chan/6", "chan/7", "chan/8"]  # id 5 was deleted
    assert first.newest_id == 8 and first.before == 6
    assert [p.text for p in older.posts] == ["message 1", "message 2", "message 3"]
    assert [p.text for p in oldest.posts] == ["message 0"] and oldest.before is None
    assert parse_page(REFERENCE_PAGE, "other").posts == ()


def test_fragment_text_keeps_paragraphs_breaks_and_full_urls():
    html = ('<p>Attaque à <span class="h-card"><a href="https://m.test/@fama" class="u-url mention">@<span>fama'
            '</span></a></span> <a href="https://m.test/tags/Sahel" class="mention hashtag">#<span>Sahel</span></a>'
            '</p><p>Lire <a href="https://news.example/a/b/c"><span class="invisible">https://</span><span class='
            '"ellipsis">news.example/a/b</span><span class="invisible">/c</span></a><br>fin <script>x()</script></p>')
    assert fragment_text(html) == "Attaque à @fama #Sahel\n\nLire https://news.example/a/b/c\nfin"


def test_texts_media_and_urls_are_held_to_the_payload_limits():
    with FakeChannelWeb() as web:
        web.add_channel("chan")
        web.post("chan", "mot " * 5000, photos=[f"https://cdn.test/{n}.jpg" for n in range(30)]
                 + ["https://cdn.test/" + "x" * 5000 + ".jpg"])
        html = httpx.get(f"{web.url}/s/chan").text
    (post,) = parse_page(html, "chan", PayloadLimits(max_post_chars=1000, max_media=4)).posts
    assert len(post.text) == 1000 and post.text.endswith("…")
    assert [m.url for m in post.media] == [f"https://cdn.test/{n}.jpg" for n in range(4)]
