"""Bluesky Jetstream throughput: events per second the real Bluesky source handles on one core, peak RSS.

Run: python bench/jetstream.py [--events 100000] [--match 0.003]

The fake Jetstream (tests/fakes/jetstream.py) runs in a separate process (pinned to another core
when there is one) with ``--events`` synthetic events preloaded: 85 % post creations (random
multilingual chatter of 20-300 characters, some with facets and image embeds; ``--match`` of them
mention a watchlist term), 10 % post deletions, 3 % identity and 2 % account events, as Jetstream
sends them with ``wantedCollections=app.bsky.feed.post``. The bench process (pinned to one core)
runs the real :class:`~bot.sources.bluesky.source.BlueskySource`: the kit's websocket reader
(``websockets``), per-frame decoding, the watchlist matcher built from the shipped watchlists,
conversion of kept posts and their authors' profile lookups (the fake AppView, in the server
process). It connects with ``cursor=1`` so the fake replays everything as fast as it can; the figure
is frames handled per second of wall time and per CPU second of the client. Kept posts are only
counted (storing them is bench/store.py's job; they are a fraction of a percent).
Jetstream carries about 10k events/s for all collections; posts alone are tens per second,
hundreds in bursts (volume: https://github.com/bluesky-social/jetstream; no upstream figure for posts alone).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_VOCABULARY = ("the a is to and of in that it for you on with this my just so what like was have be are but not "
         "all me one get now new good day love time people know think today really go see why how going "
         "more make want back still need very also much first video music art game photo news world life "
         "obrigado bom dia gente você não que muito mais hoje agora tudo então isso "
         "今日 本当 ありがとう 明日 写真 好き 日本 仕事 🎉 😂 ❤️ 🔥 ✨")
WORDS = _VOCABULARY.split()
TERMS = ("Ménaka", "embuscade", "ambush near Gao", "attaque à Tillabéri", "كمين")


def synth_events(n: int, match: float, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    events: list[dict] = []
    for i in range(n):
        did = f"did:plc:{rng.getrandbits(100):026x}"
        roll = rng.random()
        if roll < 0.10:
            commit = {"rev": "r", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": f"3k{i:011d}"}
            events.append({"did": did, "kind": "commit", "commit": commit})
        elif roll < 0.13:
            events.append({"did": did, "kind": "identity", "identity": {"did": did, "handle": f"u{i}.bsky.social",
                                                                        "seq": i, "time": "2026-12-04T10:00:00Z"}})
        elif roll < 0.15:
            events.append({"did": did, "kind": "account", "account": {"active": True, "did": did, "seq": i,
                                                                      "time": "2026-12-04T10:00:00Z"}})
        else:
            events.append({"did": did, "kind": "commit", "commit": _create(rng, i, match)})
    return events


def _create(rng: random.Random, i: int, match: float) -> dict:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 45))]
    if rng.random() < match:
        words.insert(rng.randint(0, len(words)), rng.choice(TERMS))
    record: dict = {"$type": "app.bsky.feed.post", "createdAt": "2026-12-04T10:00:00.000Z",
                    "text": " ".join(words)[:300], "langs": [rng.choice(("en", "ja", "pt", "fr"))]}
    if rng.random() < 0.2:
        record["embed"] = {"$type": "app.bsky.embed.images", "images": [
            {"image": {"$type": "blob", "ref": {"$link": f"bafkrei{i:020d}"}, "mimeType": "image/jpeg",
                       "size": 100_000}, "alt": ""}]}
    if rng.random() < 0.1:
        record["facets"] = [{"index": {"byteStart": 0, "byteEnd": 4},
                             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "art"}]}]
    return {"rev": "r", "operation": "create", "collection": "app.bsky.feed.post", "rkey": f"3k{i:011d}",
            "cid": f"bafyrei{i:020d}", "record": record}


def serve(conn: mp.connection.Connection, n: int, match: float) -> None:
    _pin(1)
    from tests.fakes.bsky_api import FakeBlueskyApi
    from tests.fakes.jetstream import FakeJetstream

    with FakeJetstream() as js, FakeBlueskyApi() as api:
        js.preload(synth_events(n, match))
        conn.send((js.url, api.url))
        conn.recv()  # until the bench is done


def _pin(cpu: int) -> None:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if cpus:
        os.sched_setaffinity(0, {cpus[cpu % len(cpus)]})


async def consume(urls: tuple[str, str], n: int, tmp: Path) -> tuple[float, float, int]:
    from bot.config import Settings, default_watchlists
    from bot.notify import Notifier
    from bot.pipeline.watchlist_reload import WatchlistHolder
    from bot.sources.bluesky.source import BlueskyOptions, BlueskySource
    from bot.sources.clock import SystemClock
    from bot.sources.kit import Kit
    from bot.sources.poller import Poller
    from bot.sources.sources_file import SourcesConfig
    from bot.store.db import Store

    store = Store(tmp / "bench.db")
    holder = WatchlistHolder(default_watchlists(), debounce=0)
    kit = Kit(Settings(db=tmp / "bench.db"), store, lambda: SourcesConfig(), holder, SystemClock(), Poller(),
              Notifier())
    source = BlueskySource(kit, BlueskyOptions(jetstream_url=urls[0], api_url=urls[1]))
    stop, kept = asyncio.Event(), [0]

    async def drain() -> None:
        async for item in source.collect("1", stop):
            kept[0] += item.post is not None

    wall, cpu = time.perf_counter(), time.process_time()
    task = asyncio.create_task(drain())
    while source.selector.frames < n and not task.done():
        await asyncio.sleep(0.01)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stop.set()
    await task
    store.close()
    return wall, cpu, kept[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--match", type=float, default=0.003)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    server = ctx.Process(target=serve, args=(there, args.events, args.match), daemon=True)
    server.start()
    urls = here.recv()
    _pin(0)
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, kept = asyncio.run(consume(urls, args.events, Path(tmp)))
    here.send("done")
    server.join(10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"jetstream: {args.events} events ({args.match:.1%} of posts match) in {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  {args.events / wall:,.0f} events/s (wall, one core), {args.events / cpu:,.0f} events/s per CPU second")
    print(f"  kept {kept} posts; peak RSS of the client process {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
