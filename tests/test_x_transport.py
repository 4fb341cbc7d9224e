"""Routing tweepy's hard-coded host to SAHELWATCH_X_API_URL through the session's transport adapters."""

from __future__ import annotations

import logging

import pytest
import requests
import tweepy
from requests.adapters import HTTPAdapter

from bot.sources.x.clients import RewriteAdapter, TimeoutAdapter, quiet_tweepy_logging, route_session
from tests.fakes.x_clients import stream_for, wait_until
from tests.fakes.x_payloads import user
from tests.fakes.x_server import fake_x_fixture
from tests.fakes.x_stream import Close, Stall

fake_x = fake_x_fixture()


def test_default_base_url_leaves_the_session_untouched():
    session = requests.Session()
    assert route_session(session, "https://api.twitter.com/") is False
    assert type(session.get_adapter("https://api.twitter.com/2/users/by")) is HTTPAdapter


@pytest.mark.parametrize("bad", ["", "api.example.test", "ftp://example.test"])
def test_a_base_url_that_is_not_http_is_refused(bad):
    with pytest.raises(ValueError, match="http"):
        route_session(requests.Session(), bad)


def test_client_requests_reach_the_configured_base_url(fake_x):
    fake_x.store.add_user(user("42", "sahel_news"))
    client = tweepy.Client(fake_x.token)
    assert route_session(client.session, fake_x.base_url + "/") is True
    assert isinstance(client.session.get_adapter("https://api.twitter.com/2/users"), RewriteAdapter)
    assert client.get_user(username="sahel_news").data.id == 42
    assert [r.path for r in fake_x.requests] == ["/2/users/by/username/sahel_news"]


def test_refuse_others_blocks_every_unrouted_host(fake_x):
    session = requests.Session()
    route_session(session, fake_x.base_url, refuse_others=True)
    with pytest.raises(requests.ConnectionError, match="not routed"):
        session.get("https://upload.twitter.com/1.1/media/upload.json")
    with pytest.raises(requests.ConnectionError, match="not routed"):
        session.get(fake_x.base_url + "/2/users/by")  # only the tweepy prefix is routed
    assert fake_x.requests == []


def test_routing_survives_tweepys_session_close_at_stream_end(fake_x):
    fake_x.rules.add("Gao", tag="t")
    fake_x.stream.script([Close()], [Close()])
    stream = stream_for(fake_x)
    stream.filter()  # ends with session.close()
    stream.filter()
    assert stream.get_rules().data[0].value == "Gao"
    assert fake_x.stream.connects == 2


def test_tweepy_debug_logs_would_show_the_token_and_are_silenced(fake_x, caplog):
    fake_x.store.add_user(user("42", "sahel_news"))
    client = tweepy.Client(fake_x.token)
    route_session(client.session, fake_x.base_url)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="tweepy")
    client.get_user(username="sahel_news")
    assert fake_x.token in caplog.text  # what happens without the guard
    caplog.clear()
    quiet_tweepy_logging()
    client.get_user(username="sahel_news")
    assert logging.getLogger("tweepy").getEffectiveLevel() >= logging.INFO
    assert fake_x.token not in caplog.text


def test_rest_calls_get_a_default_timeout_and_explicit_ones_are_kept(fake_x):
    fake_x.rules.add("Gao", tag="t")
    fake_x.stream.script([Stall()], [Stall()])
    session = requests.Session()
    route_session(session, fake_x.base_url, timeout=0.2)
    headers = {"Authorization": f"Bearer {fake_x.token}"}
    with pytest.raises(requests.RequestException, match="timed out"):
        session.get("https://api.twitter.com/2/tweets/search/stream", headers=headers)  # a body that never ends
    assert wait_until(lambda: fake_x.stream.open_count == 0)
    with session.get("https://api.twitter.com/2/tweets/search/stream", headers=headers, stream=True,
                     timeout=30) as kept:
        assert kept.status_code == 200  # headers came; tweepy's own stream timeout is left alone
    default = requests.Session()
    assert route_session(default, "https://api.twitter.com", timeout=5) is True
    adapter = default.get_adapter("https://api.twitter.com/2/users")
    assert isinstance(adapter, TimeoutAdapter) and not isinstance(adapter, RewriteAdapter)
