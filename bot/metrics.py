"""Optional Prometheus metrics (prometheus-client), off unless ``SAHELWATCH_METRICS_PORT`` is set.

The endpoint binds ``SAHELWATCH_METRICS_HOST`` (127.0.0.1 by default: the numbers say what the
bot watches). Nothing is counted on the hot path except what only a sink sees (posts stored per
platform and language, matches per topic); the rest is read when Prometheus scrapes: each
source's health, the App's summary and queue, and the outbox through a separate read-only
SQLite connection (the scrape runs in the server's thread, never on the bot's connection).
The delivery latency histogram (outbox row written → sent) takes the rows sent since the last
scrape.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.models import Post
from bot.store.posts import Saved

if TYPE_CHECKING:
    from bot.registry import Runtime

log = logging.getLogger(__name__)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)


class MetricsSink:
    name = "metrics"

    def __init__(self, registry: CollectorRegistry) -> None:
        self.stored = Counter("sahelwatch_posts_stored", "posts stored", ["platform", "lang"], registry=registry)
        self.matches = Counter("sahelwatch_topic_matches", "stored posts that fired a topic", ["topic"],
                               registry=registry)

    def emit(self, post: Post, saved: Saved) -> None:
        if not saved.new:
            return
        self.stored.labels(post.platform, post.lang or "und").inc()
        for topic in post.topics:
            self.matches.labels(topic).inc()


class LiveCollector(Collector):
    """Read at scrape time: sources, the App's summary and queue, the outbox."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.latency = Histogram("sahelwatch_delivery_latency_seconds", "outbox row written to sent",
                                 buckets=LATENCY_BUCKETS, registry=None)
        self._sent_after = ""

    def collect(self) -> Iterator[Metric]:
        yield from self._sources()
        yield from self._app()
        yield from self._outbox()
        yield from self.latency.collect()

    def _sources(self) -> Iterator[Metric]:
        items = CounterMetricFamily("sahelwatch_source_items", "items read per source", labels=["source"])
        errors = CounterMetricFamily("sahelwatch_source_errors", "errors per source", labels=["source"])
        up = GaugeMetricFamily("sahelwatch_source_up", "1 when the source is connected", labels=["source"])
        for source in list(self.runtime.sources):
            h = source.health
            items.add_metric([source.name], h.items)
            errors.add_metric([source.name], h.errors)
            up.add_metric([source.name], float(h.connected))
        yield from (items, errors, up)

    def _app(self) -> Iterator[Metric]:
        app = self.runtime.running
        if app is None:
            return
        s = app.summary
        yield CounterMetricFamily("sahelwatch_posts_read", "items taken by the pipeline", value=s.read)
        skipped = CounterMetricFamily("sahelwatch_items_skipped", "items not stored", labels=["reason"])
        skipped.add_metric(["dropped"], s.dropped)
        skipped.add_metric(["error"], s.errors)
        yield skipped
        yield CounterMetricFamily("sahelwatch_duplicates", "stored posts that are near-duplicates",
                                  value=s.duplicates)
        yield GaugeMetricFamily("sahelwatch_queue_depth", "items waiting for the pipeline",
                                value=app.queue.qsize() if app.queue is not None else 0)

    def _outbox(self) -> Iterator[Metric]:
        rows = GaugeMetricFamily("sahelwatch_outbox_rows", "outbox rows (alerts sent/failed…)",
                                 labels=["kind", "state"])
        try:
            conn = sqlite3.connect(f"{self.runtime.settings.db.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        except sqlite3.Error as exc:
            log.warning("metrics: database not readable", extra={"error": str(exc)})
            return
        try:
            for kind, state, count in conn.execute("SELECT kind, state, count(*) FROM outbox GROUP BY 1, 2"):
                rows.add_metric([kind, state], count)
            sent = conn.execute("SELECT created_at, sent_at FROM outbox WHERE state = 'sent' AND kind = 'alert' "
                                "AND sent_at > ? ORDER BY sent_at", (self._sent_after,)).fetchall()
        finally:
            conn.close()
        for created, done in sent:
            self.latency.observe(max(0.0, (datetime.fromisoformat(done) - datetime.fromisoformat(created))
                                     .total_seconds()))
            self._sent_after = done
        yield rows


def install(runtime: Runtime) -> None:
    """The endpoint as a background task, and the sink that counts stored posts (called by
    :mod:`bot.components.metrics` when ``SAHELWATCH_METRICS_PORT`` is set)."""
    settings = runtime.settings
    registry = CollectorRegistry()
    runtime.sinks.append(MetricsSink(registry))
    registry.register(LiveCollector(runtime))

    async def serve_metrics(stop: asyncio.Event) -> None:
        server, thread = start_http_server(settings.metrics_port, settings.metrics_host, registry)
        log.info("metrics endpoint", extra={"host": settings.metrics_host, "port": settings.metrics_port})
        try:
            await stop.wait()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)

    runtime.tasks.append(serve_metrics)
