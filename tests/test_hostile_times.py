"""A post dated in the future (Bluesky's ``createdAt`` is whatever the posting client wrote; a feed's
date is the publisher's): it is stored at the time it was collected, so it neither sits on top of
``/search`` for ever nor drags the dedupe window past every real post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.config import Settings
from bot.models import Post
from bot.pipeline import build_pipeline
from bot.pipeline.dedupe_index import WindowPrune
from bot.sources.base import Collected

REPORT = ("Embuscade meurtrière près de Ménaka : plusieurs soldats tués et des véhicules incendiés selon des "
          "sources locales contactées ce matin")


def bluesky(n: str, text: str, created: datetime, collected: datetime) -> Post:
    return Post(platform="bluesky", platform_id=n, text=text, created_at=created, collected_at=collected,
                url=f"https://bsky.app/profile/did:plc:x/post/{n}", author_id="did:plc:x",
                author_handle="x.bsky.social")


def test_a_post_dated_2099_is_stored_when_it_was_collected_and_moves_no_window(store):
    now = datetime.now(UTC).replace(microsecond=0)
    pruner = WindowPrune(store, timedelta(days=7), every=1)  # prunes after every post: the worst case
    app = App(store, build_pipeline(Settings(), store), [], [pruner])
    posts = [bluesky("a", REPORT, now - timedelta(hours=2), now - timedelta(hours=2)),
             bluesky("f", "Promo: the best sandals in Niamey, delivered anywhere in the city", datetime(2099, 1, 1,
                     tzinfo=UTC), now - timedelta(hours=1)),
             bluesky("b", REPORT + " #Sahel", now - timedelta(minutes=30), now - timedelta(minutes=30))]
    for post in posts:
        app.ingest_many([("bluesky", Collected(post))])
    rows = {r["platform_id"]: r for r in store.query("SELECT platform_id, created_at, duplicate_of FROM posts")}
    assert datetime.fromisoformat(rows["f"]["created_at"]) == now - timedelta(hours=1)  # when it was collected
    assert rows["b"]["duplicate_of"] == "bluesky:a"  # the copy still finds its original: the window did not move
    newest = store.query("SELECT platform_id FROM posts ORDER BY created_at DESC LIMIT 1")
    assert [r["platform_id"] for r in newest] == ["b"]
