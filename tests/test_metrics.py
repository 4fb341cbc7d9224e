"""The optional Prometheus endpoint: off by default, on 127.0.0.1 when a port is set, real numbers."""

from __future__ import annotations

import socket

import httpx

from tests.commands_support import CHANNEL, Live, fake_fixture, post, until  # noqa: F401 (fixtures)

AMBUSH = "Embuscade meurtrière près de Ménaka ce matin, au moins dix soldats tués selon des sources locales"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_metrics_endpoint_counts_posts_matches_alerts_and_latency(tmp_path, fake) -> None:
    port = free_port()
    live = Live(tmp_path, fake, env={"metrics_port": port})
    await live.start()
    try:
        await live.ingest(post(1, AMBUSH))
        await live.ingest(post(2, "Weather in Bamako is hot and dry again today according to the forecasts", "en"))
        await until(lambda: live.store.scalar("SELECT count(*) FROM outbox WHERE state = 'sent'") == 1)
        async with httpx.AsyncClient(trust_env=False) as client:
            body = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    finally:
        await live.close()
    for line in ('sahelwatch_posts_stored_total{lang="fr",platform="x"} 1.0',
                 'sahelwatch_posts_stored_total{lang="en",platform="x"} 1.0',
                 'sahelwatch_topic_matches_total{topic="attack"} 1.0',
                 'sahelwatch_outbox_rows{kind="alert",state="sent"} 1.0',
                 "sahelwatch_posts_read_total 2.0", "sahelwatch_queue_depth 0.0",
                 'sahelwatch_source_up{source="feed"} 1.0', "sahelwatch_delivery_latency_seconds_count 1.0",
                 'sahelwatch_items_skipped_total{reason="dropped"} 0.0', "sahelwatch_duplicates_total 0.0"):
        assert line in body, line


async def test_metrics_are_off_by_default_and_bind_loopback(tmp_path, fake) -> None:
    live = Live(tmp_path, fake)
    assert live.settings().metrics_port == 0 and live.settings().metrics_host == "127.0.0.1"
    await live.start()
    try:
        assert not any("serve_metrics" in getattr(t, "__qualname__", "") for t in live.runtime.tasks)
    finally:
        await live.close()
