"""X payloads → Post, and reading stream lines and pages defensively (synthetic v2 payloads)."""

from __future__ import annotations

import json

import pytest

from bot.models import Media, Refs
from bot.sources.x.convert import Includes, PayloadError, parse_line, parse_page, post_from_payload
from tests.fakes.x_payloads import photo, quirk_set, tweet, user, video


@pytest.fixture
def quirks():
    users, media, posts = quirk_set()
    return Includes.from_json({"users": users, "media": media, "tweets": list(posts.values())}), posts


def test_plain_post(quirks):
    includes, posts = quirks
    post = post_from_payload(posts["original"], includes, {"data": posts["original"]})
    assert (post.platform, post.platform_id, post.author_handle, post.author_name) == (
        "x",
        posts["original"]["id"],
        "sahel_news",
        "Sahel News",
    )
    assert post.url == f"https://x.com/sahel_news/status/{posts['original']['id']}"
    assert post.created_at.tzinfo is not None and post.lang_hint == "fr"
    assert json.loads(post.raw) == {"data": posts["original"]}


def test_long_post_uses_note_tweet_text(quirks):
    includes, posts = quirks
    post = post_from_payload(posts["long"], includes, {})
    assert post.text == posts["long"]["note_tweet"]["text"] and len(post.text) > 280


def test_repost_shows_the_originals_full_text_and_references_it(quirks):
    includes, posts = quirks
    post = post_from_payload(posts["retweet"], includes, {})
    assert post.text == "RT @sahel_news: " + posts["original"]["text"]
    assert post.refs == Refs(repost_of=posts["original"]["id"])
    without_original = post_from_payload(posts["retweet"], Includes.from_json({}), {})
    assert without_original.text == posts["retweet"]["text"]  # truncated, but never lost


def test_quote_and_reply_references(quirks):
    includes, posts = quirks
    assert post_from_payload(posts["quote"], includes, {}).refs == Refs(quote_of=posts["original"]["id"])
    assert post_from_payload(posts["reply"], includes, {}).refs == Refs(reply_to=posts["original"]["id"])


def test_media_best_mp4_gif_and_missing_keys(quirks):
    includes, posts = quirks
    videos = post_from_payload(posts["video"], includes, {}).media
    assert [(m.kind, m.url) for m in videos] == [
        ("video", "https://video.example.test/7_200/2176000.mp4"),
        ("gif", "https://video.example.test/16_300/0.mp4"),
    ]
    assert videos[0].preview_url == "https://pbs.example.test/preview/7_200.jpg" and videos[0].duration_ms == 30_000
    photos = post_from_payload(posts["missing_media"], includes, {}).media
    assert photos == (
        Media("photo", "https://pbs.example.test/media/3_100.jpg", width=1200, height=800, alt_text="Convoi"),
    )


def test_video_without_mp4_falls_back_to_its_preview():
    hls_only = video("7_1", bit_rates=[])
    item = tweet("clip", "1", media_keys=["7_1"])
    post = post_from_payload(item, Includes.from_json({"media": [hls_only]}), {})
    assert post.media[0].url == "https://pbs.example.test/preview/7_1.jpg"


@pytest.mark.parametrize(
    ("lang", "hint"), [("fr", "fr"), ("und", None), ("qst", None), ("in", "id"), ("iw", "he"), (None, None)]
)
def test_language_hints(lang, hint):
    assert post_from_payload(tweet("x", "1", lang=lang), Includes.from_json({}), {}).lang_hint == hint


def test_unknown_author_gets_a_handle_free_url():
    item = tweet("x", "999")
    assert post_from_payload(item, Includes.from_json({}), {}).url == f"https://x.com/i/web/status/{item['id']}"


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "no id"},
        {"id": "1", "created_at": "2026-01-01T00:00:00Z"},
        {"id": "1", "text": "no time"},
        {"id": "1", "text": "t", "created_at": "soon"},
        [],
    ],
)
def test_objects_that_are_not_posts_are_refused(bad):
    with pytest.raises(PayloadError):
        post_from_payload(bad, Includes.from_json({}), {})


