"""tweepy clients pointed at the configured X API base URL.

REST calls return the raw ``requests.Response`` so callers keep the JSON exactly as sent and
read the ``x-rate-limit-*`` headers. All calls block: run them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import requests
import tweepy

from bot.sources.x.transport import quiet_tweepy_logging, route_session

REST_TIMEOUT = 30.0  # seconds; tweepy sets none for REST calls
# The fields SahelWatch asks for (reference §2): author, media, references, long text, language.
EXPANSIONS = [
    "author_id",
    "attachments.media_keys",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
    "referenced_tweets.id.attachments.media_keys",
]
TWEET_FIELDS = [
    "author_id",
    "created_at",
    "lang",
    "entities",
    "attachments",
    "referenced_tweets",
    "conversation_id",
    "note_tweet",
    "possibly_sensitive",
    "withheld",
    "public_metrics",
]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "variants", "alt_text", "width", "height", "duration_ms"]
USER_FIELDS = ["name", "username", "verified", "verified_type", "profile_image_url", "location"]
FIELDS = {
    "expansions": EXPANSIONS,
    "tweet_fields": TWEET_FIELDS,
    "media_fields": MEDIA_FIELDS,
    "user_fields": USER_FIELDS,
}


def rest_client(token: str, base_url: str) -> tweepy.Client:
    quiet_tweepy_logging()
    client = tweepy.Client(token, return_type=requests.Response, wait_on_rate_limit=False)
    route_session(client.session, base_url, timeout=REST_TIMEOUT)
    return client


def rules_client(token: str, base_url: str) -> tweepy.StreamingClient:
    """A StreamingClient used only for the rules endpoints."""
    quiet_tweepy_logging()
    client = tweepy.StreamingClient(token)
    route_session(client.session, base_url, timeout=REST_TIMEOUT)
    return client
