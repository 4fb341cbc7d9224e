"""The kit's polite HTTP poller against a real server on 127.0.0.1: conditional GET, pacing,
Retry-After, size cap, timeouts, gzip, http(s) only."""

from __future__ import annotations

import time

import pytest

from bot.sources.poller import Poller, PollError, Validators, parse_retry_after
from tests.fakes.feeds_server import FakeFeeds

BODY = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


class InstantClock:
    """Sleeps return at once and move the clock; every sleep is recorded."""

    def __init__(self) -> None:
        self.t, self.sleeps = 1000.0, []

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return time.time() + self.t - 1000.0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


@pytest.fixture
def web():
    with FakeFeeds() as server:
        yield server


def poller(**options) -> Poller:
    return Poller(**{"timeout": 5.0, "host_interval": 0.0, "clock": InstantClock(), **options})


async def test_conditional_get_sends_validators_back_and_304_costs_no_body(web):
    web.serve("/rss", BODY)
    p = poller()
    first = await p.get(web.url("/rss"))
    assert first.status == 200 and first.body == BODY and first.validators.etag
    again = await p.get(web.url("/rss"), first.validators)
    assert again.not_modified and again.body == b"" and again.validators == first.validators
    assert web.requests("/rss")[1]["If-None-Match"] == first.validators.etag
    only_date = await p.get(web.url("/rss"), Validators(None, first.validators.last_modified))
    assert only_date.not_modified
    web.serve("/rss", BODY + b" ")
    changed = await p.get(web.url("/rss"), first.validators)
    assert changed.status == 200 and changed.validators.etag != first.validators.etag
    assert Validators.loads(changed.validators.dumps()) == changed.validators
    await p.aclose()


async def test_gzip_bodies_are_decoded(web):
    web.serve("/z", BODY * 100, gzip=True)
    p = poller()
    fetched = await p.get(web.url("/z"))
    assert fetched.body == BODY * 100 and fetched.headers["content-encoding"] == "gzip"
    await p.aclose()


async def test_body_over_the_cap_is_refused_even_when_compressed(web):
    web.serve("/big", b"x" * 50_000, gzip=True)
    p = poller(max_bytes=10_000)
    with pytest.raises(PollError) as err:
        await p.get(web.url("/big"))
    assert err.value.kind == "too_large"
    await p.aclose()


async def test_slow_server_times_out_as_a_network_error(web):
    web.serve("/slow", BODY, delay=1.5)
    p = poller(timeout=0.3)
    with pytest.raises(PollError) as err:
        await p.get(web.url("/slow"))
    assert err.value.kind == "network"
    await p.aclose()


async def test_http_errors_and_retry_after_hold_the_host_back(web):
    web.fail("/down", 500)
    web.fail("/busy", 429, headers={"Retry-After": "120"})
    web.serve("/ok", BODY)
    p = poller()
    with pytest.raises(PollError) as err:
        await p.get(web.url("/down"))
    assert (err.value.kind, err.value.status, err.value.retry_after) == ("http", 500, None)
    with pytest.raises(PollError) as err:
        await p.get(web.url("/busy"))
    assert (err.value.kind, err.value.retry_after) == ("rate", 120.0)
    await p.get(web.url("/ok"))  # same host: waits out the Retry-After first
    assert p.clock.sleeps == [pytest.approx(120.0)]
    await p.aclose()


async def test_requests_to_one_host_are_paced(web):
    web.serve("/a", BODY)
    p = poller(host_interval=2.0)
    for _ in range(3):
        await p.get(web.url("/a"))
    assert p.clock.sleeps == [pytest.approx(2.0), pytest.approx(2.0)]
    await p.aclose()


async def test_only_http_urls_are_fetched_even_after_a_redirect(web):
    web.fail("/jump", 302, headers={"Location": "ftp://127.0.0.1/feed"})
    p = poller()
    for url in ("ftp://127.0.0.1/feed", "file:///etc/passwd", web.url("/jump")):
        with pytest.raises(PollError) as err:
            await p.get(url)
        assert err.value.kind == "refused", url
    await p.aclose()


def test_retry_after_accepts_seconds_and_http_dates():
    clock = InstantClock()
    assert parse_retry_after("30", clock) == 30.0
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(clock.wall() + 90))
    assert parse_retry_after(date, clock) == pytest.approx(90, abs=2)
    assert parse_retry_after("soon", clock) is None
