"""The fake's filtered stream, read by a real tweepy StreamingClient over chunked HTTP/1.1."""

from __future__ import annotations

import json

import pytest
import requests

from bot.sources.x.clients import route_session
from tests.fakes import x_problems as problems
from tests.fakes.x_clients import stream_for, wait_until
from tests.fakes.x_payloads import matching_rule, quirk_set
from tests.fakes.x_server import FakeX, XConfig, fake_x_fixture
from tests.fakes.x_stream import Close, Drop, KeepAlive, Line, OperationalDisconnect, Post, Raw, Stall

fake_x = fake_x_fixture()
STREAM_URL = "https://api.twitter.com/2/tweets/search/stream"
FIELDS = {
    "expansions": ["author_id", "attachments.media_keys", "referenced_tweets.id"],
    "media_fields": ["url", "variants"],
    "tweet_fields": ["created_at", "note_tweet"],
}


@pytest.fixture
def posts(fake_x):
    users, media, named = quirk_set()
    fake_x.store.seed(users, media, named.values())
    fake_x.rules.add("Ménaka", tag="wl:mali")
    fake_x.rules.add("from:niamey_info", tag="wl:accounts")
    return {name: item["id"] for name, item in named.items()}


def run(stream, **params):
    thread = stream.filter(threaded=True, **params)
    thread.join(timeout=10)
    assert not thread.is_alive(), "stream did not end"
    return stream


def test_posts_arrive_with_requested_includes_and_matching_rules_then_a_clean_close(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), KeepAlive(), Post(posts["video"]), Close()])
    stream = run(stream_for(fake_x), **FIELDS)
    assert [r.data.id for r in stream.responses] == [int(posts["original"]), int(posts["video"])]
    first, second = stream.responses
    assert [rule.tag for rule in first.matching_rules] == ["wl:mali"]
    assert first.includes["users"][0].username == "sahel_news"
    assert {m.media_key for m in second.includes["media"]} == {"7_200", "16_300"}
    assert stream.keep_alives == 1
    assert stream.events == ["connect", "closed", "disconnect"]
    assert fake_x.stream.connections[0].outcome == "closed"


def test_rules_decide_delivery_and_stream_matching_is_accent_sensitive(fake_x, posts):
    fake_x.stream.script([Post(posts["plain_menaka"]), Post(posts["quote"]), Post(posts["retweet"]), Close()])
    stream = run(stream_for(fake_x))
    delivered = [r.data.id for r in stream.responses]
    assert delivered == [int(posts["quote"]), int(posts["retweet"])]  # quote matches via the quoted text
    assert fake_x.stream.undelivered == [posts["plain_menaka"]]


def test_fields_not_requested_are_absent(fake_x, posts):
    fake_x.stream.script([Post(posts["long"], matching_rules=[matching_rule("1", "t")]), Close()])
    stream = run(stream_for(fake_x))
    line = json.loads(stream.raw[0])
    assert set(line) == {"data", "matching_rules"}
    assert set(line["data"]) == {"id", "text", "edit_history_tweet_ids"}


def test_quirky_lines_reach_the_client_byte_for_byte(fake_x, posts):
    quirky = [matching_rule(7, ""), matching_rule("8", None), matching_rule("9", with_tag=False)]
    fake_x.stream.script(
        [
            Post(posts["original"], matching_rules=quirky),
            Raw(b'{"data": {"id": "19\r\n'),
            Line({"unknown_message": True}),
            Post(posts["original"]),
            Post(posts["original"]),
            Close(),
        ]
    )
    stream = run(stream_for(fake_x))
    assert json.loads(stream.raw[0])["matching_rules"] == [
        {"id": 7, "tag": ""},
        {"id": "8", "tag": None},
        {"id": "9"},
    ]
    assert stream.raw[1] == b'{"data": {"id": "19'
    assert [e.split(":")[0] for e in stream.parse_errors] == ["KeyError", "JSONDecodeError"]
    assert [r.data.id for r in stream.responses if r.data] == [int(posts["original"])] * 2  # duplicates


def test_operational_disconnect_is_an_error_line_then_a_close(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), OperationalDisconnect()])
    stream = run(stream_for(fake_x))
    assert stream.events == ["connect", "errors:operational-disconnect", "closed", "disconnect"]


