"""The webhook transport: the same outbox, sender, retries and reports as Telegram, ending in an
HTTP POST to a receiver on 127.0.0.1 that checks content type, JSON and signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.alerts.routing import ChannelRule, Routing
from bot.alerts.transport import Pace
from bot.alerts.webhook import WebhookTarget, WebhookTransport, retry_after
from bot.models import Media
from tests.alerts_support import ADMIN, EN, Bench, bench_fixture, post  # noqa: F401
from tests.fakes.http_fake import Reply
from tests.fakes.webhook_receiver import FakeWebhook

OPS, STRICT = "webhook:ops", "webhook:strict"
SECRET = "correct horse battery staple"
PHOTO = "https://pbs.twimg.com/media/a.jpg"


@pytest.fixture(name="hook")
def hook_fixture() -> Iterator[FakeWebhook]:
    with FakeWebhook() as fake:
        fake.secret("/ops", SECRET)
        yield fake


@pytest.fixture(name="wired")
async def wired_fixture(bench: Bench, hook: FakeWebhook) -> AsyncIterator[Bench]:
    """The bench with a Telegram channel, a signed webhook (ops) and an unsigned one (strict)."""
    bench.routing = Routing((
        ChannelRule(str(EN), where="channels.yaml:2"),
        ChannelRule(OPS, where="channels.yaml:4", transport="webhook",
                    target=WebhookTarget(f"{hook.url}/ops", secret_env="HOOK_SECRET")),
        ChannelRule(STRICT, frozenset({"attack"}), where="channels.yaml:7", transport="webhook",
                    target=WebhookTarget(f"{hook.url}/strict")),
    ), admin_chat_id=str(ADMIN))
    bench.transports.append(WebhookTransport(pace=Pace(0.5), environ={"HOOK_SECRET": SECRET}))
    bench.restart()
    yield bench


def rows(bench: Bench, channel: str) -> list[dict]:
    return [r for r in bench.outbox() if r["channel"] == channel]


async def test_one_post_reaches_telegram_and_a_signed_webhook(wired: Bench, hook: FakeWebhook) -> None:
    wired.fake.add_media(PHOTO, "image/jpeg", 200_000)
    wired.store_post(post(1, "Gunmen attack a convoy near Gao", terms=["attack"], media=(Media("photo", PHOTO),)))
    await wired.drain()
    [telegram] = wired.fake.messages(EN)
    [document] = hook.documents("/ops")
    assert document["key"] == f"alert:{OPS}:x:1" and document["kind"] == "alert" and document["edits"] is None
    assert document["text"] == telegram.text  # the same alert, word for word
    assert "<b>attack</b>" in document["html"]
    assert document["media"] == [{"kind": "photo", "url": PHOTO}]
    assert document["links"] == ["https://x.com/reporter/status/1"]
    [request] = hook.posts("/ops")
    assert request.headers["idempotency-key"] == f"alert:{OPS}:x:1"
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-sahelwatch-signature-256"] == f"sha256={expected}"
    assert "x-sahelwatch-signature-256" not in hook.posts("/strict")[0].headers  # no secret, no signature
    assert [(r["transport"], r["state"], r["message_ref"]) for r in rows(wired, OPS)] == [("webhook", "sent", "ops-1")]


async def test_a_later_report_edits_the_webhook_alert_by_its_reference(wired: Bench, hook: FakeWebhook) -> None:
    wired.store_post(post(1, "attack on the base at Tessit"))
    await wired.drain()
    wired.store_post(post(2, "attack on the base at Tessit (repost)", duplicate_of="x:1"))
    await wired.drain()
    first, edit = hook.documents("/ops")
    assert edit["kind"] == "similar" and edit["edits"] == rows(wired, OPS)[0]["message_ref"]
    assert edit["key"] == f"similar:{OPS}:x:2" and edit["text"].endswith("+1 report: en") and edit["media"] == []
    assert first["text"].split("\n")[1] == edit["text"].split("\n")[1]


async def test_a_500_is_retried_after_a_backoff_and_a_429_after_retry_after(wired: Bench, hook: FakeWebhook) -> None:
    hook.plan("/ops", Reply(500, "upstream hiccup"), Reply(429, "slow down", {"Retry-After": "30"}))
    start = wired.clock.now
    wired.store_post(post(1, "attack near Menaka"))
    await wired.drain()
    assert [r.path for r in hook.posts("/ops")] == ["/ops"] * 3  # 500, 429, then accepted
    assert len(hook.documents("/ops")) == 1 and rows(wired, OPS)[0]["state"] == "sent"
    assert wired.clock.now - start >= 30  # waited as told (virtual time)


async def test_a_400_fails_the_alert_with_its_reason_and_the_admins_are_told(wired: Bench, hook: FakeWebhook) -> None:
    hook.plan("/strict", always=Reply(400, json.dumps({"error": "field 'severity' unknown"})))
    wired.store_post(post(1, "attack near Menaka"))
    wired.store_post(post(2, "attack near Gao"))
    await wired.drain()
    assert len(hook.posts("/strict")) == 2  # once each: a 400 is not retried
    assert [r["state"] for r in rows(wired, STRICT)] == ["failed", "failed"]
    assert rows(wired, STRICT)[0]["error"] == "HTTP 400: {\"error\": \"field 'severity' unknown\"}"
    told = wired.fake.texts(ADMIN)
    assert told[0] == f"Alert alert:{STRICT}:x:1 could not be delivered to {STRICT}: " \
                      "HTTP 400: {\"error\": \"field 'severity' unknown\"}"
    assert len(wired.fake.messages(EN)) == 2 and len(hook.documents("/ops")) == 2  # the others flow


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404: no such hook"), (401, "HTTP 401: bad token")])
async def test_a_wrong_url_or_credentials_pause_the_webhook_and_keep_its_alerts(
        wired: Bench, hook: FakeWebhook, status: int, reason: str) -> None:
    hook.plan("/strict", Reply(status, reason.split(": ")[1]))
    wired.store_post(post(1, "attack near Menaka"))
    await wired.drain()
    assert [r["state"] for r in rows(wired, STRICT)] == ["pending"]  # kept, not failed
    assert wired.fake.texts(ADMIN) == [f"Channel {STRICT} paused (channels.yaml:7): {reason}. "
                                       "Its alerts are kept and go out once the bot can post there again."]
    wired.clock.advance(wired.delivery.pause_seconds)
    await wired.drain()
    assert [r["state"] for r in rows(wired, STRICT)] == ["sent"] and len(hook.documents("/strict")) == 1


async def test_a_missing_secret_pauses_the_webhook_before_anything_is_posted(
        bench: Bench, hook: FakeWebhook) -> None:
    bench.routing = Routing((ChannelRule(OPS, transport="webhook", target=WebhookTarget(
        f"{hook.url}/ops", secret_env="HOOK_SECRET")),), admin_chat_id=str(ADMIN))
    bench.transports.append(WebhookTransport(environ={}))
    bench.restart()
    bench.store_post(post(1, "attack near Menaka"))
    await bench.drain()
    assert hook.posts("/ops") == [] and [r["state"] for r in rows(bench, OPS)] == ["pending"]
    assert "webhook: the secret_env variable HOOK_SECRET is not set" in bench.fake.texts(ADMIN)[0]


def test_retry_after_reads_seconds_and_http_dates_within_an_hour() -> None:
    from datetime import UTC, datetime
    now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    assert retry_after("12", now) == 12.0
    assert retry_after("Fri, 20 Nov 2026 06:01:00 GMT", now) == 60.0
    assert retry_after("999999", now) == 3600.0 and retry_after("-5", now) == 0.0
    assert retry_after("soon", now) is None and retry_after(None, now) is None and retry_after("nan", now) is None
