"""Synthetic X API v2 objects in their documented wire shapes (never real captured Posts).

Builders return the FULL object (every field the fake knows); the fake's renderer then keeps
only the default fields plus what a request asked for, like the real API. Ids are strings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

JSON = dict[str, Any]

TWITTER_EPOCH_MS = 1_288_834_974_657
_sequence = itertools.count()


def snowflake(when: datetime | None = None) -> str:
    """A Post id the way X makes them: milliseconds since X's epoch << 22, plus a sequence."""
    when = when or datetime.now(UTC)
    millis = int(when.timestamp() * 1000) - TWITTER_EPOCH_MS
    return str((millis << 22) + next(_sequence) % (1 << 22))


def next_id() -> str:
    """A fresh Post id for "now", increasing within a test run."""
    return snowflake()


def x_time(when: datetime | None = None) -> str:
    """X's timestamp format: ``2026-03-01T08:15:00.000Z``."""
    when = (when or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def minutes_ago(minutes: float) -> str:
    return x_time(datetime.now(UTC) - timedelta(minutes=minutes))


def user(user_id: str, username: str, name: str | None = None, **extra: Any) -> JSON:
    return {
        "id": user_id,
        "username": username,
        "name": name or username.replace("_", " ").title(),
        "verified": False,
        "verified_type": "none",
        "description": "",
        "location": "",
        "profile_image_url": f"https://pbs.example.test/profile/{user_id}.jpg",
        "public_metrics": {
            "followers_count": 100,
            "following_count": 10,
            "tweet_count": 50,
            "listed_count": 1,
        },
        **extra,
    }


def photo(media_key: str, url: str | None = None, alt_text: str | None = None) -> JSON:
    item: JSON = {
        "media_key": media_key,
        "type": "photo",
        "url": url or f"https://pbs.example.test/media/{media_key}.jpg",
        "width": 1200,
        "height": 800,
    }
    if alt_text is not None:
        item["alt_text"] = alt_text
    return item


def video(
    media_key: str, bit_rates: Iterable[int] = (256_000, 832_000, 2_176_000), kind: str = "video"
) -> JSON:
    """A video (or ``animated_gif``) with MP4 variants and one HLS variant that has no bit_rate."""
    base = f"https://video.example.test/{media_key}"
    variants: list[JSON] = [{"content_type": "application/x-mpegURL", "url": f"{base}/pl.m3u8"}]
    variants += [
        {"bit_rate": rate, "content_type": "video/mp4", "url": f"{base}/{rate}.mp4"} for rate in bit_rates
    ]
    item: JSON = {
        "media_key": media_key,
        "type": kind,
        "preview_image_url": f"https://pbs.example.test/preview/{media_key}.jpg",
        "variants": variants,
        "width": 1280,
        "height": 720,
    }
    if kind == "video":
        item["duration_ms"] = 30_000
    return item


def tweet(
    text: str,
    author_id: str,
    *,
    tweet_id: str | None = None,
    created_at: str | None = None,
    lang: str = "fr",
    media_keys: Iterable[str] = (),
    refs: Iterable[tuple[str, str]] = (),
    note_text: str | None = None,
    **extra: Any,
) -> JSON:
    """A Post. ``refs`` are ``(type, id)`` with type ``retweeted``/``quoted``/``replied_to``."""
    when = datetime.fromisoformat(created_at.replace("Z", "+00:00")) if created_at else datetime.now(UTC)
    post_id = tweet_id or snowflake(when)
    item: JSON = {
        "id": post_id,
        "text": text,
        "author_id": author_id,
        "created_at": x_time(when),
        "lang": lang,
        "conversation_id": post_id,
        "edit_history_tweet_ids": [post_id],
        "possibly_sensitive": False,
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
        "edit_controls": {"edits_remaining": 5, "is_edit_eligible": True, "editable_until": x_time()},
    }
    keys = list(media_keys)
    if keys:
        item["attachments"] = {"media_keys": keys}
    references = [{"type": kind, "id": ref_id} for kind, ref_id in refs]
    if references:
        item["referenced_tweets"] = references
    if note_text is not None:
        item["note_tweet"] = {"text": note_text}
    return {**item, **extra}


def retweet(original: JSON, retweeter_id: str, original_handle: str, **extra: Any) -> JSON:
    """A repost: ``RT @handle: `` + the original text truncated to 140 characters."""
    text = f"RT @{original_handle}: {original.get('note_tweet', original)['text']}"
    if len(text) > 140:
        text = text[:139] + "…"
    return tweet(
        text, retweeter_id, lang=original.get("lang", "und"), refs=[("retweeted", original["id"])], **extra
    )


def long_post(full_text: str, author_id: str, **extra: Any) -> JSON:
    """A post over 280 characters: top-level text truncated, full text in ``note_tweet``."""
    return tweet(full_text[:275] + "… https://t.co/x", author_id, note_text=full_text, **extra)


def matching_rule(rule_id: str | int | None, tag: str | None = "", *, with_tag: bool = True) -> JSON:
    """A ``matching_rules`` entry; pass an int id or ``with_tag=False`` to script the quirks."""
    entry: JSON = {"id": rule_id}
    if with_tag:
        entry["tag"] = tag
    return entry


def quirk_set() -> tuple[list[JSON], list[JSON], dict[str, JSON]]:
    """Users, media and named Posts covering the documented quirks
    (https://docs.x.com/x-api/fundamentals/data-dictionary/reference, and real captures in
    https://github.com/DocNow/twarc-csv/tree/main/test-data)."""
    users = [
        user("42", "sahel_news", "Sahel News"),
        user("43", "niamey_info", "Niamey Info", verified=True),
        user("44", "bamako_direct"),
    ]
    media = [
        photo("3_100", alt_text="Convoi"),
        video("7_200"),
        video("16_300", bit_rates=[0], kind="animated_gif"),
    ]
    posts: dict[str, JSON] = {}
    posts["original"] = tweet("Embuscade meurtrière près de Ménaka : plusieurs soldats tués", "42")
    posts["retweet"] = retweet(
        posts["original"]
        | {
            "text": "Embuscade meurtrière près de Ménaka : plusieurs "
            "soldats tués, selon des sources locales concordantes "
            "jointes ce matin par téléphone depuis Gao et Ansongo"
        },
        "43",
        "sahel_news",
    )
    posts["quote"] = tweet("Confirmé par l'armée", "44", refs=[("quoted", posts["original"]["id"])])
    posts["reply"] = tweet("Des précisions ?", "43", refs=[("replied_to", posts["original"]["id"])])
    posts["long"] = long_post("Communiqué: " + "les FAMa ont neutralisé une colonne terroriste. " * 8, "42")
    posts["video"] = tweet("Vidéo de l'attaque de drone", "43", media_keys=["7_200", "16_300"])
    posts["missing_media"] = tweet("Photo du convoi", "44", media_keys=["3_100", "3_999"])
    posts["withheld"] = tweet("Message retenu", "44", withheld={"copyright": False, "country_codes": ["ML"]})
    posts["arabic"] = tweet("هجوم على قافلة عسكرية قرب ميناكا", "43", lang="ar")
    posts["plain_menaka"] = tweet("Attaque a Menaka hier soir", "44")
    posts["hausa"] = tweet("An kai hari a Tillabéri", "44", lang="und")  # X has no Hausa code
    return users, media, posts
