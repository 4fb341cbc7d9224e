"""Mastodon statuses → Posts, and the fake instance's paging (since_id, min_id, Link headers)."""

from __future__ import annotations

import httpx
import pytest

from bot.models import Media
from bot.sources.mastodon.convert import parse_status, to_post
from bot.sources.payload import PayloadError
from tests.fakes.mastodon import FakeMastodon

CONTENT = ('<p>Attaque près de <a href="https://sahel.social/tags/M%C3%A9naka" class="mention hashtag" rel="tag">'
           '#<span>Ménaka</span></a> <span class="h-card"><a href="https://sahel.social/@ami" class="u-url mention">'
           '@<span>ami</span></a></span></p><p>Source: <a href="https://news.example/2026/12/04/menaka-attaque">'
           '<span class="invisible">https://</span><span class="ellipsis">news.example/2026/12/04/me</span>'
           '<span class="invisible">naka-attaque</span></a></p>')


def test_a_status_becomes_a_post_with_text_media_author_and_language():
    with FakeMastodon("sahel.social") as m:
        m.add_account("fama", "Fama Diallo")
        status = m.status("fama", CONTENT, spoiler_text="Violence", media=[
            m.image("https://files.sahel.social/a.jpg", "carte"), {"type": "audio", "url": "https://f/a.mp3"}])
        (page,) = httpx.get(f"{m.url}/api/v1/accounts/{m.accounts['fama'].id}/statuses").json()
    post = to_post(parse_status(page), "sahel.social")
    assert post.platform == "mastodon" and post.platform_id == status["uri"]
    assert post.url == status["url"]
    assert post.text == ("Violence\n\nAttaque près de #Ménaka @ami\n\n"
                         "Source: https://news.example/2026/12/04/menaka-attaque")
    assert post.author_handle == "fama@sahel.social" and post.author_name == "Fama Diallo"
    assert post.author_id == "https://sahel.social/@fama" and post.lang_hint == "fr"
    assert post.media == (Media("photo", "https://files.sahel.social/a.jpg",
                                preview_url="https://files.sahel.social/a.jpg?small", alt_text="carte"),)


def test_a_boost_is_the_boosted_status():
    with FakeMastodon() as m:
        m.add_account("fama")
        m.add_account("relay")
        original = m.status("fama", "<p>Embuscade</p>")
        boost = m.status("relay", "", reblog=original)
    post = to_post(parse_status(boost), "sahel.social")
    assert post.platform_id == original["uri"] and post.text == "Embuscade"
    assert post.author_handle == "fama@sahel.social"


@pytest.mark.parametrize("change", [{"created_at": 12}, {"account": None}, {"id": "1 OR 1=1"}, {"content": ["x"]},
                                    {"media_attachments": "none"}])
def test_a_malformed_status_is_refused(change):
    with FakeMastodon() as m:
        m.add_account("fama")
        status = m.status("fama", "<p>x</p>")
    with pytest.raises(PayloadError):
        parse_status({**status, **change})


def test_fake_pages_newest_first_with_links_and_min_id_reads_forward():
    with FakeMastodon() as m:
        m.add_account("fama")
        ids = [m.status("fama", f"<p>n{n}</p>", tags=["Sahel"])["id"] for n in range(5)]
        tag = f"{m.url}/api/v1/timelines/tag/sahel"
        newest = httpx.get(tag, params={"limit": 2})
        forward = httpx.get(tag, params={"min_id": ids[0], "limit": 2}).json()
        since = httpx.get(tag, params={"since_id": ids[0], "limit": 2}).json()
        assert httpx.get(f"{m.url}/api/v1/accounts/lookup", params={"acct": "nobody"}).status_code == 404
        m.require_token = "secret"
        assert httpx.get(tag).status_code == 401
        assert httpx.get(tag, headers={"Authorization": "Bearer secret"}).status_code == 200
        m.rate_limit(0)
        limited = httpx.get(tag, headers={"Authorization": "Bearer secret"})
    assert [s["id"] for s in newest.json()] == [ids[4], ids[3]]
    assert newest.links["next"]["url"].endswith(f"max_id={ids[3]}")
    assert newest.links["prev"]["url"].endswith(f"min_id={ids[4]}")
    assert [s["id"] for s in forward] == [ids[2], ids[1]]  # right after min_id, newest first
    assert [s["id"] for s in since] == [ids[4], ids[3]]  # since_id: the newest, leaving a gap
    assert limited.status_code == 429 and limited.headers["X-RateLimit-Remaining"] == "0"
