"""X stream throughput: stream lines → Posts (parse + convert), and end to end through real tweepy.

Run: python bench/x_stream.py [--posts 3000]
1. ``parse_line`` on rendered stream lines (includes, media, matching_rules), in process.
2. The fake X API on 127.0.0.1 streams the posts to the real XSource (tweepy StreamingClient in
   its thread), the full pipeline (normalise, match) and the SQLite store, one transaction each.
X delivers at most 250 posts/s on one connection (https://docs.x.com/x-api/posts/filtered-stream/introduction);
both figures should be above it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' fake X server

from bot.pipeline.watchlist_reload import WatchlistHolder
from bot.sources.x.convert import parse_line
from bot.sources.x.source import XSource
from bot.store.db import Store
from tests.fakes.x_payloads import photo, quirk_set, tweet
from tests.fakes.x_server import FakeX, XConfig
from tests.fakes.x_stream import Post
from tests.x_helpers import AppRun, ManualClock, drive, options, write_watchlist


def seed(fake: FakeX, n: int) -> list[str]:
    users, media, _ = quirk_set()
    fake.store.seed(users, [*media, photo("3_9")], [])
    items = [tweet(f"Embuscade près de Ménaka, bilan {i} morts selon des sources locales", "42",
                   media_keys=["3_9"]) for i in range(n)]
    fake.store.add_tweet(*items)
    return [item["id"] for item in items]


async def end_to_end(fake: FakeX, ids: list[str], tmp: Path) -> float:
    store = Store(tmp / "bench.db")
    holder = WatchlistHolder(write_watchlist(tmp / "watchlists"), debounce=0)
    clock = ManualClock()
    source = XSource(options(fake), lambda: holder.watchlist, store=store, clock=clock)
    fake.stream.script([Post(i) for i in ids])
    start = time.perf_counter()
    run = AppRun(store, holder, source).start()
    await drive(clock, lambda: run.app.summary.stored >= len(ids), timeout=600)
    elapsed = time.perf_counter() - start
    await run.finish()
    store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=3000)
    n = parser.parse_args().posts
    with FakeX(XConfig()) as fake, tempfile.TemporaryDirectory() as tmp:
        ids = seed(fake, n)
        fake.rules.add("Ménaka", tag="bench")
        lines = [fake.stream._post_line(Post(i), _spec()) for i in ids]
        start = time.perf_counter()
        for line in lines:
            parse_line(line)
        parsed = time.perf_counter() - start
        print(f"parse+convert: {n / parsed:,.0f} lines/s ({n} lines, {parsed * 1000:.0f} ms)")
        elapsed = asyncio.run(end_to_end(fake, ids, Path(tmp)))
        print(f"end to end (tweepy stream -> pipeline -> SQLite): {n / elapsed:,.0f} posts/s ({elapsed:.2f} s)")


def _spec():  # the fields the collector requests
    from bot.sources.x.clients import EXPANSIONS, MEDIA_FIELDS, TWEET_FIELDS
    from tests.fakes.x_render import FieldSpec

    return FieldSpec.from_params({"expansions": ",".join(EXPANSIONS), "tweet.fields": ",".join(TWEET_FIELDS),
                                  "media.fields": ",".join(MEDIA_FIELDS)})


if __name__ == "__main__":
    main()
