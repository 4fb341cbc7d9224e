"""The fake X API's REST side, driven by real tweepy Client / Paginator over real HTTP."""

from __future__ import annotations

import pytest
import requests
import tweepy

from bot.sources.x.clients import route_session
from tests.fakes import x_problems as problems
from tests.fakes.x_clients import client_for
from tests.fakes.x_payloads import quirk_set, retweet, tweet, user
from tests.fakes.x_server import FakeX, fake_x_fixture

fake_x = fake_x_fixture()
FIELDS = {
    "expansions": ["author_id", "attachments.media_keys", "referenced_tweets.id"],
    "tweet_fields": ["created_at", "lang", "note_tweet", "withheld"],
    "media_fields": ["url", "variants", "preview_image_url"],
}


@pytest.fixture
def seeded(fake_x):
    users, media, posts = quirk_set()
    fake_x.store.seed(users, media, posts.values())
    return posts


def test_requests_without_the_right_bearer_token_get_401_problem_json(fake_x):
    client = tweepy.Client("wrong-token")
    route_session(client.session, fake_x.base_url, refuse_others=True)
    with pytest.raises(tweepy.Unauthorized) as caught:
        client.get_user(username="sahel_news")
    assert caught.value.response.json()["title"] == "Unauthorized"
    assert "x-rate-limit-remaining" in caught.value.response.headers


def test_every_response_carries_rate_limit_headers_counting_down(fake_x, seeded):
    client = client_for(fake_x, return_type=requests.Response)
    first = client.search_recent_tweets("Ménaka")
    second = client.search_recent_tweets("Ménaka")
    assert first.headers["x-rate-limit-limit"] == "450"
    assert int(second.headers["x-rate-limit-remaining"]) == int(first.headers["x-rate-limit-remaining"]) - 1
    assert int(second.headers["x-rate-limit-reset"]) > 0


def test_exhausted_budget_gives_429_with_reset_time_then_recovers_after_the_window():
    now = [1_800_000_000.0]
    with FakeX(clock=lambda: now[0]) as fake:
        fake.store.seed(*quirk_set()[:2], [])
        client = client_for(fake)
        fake.limits.set_remaining("users", 1)
        client.get_user(username="sahel_news")
        with pytest.raises(tweepy.TooManyRequests) as caught:
            client.get_user(username="sahel_news")
        assert caught.value.reset_time == int(now[0]) + 900
        now[0] += 901
        assert client.get_user(username="sahel_news").data.username == "sahel_news"


def test_429_without_reset_header_is_retried_at_once_by_wait_on_rate_limit(fake_x, seeded):
    fake_x.limits.fail_next("search", problems.rate_limited_without_reset(), times=3)
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client_for(fake_x).search_recent_tweets("Ménaka")
    assert caught.value.reset_time is None
    client = client_for(fake_x, wait_on_rate_limit=True)
    assert client.search_recent_tweets("Ménaka").meta["result_count"] >= 1
    assert [r.status for r in fake_x.requests_to("/2/tweets/search/recent")] == [429, 429, 429, 200]


def test_scripted_503_and_usage_cap(fake_x, seeded):
    fake_x.limits.fail_next("search", problems.service_unavailable())
    fake_x.limits.fail_next("search", problems.usage_capped())
    client = client_for(fake_x)
    with pytest.raises(tweepy.TwitterServerError):
        client.search_recent_tweets("Ménaka")
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.search_recent_tweets("Ménaka")
    assert caught.value.response.json()["type"].endswith("/usage-capped")


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("x" * 513, {}),
        ("Ménaka", {"max_results": 9}),
        ("Ménaka", {"max_results": 101}),
        ('"unclosed', {}),
        ("-Ménaka", {}),
        ("lang:fr", {}),
        ("bogus:thing", {}),
        ("Ménaka", {"tweet_fields": ["not_a_field"]}),
        ("Ménaka", {"since_id": "abc"}),
    ],
)
def test_search_rejects_invalid_requests_with_400(fake_x, query, params):
    with pytest.raises(tweepy.BadRequest) as caught:
        client_for(fake_x).search_recent_tweets(query, **params)
    assert caught.value.response.json()["type"].endswith("/invalid-request")


def test_search_accepts_a_512_character_query(fake_x, seeded):
    query = "Ménaka OR " + "x" * 502
    assert len(query) == 512
    assert client_for(fake_x).search_recent_tweets(query).meta["result_count"] >= 1


