"""What the Bluesky source keeps from the network's post stream, and handle resolution."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from bot.models import Post
from bot.pipeline.watchlist_reload import build
from bot.sources.base import SourceHealth
from bot.sources.bluesky.profiles import Profiles
from bot.sources.bluesky.resolve import Resolver
from bot.sources.bluesky.select import RecentUris, Selector
from tests.fakes.bsky_api import FakeBlueskyApi
from tests.x_helpers import ManualClock

NOW = datetime(2026, 12, 4, tzinfo=UTC)
LISTED, OTHER = "did:plc:listed000000000000000000", "did:plc:other0000000000000000000"


def frame(did: str, text: str, rkey: str, time_us: int) -> str:
    record = {"$type": "app.bsky.feed.post", "createdAt": "2026-12-04T10:00:00Z", "text": text}
    return json.dumps({"did": did, "time_us": time_us, "kind": "commit", "commit": {
        "operation": "create", "collection": "app.bsky.feed.post", "rkey": rkey, "record": record}})


def selector(tmp_path) -> Selector:
    (tmp_path / "topics.yaml").write_text("topics:\n  attack:\n    terms: [embuscade]\n", encoding="utf-8")
    matcher = build(tmp_path).matcher
    return Selector("bluesky", SourceHealth("bluesky"), lambda: matcher, lambda: {LISTED}, {LISTED: "fama.test"})


def test_keeps_matching_posts_and_listed_accounts_drops_the_rest_and_replays(tmp_path):
    sel = selector(tmp_path)
    frames = [frame(OTHER, "Une embuscade à Ménaka", "a", 10), frame(OTHER, "Bonne journée", "b", 11),
              frame(LISTED, "Bonne journée", "c", 12), frame(OTHER, "Une embuscade à Ménaka", "a", 13),
              '{"kind": "commit", "time_us": 14, "commit": {"operation": "create"}}', "{broken"]
    kept = [sel.handle(f) for f in frames]
    assert [k.post.platform_id.rsplit("/", 1)[1] if k else None for k in kept] == ["a", None, "c", None, None, None]
    assert kept[2].post.author_handle == "fama.test" and kept[2].cursor == "12"
    assert sel.time_us == 14 and sel.health.skipped == 1 and sel.frames == 6 and sel.kept == 2


def test_a_record_that_fails_validation_is_skipped_and_counted(tmp_path):
    sel = selector(tmp_path)
    bad = json.loads(frame(OTHER, "embuscade", "z", 20))
    bad["commit"]["record"]["createdAt"] = "hier"
    assert sel.handle(json.dumps(bad)) is None
    assert sel.handle(frame(OTHER, "embuscade encore", "y", 21)) is not None
    assert sel.health.skipped == 1 and "createdAt" in (sel.health.last_error or "")


def test_recent_uris_forget_the_oldest():
    recent = RecentUris(size=2)
    assert recent.add("a") and recent.add("b") and not recent.add("a") and recent.add("c")
    assert recent.add("a")  # "a" was the oldest and was forgotten


async def test_handles_resolve_to_dids_cached_and_unknown_ones_are_left_out():
    clock = ManualClock()
    with FakeBlueskyApi({"fama.bsky.social": LISTED}) as api:
        resolver = Resolver(api.url, ttl=3600, clock=clock)
        async with httpx.AsyncClient(trust_env=False) as client:
            found, failed = await resolver.resolve_all(client, ["fama.bsky.social", "nobody.bsky.social", OTHER])
            assert await resolver.resolve(client, "FAMA.bsky.social") == LISTED
            asked = len(api.requests_to("/xrpc/"))
            api.down = True
            assert await resolver.resolve(client, "fama.bsky.social") == LISTED  # cached
            clock.advance(7200)
            assert await resolver.resolve(client, "fama.bsky.social") == LISTED  # stale but the API is down
    assert found == {LISTED: "fama.bsky.social", OTHER: ""} and failed == []
    assert asked == 2


async def test_authors_are_named_from_their_profile_or_by_their_did():
    with FakeBlueskyApi({"fama.bsky.social": LISTED}, names={LISTED: "Fama"}) as api:
        profiles = Profiles(api.url)
        async with httpx.AsyncClient(trust_env=False) as client:
            known = await profiles.named(client, Post("bluesky", "x", "t", NOW, author_id=LISTED))
            api.down = True
            again = await profiles.named(client, Post("bluesky", "y", "t", NOW, author_id=LISTED))  # cached
            unknown = await profiles.named(client, Post("bluesky", "z", "t", NOW, author_id=OTHER))
    assert (known.author_handle, known.author_name) == ("fama.bsky.social", "Fama") == (again.author_handle,
                                                                                         again.author_name)
    assert (unknown.author_handle, unknown.author_name) == ("", OTHER)