def test_stream_lines():
    item = tweet("Ménaka", "42")
    line = json.dumps(
        {
            "data": item,
            "includes": {"users": [user("42", "sahel_news")]},
            "matching_rules": [{"id": 7, "tag": ""}, {"id": "8", "tag": None}, {"id": "9"}],
        }
    )
    parsed = parse_line(line.encode())
    assert parsed.kind == "post" and parsed.post.author_handle == "sahel_news"
    assert parsed.rules == (("7", None), ("8", None), ("9", None))
    assert parse_line(b"\r\n").kind == "keep-alive"
    assert parse_line(b'{"data": {"id": "19').kind == "malformed"
    assert parse_line(b"[1, 2]").kind == "malformed"
    assert parse_line(b'{"data": {"id": "1"}}').problem.startswith("post 1 has no text")
    errors = parse_line(b'{"errors": [{"title": "operational-disconnect"}]}')
    assert errors.kind == "errors" and errors.errors[0]["title"] == "operational-disconnect"
    assert parse_line(b'{"something_new": 1}').kind == "unknown"
    no_includes = parse_line(json.dumps({"data": item, "includes": "garbage"}))
    assert no_includes.kind == "post" and no_includes.post.author_handle == ""


def test_pages_are_read_oldest_first_with_partial_errors_and_per_post_includes():
    first, second = tweet("old", "42", media_keys=["3_1"]), tweet("new", "43")
    body = {
        "data": [second, first, {"id": "5"}],
        "includes": {"users": [user("42", "a"), user("43", "b")], "media": [photo("3_1")]},
        "errors": [{"title": "Not Found Error", "resource_id": "7"}],
        "meta": {"newest_id": second["id"], "result_count": 3},
    }
    page = parse_page(body)
    assert [p.text for p in page.posts] == ["old", "new"]
    assert page.skipped == ["post 5 has no text"] and page.errors[0]["resource_id"] == "7"
    raw = json.loads(page.posts[0].raw)
    assert [u["id"] for u in raw["includes"]["users"]] == ["42"] and raw["includes"]["media"][0]["media_key"] == "3_1"
    assert parse_page({"meta": {"result_count": 0}}).posts == [] and parse_page("nope").skipped


def _url_entity(tco: str, expanded: str, **extra: object) -> dict:
    return {"start": 0, "end": 23, "url": tco, "expanded_url": expanded, "display_url": expanded[8:30], **extra}


def test_links_are_the_expanded_urls_x_gives_never_t_co_or_media():
    article = "https://www.rfi.fr/fr/afrique/20250301-mali?utm_source=twitter"
    post_json = tweet("Attaque à Boulkessi https://t.co/abc https://t.co/pic", "42", entities={"urls": [
        _url_entity("https://t.co/abc", article),
        _url_entity("https://t.co/pic", "https://x.com/sahel_news/status/1/photo/1", media_key="3_1"),
    ]})
    post = post_from_payload(post_json, Includes.from_json({}), {})
    assert post.links == (article,)
    long_json = tweet("cut https://t.co/x", "42", note_text="Long text https://t.co/y", entities={"urls": [
        _url_entity("https://t.co/x", "https://a.example/short")]})
    long_json["note_tweet"]["entities"] = {"urls": [_url_entity("https://t.co/y", "https://a.example/long",
                                                                unwound_url="https://b.example/final")]}
    assert post_from_payload(long_json, Includes.from_json({}), {}).links == ("https://b.example/final",)


def test_a_repost_links_where_its_original_links():
    original = tweet("Boulkessi https://t.co/abc", "42", entities={"urls": [
        _url_entity("https://t.co/abc", "https://lefaso.net/spip.php?article1")]})
    repost = tweet("RT @sahel_news: Boulkessi https://t.co/abc", "43", refs=[("retweeted", original["id"])])
    includes = Includes.from_json({"users": [user("42", "sahel_news", "Sahel News")], "tweets": [original]})
    assert post_from_payload(repost, includes, {}).links == ("https://lefaso.net/spip.php?article1",)