def test_search_pages_with_next_token_newest_first_and_since_id(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"))
    posts = [tweet(f"Niamey bulletin {n}", "42") for n in range(25)]
    fake_x.store.add_tweet(*posts)
    client = client_for(fake_x)
    pages = list(tweepy.Paginator(client.search_recent_tweets, "Niamey", max_results=10))
    assert [p.meta["result_count"] for p in pages] == [10, 10, 5]
    ids = [t.id for page in pages for t in page.data]
    assert ids == sorted((int(p["id"]) for p in posts), reverse=True)
    assert pages[0].meta["newest_id"] == posts[-1]["id"] and pages[0].meta["oldest_id"] == str(ids[9])
    assert "next_token" not in pages[-1].meta
    replay = client.search_recent_tweets("Niamey", max_results=10, next_token=pages[0].meta["next_token"])
    assert [t.id for t in replay.data] == [t.id for t in pages[1].data]
    newer = client.search_recent_tweets("Niamey", since_id=posts[19]["id"], max_results=10)
    assert [t.id for t in newer.data] == [int(p["id"]) for p in reversed(posts[20:])]
    empty = client.search_recent_tweets("Niamey", since_id=posts[-1]["id"])
    assert empty.data is None and empty.meta == {"result_count": 0}


def test_search_is_accent_insensitive_and_drops_retweets_for_keyword_queries(fake_x, seeded):
    client = client_for(fake_x)
    found = {t.id for t in client.search_recent_tweets("Menaka", max_results=100).data}
    assert int(seeded["original"]["id"]) in found and int(seeded["plain_menaka"]["id"]) in found
    assert int(seeded["retweet"]["id"]) not in found
    by_author = {t.id for t in client.search_recent_tweets("from:niamey_info", max_results=100).data}
    assert int(seeded["retweet"]["id"]) in by_author


def test_search_excludes_posts_older_than_seven_days(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"))
    old = tweet("Gao archive", "42", created_at="2020-01-01T00:00:00.000Z")
    fake_x.store.add_tweet(old, tweet("Gao aujourd'hui", "42"))
    assert client_for(fake_x).search_recent_tweets("Gao").meta["result_count"] == 1


def test_fields_and_includes_only_as_requested(fake_x, seeded):
    client = client_for(fake_x, return_type=dict)
    bare = client.search_recent_tweets("from:sahel_news", max_results=10)
    assert "includes" not in bare
    assert all(set(t) == {"id", "text", "edit_history_tweet_ids"} for t in bare["data"])
    full = client.search_recent_tweets("from:sahel_news", max_results=10, **FIELDS)
    long_post = next(t for t in full["data"] if t["id"] == seeded["long"]["id"])
    assert long_post["note_tweet"]["text"] == seeded["long"]["note_tweet"]["text"]
    assert len(long_post["text"]) < len(long_post["note_tweet"]["text"])
    assert {"created_at", "lang", "author_id"} <= set(long_post)
    assert [u["username"] for u in full["includes"]["users"]] == ["sahel_news"]
    assert set(full["includes"]["users"][0]) == {"id", "name", "username"}


def test_includes_carry_referenced_posts_videos_and_skip_missing_media(fake_x, seeded):
    client = client_for(fake_x, return_type=dict)
    body = client.search_recent_tweets("from:niamey_info OR from:bamako_direct", max_results=100, **FIELDS)
    media = {m["media_key"]: m for m in body["includes"]["media"]}
    assert set(media) == {"3_100", "7_200", "16_300"}
    hls = [v for v in media["7_200"]["variants"] if v["content_type"] == "application/x-mpegURL"]
    assert hls and "bit_rate" not in hls[0]
    assert media["3_100"]["url"].endswith("3_100.jpg")
    referenced = {t["id"] for t in body["includes"]["tweets"]}
    assert seeded["original"]["id"] in referenced
    withheld = next(t for t in body["data"] if t["id"] == seeded["withheld"]["id"])
    assert withheld["withheld"]["country_codes"] == ["ML"]


def test_a_referenced_post_that_is_gone_is_a_partial_error(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"))
    fake_x.store.add_tweet(tweet("Kidal: repris", "42", refs=[("quoted", "1")]))
    response = client_for(fake_x).search_recent_tweets("Kidal", expansions=["referenced_tweets.id"])
    assert response.data[0].text == "Kidal: repris"
    assert response.errors[0]["resource_id"] == "1" and response.errors[0]["title"] == "Not Found Error"


def test_user_lookup_by_usernames_with_partial_errors(fake_x, seeded):
    client = client_for(fake_x)
    fake_x.store.suspended.add("44")
    response = client.get_users(usernames=["SAHEL_NEWS", "no_such_user", "bamako_direct"])
    assert [u.username for u in response.data] == ["sahel_news"]
    assert [(e["resource_id"], e["title"]) for e in response.errors] == [
        ("no_such_user", "Not Found Error"),
        ("bamako_direct", "Forbidden"),
    ]
    single = client.get_user(username="nobody_here")
    assert single.data is None and single.errors[0]["parameter"] == "username"
    assert client.get_user(id=43, user_fields=["verified"]).data.verified is True
    with pytest.raises(tweepy.BadRequest):
        client.get_users(usernames=["bad-name!"])
    with pytest.raises(tweepy.BadRequest):
        client.get_users(usernames=[f"user{n}" for n in range(101)])


def test_user_timeline_pages_since_id_and_exclude(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"), user("43", "other"))
    own = [tweet(f"Point {n}", "42") for n in range(12)]
    foreign = tweet("ailleurs", "43")
    fake_x.store.add_tweet(*own, foreign, retweet(foreign, "42", "other"))
    client = client_for(fake_x)
    pages = list(tweepy.Paginator(client.get_users_tweets, 42, max_results=5, exclude=["retweets"]))
    assert [p.meta["result_count"] for p in pages] == [5, 5, 2]
    assert "previous_token" in pages[1].meta and "previous_token" not in pages[0].meta
    back = client.get_users_tweets(
        42, max_results=5, pagination_token=pages[1].meta["previous_token"], exclude=["retweets"]
    )
    assert [t.id for t in back.data] == [t.id for t in pages[0].data]
    assert client.get_users_tweets(42, max_results=5).meta["result_count"] == 5
    newer = client.get_users_tweets(42, since_id=own[9]["id"], exclude=["retweets"])
    assert [t.text for t in newer.data] == ["Point 11", "Point 10"]
    with pytest.raises(tweepy.BadRequest):
        client.get_users_tweets(42, max_results=4)
    missing = client.get_users_tweets(999)
    assert missing.data is None and missing.errors[0]["resource_type"] == "user"


def test_user_timeline_stops_at_the_3200_newest_posts(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"))
    fake_x.store.add_tweet(*(tweet(f"n{n}", "42") for n in range(3210)))
    seen = list(tweepy.Paginator(client_for(fake_x).get_users_tweets, 42, max_results=100).flatten())
    assert len(seen) == 3200
