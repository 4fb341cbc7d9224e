"""Feed bytes to Posts: RSS 2.0, Atom, RDF and Media RSS samples, broken feeds, HTML to text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.models import Media
from bot.sources.feed_entries import NotAFeed, entry_id, entry_post, parse_feed
from bot.sources.html_text import fragment_text
from tests.fakes.feed_samples import Item, atom, rdf, rss

WHEN = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
URL = "https://news.example.org/feed/"


def posts(document: str, content_type: str = "application/rss+xml") -> list:
    parsed = parse_feed(document.encode(), content_type, URL)
    return [entry_post(e, entry_id(e), URL, parsed.title, parsed.language) for e in parsed.entries]


def test_rss_item_with_media_rss_enclosure_and_html():
    item = Item("https://news.example.org/a/1", "Attaque à Djibo", "<p>Des hommes armés<br/>ont attaqué "
                "<a href='/djibo'>la ville</a>.</p><script>alert(1)</script>", WHEN, author="Rédaction",
                enclosure=("https://cdn.example.org/1.jpg", "image/jpeg"),
                media=(("https://cdn.example.org/v.mp4", "video"), ("https://cdn.example.org/1.jpg", "image")),
                thumbnail="https://cdn.example.org/t.jpg", permalink=True)
    (post,) = posts(rss("Le Journal", [item]))
    assert post.platform == "feed" and post.platform_id == "https://news.example.org/a/1"
    assert post.url == "https://news.example.org/a/1" and post.created_at == WHEN
    assert post.text == "Attaque à Djibo\n\nDes hommes armés\nont attaqué la ville (https://news.example.org/djibo)."
    assert post.author_name == "Rédaction" and post.author_id == URL and post.lang_hint == "fr"
    assert post.media == (Media("video", "https://cdn.example.org/v.mp4", width=800, height=600),
                          Media("photo", "https://cdn.example.org/1.jpg", width=800, height=600),
                          Media("photo", "https://cdn.example.org/t.jpg"))


def test_atom_entry_and_rdf_item():
    (a,) = posts(atom("Atom News", [Item("tag:example.org,2026:1", "Title", "<b>Body</b> text", WHEN,
                                         link="https://atom.example.org/1", author="Ann",
                                         enclosure=("https://cdn.example.org/a.png", "image/png"))]),
                 "application/atom+xml")
    assert (a.platform_id, a.url, a.text, a.author_name) == ("tag:example.org,2026:1", "https://atom.example.org/1",
                                                             "Title\n\nBody text", "Ann")
    assert a.created_at == WHEN and a.media == (Media("photo", "https://cdn.example.org/a.png"),)
    (r,) = posts(rdf("RDF News", [Item(None, "Rdf title", "rdf body", link="https://rdf.example.org/1")]))
    assert r.platform_id == "https://rdf.example.org/1" and r.author_name == "RDF News"


def test_identity_falls_back_from_guid_to_link_to_title_hash():
    doc = rss("N", [Item("local-17", "with guid", "x"), Item(None, "only link", "x", link="https://n.org/2"),
                    Item(None, "only title", "x")])
    by_title = {p.text.split("\n")[0]: p for p in posts(doc)}
    assert by_title["with guid"].platform_id == URL + "#local-17"
    assert by_title["only link"].platform_id == "https://n.org/2"
    assert by_title["only title"].platform_id.startswith(URL + "#sha1:")


@pytest.mark.parametrize(("body", "content_type"), [
    (b"<!doctype html><html><head><title>Just a moment...</title></head><body>consent</body></html>",
     "text/html"),
    (b"", "application/xml"),
    (b"\x00\xff garbage", "application/octet-stream"),
])
def test_html_pages_and_empty_bodies_are_not_feeds(body, content_type):
    with pytest.raises(NotAFeed):
        parse_feed(body, content_type, URL)


def test_malformed_feed_keeps_what_parsed():
    doc = rss("N", [Item("g1", "first", "ok")]).replace("<description>ok", "<description>raw & AT&T")
    parsed = parse_feed(doc.encode(), "application/rss+xml", URL)
    assert parsed.degraded and len(parsed.entries) == 1


def test_html_of_entries_is_bounded_before_parsing():
    assert fragment_text("<div>" * 3_000 + "deep" + "</div>" * 3_000) == "deep"
    assert fragment_text("<div>" * 50_000 + "deep" + "</div>" * 50_000) == ""  # cut after MAX_TAGS tags
