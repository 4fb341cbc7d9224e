"""A repost whose original was never collected: the original (sent whole in ``includes.tweets``)
is stored first as itself; the repost points at it, is never a story of its own, and counts."""

from __future__ import annotations

import json

from bot.app import App
from bot.config import Settings
from bot.pipeline import build_pipeline
from bot.sources.base import Collected
from bot.sources.x.convert import parse_line, parse_page
from tests.fakes.x_payloads import retweet, tweet, user

ORIGINAL = tweet("Embuscade meurtrière près de Ménaka : plusieurs soldats tués selon des sources locales", "42")
REPOST = retweet(ORIGINAL, "43", "sahel_news")
INCLUDES = {"users": [user("42", "sahel_news"), user("43", "niamey_info")], "tweets": [ORIGINAL]}


def test_stream_line_carries_the_original():
    line = parse_line(json.dumps({"data": REPOST, "includes": INCLUDES}))
    assert line.post.refs.repost_of == ORIGINAL["id"]
    assert line.original.platform_id == ORIGINAL["id"] and line.original.author_handle == "sahel_news"
    assert line.original.text == ORIGINAL["text"]


def test_search_page_puts_the_original_before_its_repost():
    page = parse_page({"data": [REPOST], "includes": INCLUDES, "meta": {"result_count": 1}})
    assert [p.platform_id for p in page.posts] == [ORIGINAL["id"], REPOST["id"]]


def test_original_stored_once_repost_is_its_duplicate_and_counted(store):
    app = App(store, build_pipeline(Settings(), store), [])
    line = parse_line(json.dumps({"data": REPOST, "includes": INCLUDES}))
    for post in (line.original, line.post, line.original):  # the original arriving again is a no-op
        app.ingest_one("x", Collected(post))
    rows = store.query("SELECT platform_id, duplicate_of, repost_count FROM posts ORDER BY id")
    assert rows == [
        {"platform_id": ORIGINAL["id"], "duplicate_of": None, "repost_count": 1},
        {"platform_id": REPOST["id"], "duplicate_of": f"x:{ORIGINAL['id']}", "repost_count": 0},
    ]
