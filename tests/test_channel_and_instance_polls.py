"""One poll of a Telegram channel preview and of a Mastodon instance, through the kit's real poller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.notify import Notifier
from bot.sources.kit import Kit
from bot.sources.mastodon.component import tokens
from bot.sources.mastodon.source import InstanceOptions, InstanceSource
from bot.sources.poller import Poller, PollError
from bot.sources.sources_file import SourcesConfig
from bot.sources.telegram_web.source import ChannelOptions, ChannelSource
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.tg_web import FakeChannelWeb
from tests.x_helpers import ManualClock


@pytest.fixture
async def kit(store) -> AsyncIterator[Kit]:
    clock = ManualClock()
    poller = Poller(host_interval=0, clock=clock)
    yield Kit(Settings(db=store.path), store, SourcesConfig, None, clock, poller, Notifier())
    await poller.aclose()


async def _drain(items: AsyncIterator) -> list:
    return [item async for item in items]


async def test_first_poll_backfills_the_configured_number_then_reads_back_to_the_cursor(kit):
    with FakeChannelWeb(page_size=5) as web:
        web.add_channel("chan")
        for n in range(30):
            web.post("chan", f"message {n}")
        source = ChannelSource("chan", kit, ChannelOptions(web.url, backfill=12))
        state: dict = {"last": None}
        first = await _drain(source.once(state))
        for n in range(30, 41):
            web.post("chan", f"message {n}")
        second = await _drain(source.once(state))
        pages = [r.arg("before") for r in web.requests_to("/s/")]
    assert [i.post.text for i in first] == [f"message {n}" for n in range(18, 30)]
    assert [i.cursor for i in first] == [str(n) for n in range(19, 31)]
    assert [i.post.text for i in second] == [f"message {n}" for n in range(30, 41)]
    assert pages == [None, "26", "21", None, "37", "32"]  # back page by page, no further than needed


async def test_a_channel_without_preview_is_an_error_not_an_empty_channel(kit):
    with FakeChannelWeb() as web:
        web.add_channel("closed", preview=False)
        source = ChannelSource("closed", kit, ChannelOptions(web.url))
        with pytest.raises(PollError, match="no public preview"):
            await source.page(None)


async def test_mastodon_token_goes_to_its_instance_and_unknown_accounts_are_skipped(kit):
    with FakeMastodon("sahel.social") as m:
        m.add_account("fama")
        m.status("fama", "<p>un</p>")
        m.require_token = "tok"
        anonymous = InstanceSource("sahel.social", ["fama"], [], kit, InstanceOptions(m.url))
        with pytest.raises(PollError) as refused:
            await _drain(anonymous.once({}))
        keys = tokens("other.social=nope, sahel.social=tok")
        source = InstanceSource("sahel.social", ["fama", "ghost"], ["Sahel"], kit,
                                InstanceOptions(m.url, token=keys["sahel.social"]))
        items = await _drain(source.once({}))
    assert refused.value.status == 401
    assert [i.post.text for i in items] == ["un"]
    assert source.health.skipped == 1 and "ghost" in (source.health.last_error or "")
    with pytest.raises(Exception, match="instance=token"):
        tokens("just-a-token")


async def test_mastodon_429_waits_until_its_rate_limit_reset(kit):
    with FakeMastodon("sahel.social") as m:
        m.add_account("fama")
        m.rate_limit(0)
        source = InstanceSource("sahel.social", ["fama"], [], kit, InstanceOptions(m.url))
        with pytest.raises(PollError) as limited:
            await _drain(source.once({}))
    assert limited.value.kind == "rate" and 55 < (limited.value.retry_after or 0) < 65  # X-RateLimit-Reset: +60 s