def test_abrupt_drop_is_a_connection_error_not_a_close(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), Drop()])
    stream = run(stream_for(fake_x))
    assert len(stream.responses) == 1
    assert stream.events == ["connect", "connection error", "disconnect"]


def test_each_connection_plays_the_next_script(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), Close()], [Post(posts["video"]), Close()])
    stream = run(stream_for(fake_x, reconnects=1))
    assert [r.data.id for r in stream.responses] == [int(posts["original"]), int(posts["video"])]
    assert fake_x.stream.connects == 2 and fake_x.stream.max_active == 1


def test_stall_sends_nothing_until_released(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), Stall(), Post(posts["video"]), Close()])
    stream = stream_for(fake_x)
    thread = stream.filter(threaded=True)
    assert wait_until(lambda: len(stream.responses) == 1)
    assert wait_until(lambda: fake_x.stream.open_count == 1)
    assert len(fake_x.stream.connections[0].sent) == 1
    fake_x.stream.release()
    thread.join(timeout=10)
    assert [r.data.id for r in stream.responses] == [int(posts["original"]), int(posts["video"])]


def test_a_client_leaving_during_a_stall_frees_the_connection(fake_x, posts):
    fake_x.stream.script([Post(posts["original"]), Stall()])
    session = stream_for(fake_x).session
    response = session.get(STREAM_URL, headers={"Authorization": f"Bearer {fake_x.token}"}, stream=True)
    assert json.loads(next(response.iter_lines()))["data"]["id"] == posts["original"]
    response.close()
    assert wait_until(lambda: fake_x.stream.open_count == 0)
    assert fake_x.stream.connections[0].outcome == "client gone"


def test_idle_connection_sends_keep_alives_and_live_pushes():
    with FakeX(XConfig(keepalive_seconds=0.01)) as fake:
        users, media, named = quirk_set()
        fake.store.seed(users, media, named.values())
        fake.rules.add("Ménaka", tag="t")
        stream = stream_for(fake)
        thread = stream.filter(threaded=True)
        assert wait_until(lambda: stream.keep_alives >= 2)
        fake.stream.push(Post(named["original"]["id"]), Close())
        thread.join(timeout=10)
        assert [r.data.text for r in stream.responses] == [named["original"]["text"]]


def test_a_second_concurrent_connection_gets_429_too_many_connections(fake_x, posts):
    fake_x.stream.script([Stall()])
    first = stream_for(fake_x)
    thread = first.filter(threaded=True)
    assert first.connected.wait(5)
    second = run(stream_for(fake_x))
    assert second.events == ["http 429", "disconnect"]
    body = stream_for(fake_x).session.get(STREAM_URL, headers={"Authorization": f"Bearer {fake_x.token}"})
    assert body.json()["connection_issue"] == "TooManyConnections"
    assert fake_x.stream.max_active == 1
    fake_x.stream.release()
    fake_x.stream.push(Close())
    thread.join(timeout=10)


@pytest.mark.parametrize(
    ("setup", "status"),
    [
        (lambda fake: fake.rules.rules.clear(), 409),
        (lambda fake: setattr(fake, "stream_enrolled", False), 403),
        (lambda fake: fake.limits.fail_next("stream", problems.service_unavailable()), 503),
        (lambda fake: fake.limits.fail_next("stream", problems.too_many_requests()), 429),
    ],
)
def test_connect_errors(fake_x, posts, setup, status):
    setup(fake_x)
    assert run(stream_for(fake_x)).events == [f"http {status}", "disconnect"]


def test_connect_responses_carry_rate_limit_headers(fake_x, posts):
    fake_x.stream.script([Close()])
    fake_x.limits.fail_next("stream", problems.too_many_requests())
    session = requests.Session()
    route_session(session, fake_x.base_url)
    headers = {"Authorization": f"Bearer {fake_x.token}"}
    refused = session.get(STREAM_URL, headers=headers)
    accepted = session.get(STREAM_URL, headers=headers)
    assert refused.status_code == 429 and "x-rate-limit-reset" in refused.headers
    assert accepted.status_code == 200 and accepted.headers["x-rate-limit-limit"] == "50"
    assert accepted.headers["transfer-encoding"] == "chunked"
