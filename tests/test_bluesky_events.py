"""Jetstream frames → Posts, and the fake Jetstream's wire behaviour (cursor replay, filters)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from websockets.asyncio.client import connect

from bot.models import Media
from bot.sources.bluesky.events import MediaHosts, decode, to_post
from bot.sources.payload import PayloadError
from tests.fakes.jetstream import FakeJetstream

DID = "did:plc:q235example"


def frame(**record):
    body = {"$type": "app.bsky.feed.post", "createdAt": "2026-05-25T14:23:28.757Z", "text": "Attaque", **record}
    return json.dumps({"did": DID, "time_us": 1779719009157119, "kind": "commit",
                       "commit": {"rev": "3mm", "operation": "create", "collection": "app.bsky.feed.post",
                                  "rkey": "3mmoojp4cd223", "cid": "bafyreiabc", "record": body}})


def test_a_post_create_becomes_a_post_with_url_language_images_and_refs():
    image = {"$type": "blob", "ref": {"$link": "bafkreiimage1"}, "mimeType": "image/jpeg", "size": 1000}
    text = "Lire example.org/rapport… ici"
    start = len(b"Lire ")
    end = start + len("example.org/rapport…".encode())
    raw = frame(text=text, langs=["fr", "en"],
                facets=[{"index": {"byteStart": start, "byteEnd": end},
                         "features": [{"$type": "app.bsky.richtext.facet#link",
                                       "uri": "https://example.org/rapport-2026"}]}],
                embed={"$type": "app.bsky.embed.recordWithMedia",
                       "record": {"record": {"uri": "at://did:plc:other/app.bsky.feed.post/1", "cid": "x"}},
                       "media": {"$type": "app.bsky.embed.images",
                                 "images": [{"image": image, "alt": "carte", "aspectRatio": {"width": 4,
                                                                                            "height": 3}}]}},
                reply={"root": {"uri": "at://r", "cid": "c"}, "parent": {"uri": "at://p", "cid": "c"}})
    time_us, candidate = decode(raw)
    assert time_us == 1779719009157119 and candidate is not None
    post = to_post(candidate, handle="fama.bsky.social", hosts=MediaHosts(cdn="https://cdn.test"))
    assert post.platform == "bluesky"
    assert post.platform_id == f"at://{DID}/app.bsky.feed.post/3mmoojp4cd223"
    assert post.url == f"https://bsky.app/profile/{DID}/post/3mmoojp4cd223"
    assert post.text == "Lire https://example.org/rapport-2026 ici"
    assert post.created_at == datetime(2026, 5, 25, 14, 23, 28, 757000, tzinfo=UTC)
    assert post.lang_hint == "fr" and post.author_id == DID and post.author_handle == "fama.bsky.social"
    assert post.media == (Media("photo", f"https://cdn.test/img/feed_fullsize/plain/{DID}/bafkreiimage1@jpeg",
                                preview_url=f"https://cdn.test/img/feed_thumbnail/plain/{DID}/bafkreiimage1@jpeg",
                                width=4, height=3, alt_text="carte"),)
    assert post.refs.quote_of == "at://did:plc:other/app.bsky.feed.post/1" and post.refs.reply_to == "at://p"


def test_a_video_shows_as_its_thumbnail():
    video = {"$type": "blob", "ref": {"$link": "bafkreivideo1"}, "mimeType": "video/mp4", "size": 10}
    _, candidate = decode(frame(embed={"$type": "app.bsky.embed.video", "video": video, "alt": "convoi"}))
    (media,) = to_post(candidate).media
    assert media == Media("photo", "https://video.bsky.app/watch/did%3Aplc%3Aq235example/bafkreivideo1/thumbnail.jpg",
                          alt_text="video: convoi")


@pytest.mark.parametrize("event", [
    {"did": DID, "time_us": 5, "kind": "commit", "commit": {"operation": "delete", "collection":
                                                             "app.bsky.feed.post", "rkey": "a"}},
    {"did": DID, "time_us": 5, "kind": "commit", "commit": {"operation": "create", "collection":
                                                             "app.bsky.feed.like", "rkey": "a", "record": {}}},
    {"did": DID, "time_us": 5, "kind": "identity", "identity": {"did": DID, "handle": "x.bsky.social"}},
    {"did": DID, "time_us": 5, "kind": "account", "account": {"active": False, "status": "takendown"}},
])
def test_deletes_other_collections_identity_and_account_events_are_ignored(event):
    assert decode(json.dumps(event)) == (5, None)


@pytest.mark.parametrize("raw", [
    "not json", "[1, 2]", json.dumps({"kind": "commit"}), "[" * 5000 + "]" * 5000,
    frame().replace(DID, "not-a-did"), frame().replace('"text": "Attaque"', '"text": 42'),
])
def test_frames_that_are_not_events_raise_payload_error(raw):
    with pytest.raises(PayloadError):
        decode(raw)


@pytest.mark.parametrize("change", [{"createdAt": "yesterday"}, {"langs": "fr"}, {"embed": {"images": "x"}}])
def test_a_record_with_wrong_fields_is_refused_when_converted(change):
    _, candidate = decode(frame(**change))
    with pytest.raises(PayloadError):
        to_post(candidate)


async def _read(url: str, count: int) -> list[dict]:
    async with connect(url) as ws:
        return [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(count)]


async def test_fake_replays_from_cursor_and_filters_commits_but_not_identity_or_account():
    with FakeJetstream() as js:
        first = js.post(DID, "un")
        js.publish({"did": DID, "kind": "commit", "commit": {"operation": "create", "collection":
                                                            "app.bsky.feed.like", "rkey": "l", "record": {}}},
                   collection="app.bsky.feed.like")
        js.identity(DID, "fama.bsky.social")
        js.post(DID, "deux")
        js.account(DID)
        url = f"{js.url}?wantedCollections=app.bsky.feed.post&cursor={first['time_us']}"
        events = await _read(url, 4)
        assert [e["kind"] for e in events] == ["commit", "identity", "commit", "account"]
        assert [e["commit"]["record"]["text"] for e in events if e["kind"] == "commit"] == ["un", "deux"]
        assert js.connections[0]["wantedCollections"] == ["app.bsky.feed.post"]
