"""Telegram delivery: added latency (post stored → the Bot API receives sendMessage) and digest build time.

Run: python bench/delivery.py [--alerts 300] [--digest-posts 5000]

Latency: the product's path end to end in one event loop: ``save_post`` (outbox row in the same
transaction) → sink wake-up → claim → render → PTB ExtBot → HTTP → the fake Bot API on 127.0.0.1,
one post at a time so no alert waits behind another. Our pacing (3 s per channel, 30/s overall)
and the fake's flood windows are off: waiting out Telegram's limits is not latency we add.
Digest: one hour of 5,000 routine posts held for one channel, built into digest messages in one
transaction (``build_period``). Prints figures; never passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.alerts.bot import make_bot
from bot.alerts.delivery import Delivery
from bot.alerts.digest import build_period
from bot.alerts.outbox import enqueue_hook
from bot.alerts.pacing import Pacer
from bot.alerts.routing import ChannelRule, Routing
from bot.models import Match, Post
from bot.store.db import Store
from bot.store.posts import save_post
from tests.fakes.tg_flood import FloodLimits
from tests.fakes.tg_server import FakeTelegram

CHANNEL = -1001000000001
T0 = datetime(2026, 11, 20, 6, tzinfo=UTC)
TEXT = "Des hommes armés ont attaqué un convoi près de Ménaka ce matin, selon des sources locales"


def make_post(i: int, severity: str) -> Post:
    return Post("x", str(10**17 + i), f"{TEXT} #{i}", T0 + timedelta(seconds=i), url=f"https://x.com/a/status/{i}",
                author_handle=f"user{i % 97}", author_name="Reporter", lang="fr", topics=("attack",),
                severity=severity, matches=(Match("attack", "attaqué", 18, 25),), places=("Ménaka, Mali",))  # type: ignore[arg-type]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def latency(n: int, tmp: Path) -> list[float]:
    routing = Routing((ChannelRule(str(CHANNEL)),))
    with FakeTelegram(limits=FloodLimits(enabled=False)) as fake:
        fake.add_channel(CHANNEL)
        store = Store(tmp / "latency.db")
        store.post_hooks.append(enqueue_hook(lambda: routing))
        delivery = Delivery(store, make_bot(fake.token, fake.url), lambda: routing,
                            pacer=Pacer(channel_interval=0.0, overall=1_000_000), tick=0.5)
        stop = asyncio.Event()
        task = asyncio.create_task(delivery.run(stop))
        samples = []
        for i in range(n):
            post = make_post(i, "urgent")
            saved = save_post(store, post)
            stored_at = time.perf_counter()
            delivery.emit(post, saved)
            while len(fake.calls("sendMessage")) <= i:
                await asyncio.sleep(0.0005)
            samples.append(fake.calls("sendMessage")[i].received_at - stored_at)
        stop.set()
        await task
        store.close()
    return samples[5:]  # the first sends open the HTTP connection


def digest_build(n: int, tmp: Path) -> tuple[float, int]:
    rule = ChannelRule(str(CHANNEL), digest=timedelta(hours=1))
    routing = Routing((rule,))
    store = Store(tmp / "digest.db")
    store.post_hooks.append(enqueue_hook(lambda: routing, clock=lambda: T0 + timedelta(minutes=30)))
    for i in range(n):
        save_post(store, make_post(i, "routine"))
    start = time.perf_counter()
    messages = build_period(store, rule, T0, T0 + timedelta(hours=1), T0 + timedelta(hours=1))
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--digest-posts", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples = asyncio.run(latency(args.alerts, Path(tmp)))
        ms = [s * 1000 for s in samples]
        print(f"added latency, stored -> sendMessage received ({len(ms)} alerts): "
              f"p50 {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms")
        elapsed, messages = digest_build(args.digest_posts, Path(tmp))
        print(f"digest build, {args.digest_posts:,} posts -> {messages} messages: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
