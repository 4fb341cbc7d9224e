"""Dedupe stage: sets ``content_hash``, ``signature`` and ``duplicate_of`` (the cluster's first post).

Runs after the language stage (it needs ``lang``) and reads the index that the store keeps
in SQLite (:mod:`bot.pipeline.dedupe_index`), so it survives restarts. In order:

1. **Same post again** (``platform:id`` already indexed): the stored answer is returned.
2. **Repost** (``refs.repost_of``) of an indexed post: ``duplicate_of`` = that post's cluster
   head. An unseen original falls through to the text checks below (the RT prefix is
   stripped), so when the original arrives later it joins the repost's cluster.
3. **Same normalised text** (SHA-1 of :func:`~bot.pipeline.fingerprint.fingerprint`).
4. **Near duplicate**: MinHash-64 LSH candidates, verified by :func:`bot.pipeline.similar.verify`;
   the most similar (then the oldest) wins.

Only posts created within ``window`` of each other are compared. Configuration (environment):
``SAHELWATCH_DEDUPE_WINDOW_DAYS`` (default 7), ``SAHELWATCH_DEDUPE_THRESHOLD`` (Jaccard,
default 0.5), ``SAHELWATCH_DEDUPE_MIN_CHARS`` (shorter normalised texts get no near-duplicate
check, default 20).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import numpy as np
from sqlite_utils import Database

from bot.models import Post
from bot.pipeline import dedupe_index as index
from bot.pipeline.base import Context
from bot.pipeline.fingerprint import Fingerprint, fingerprint
from bot.pipeline.minhash import band_keys, signature
from bot.pipeline.similar import Features, verify
from bot.text import clean

EXTRAS_DB = "dedupe_db"
EXTRAS_SETTINGS = "dedupe"


@dataclass(frozen=True)
class DedupeSettings:
    window: timedelta = timedelta(days=7)
    threshold: float = 0.5
    min_chars: int = 20

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DedupeSettings:
        env = os.environ if env is None else env
        days = _float(env, "SAHELWATCH_DEDUPE_WINDOW_DAYS", cls.window.days)
        threshold = _float(env, "SAHELWATCH_DEDUPE_THRESHOLD", cls.threshold)
        if not 0 < threshold <= 1:
            raise ValueError(f"SAHELWATCH_DEDUPE_THRESHOLD must be in (0, 1], got {threshold}")
        min_chars = int(_float(env, "SAHELWATCH_DEDUPE_MIN_CHARS", cls.min_chars))
        return cls(timedelta(days=days), threshold, min_chars)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def find_duplicate(db: Database, post: Post, fp: Fingerprint, settings: DedupeSettings) -> str | None:
    """The key of the first post of ``post``'s cluster, or ``None`` if it starts a new one."""
    head = index.head_of(db, post.key)
    if head is not None:
        return None if head == post.key else head
    if post.refs.repost_of:
        head = index.head_of(db, f"{post.platform}:{post.refs.repost_of}")
        if head is not None:
            return head
    created = index.epoch(post.created_at)
    span = int(settings.window.total_seconds())
    since, until = created - span, created + span
    if fp.content_hash is not None:
        head = index.head_by_hash(db, fp.content_hash, since, until)
        if head is not None:
            return head
    return near_duplicate(db, post, fp, settings, (since, until))


def near_duplicate(
    db: Database, post: Post, fp: Fingerprint, settings: DedupeSettings, span: tuple[int, int]
) -> str | None:
    if not post.signature:
        return None
    sig = np.array(post.signature, dtype=np.uint32)
    new = Features(post.lang, sig, fp.words, fp.keys)
    best: tuple[float, str] | None = None
    for cand in index.candidates(db, band_keys(sig), *span):
        score = verify(new, cand.features, settings.threshold)
        if score is not None and (best is None or score > best[0]):
            best = (score, cand.first_key)
    return best[1] if best else None


def fingerprint_post(post: Post, settings: DedupeSettings) -> tuple[Post, Fingerprint]:
    """Add ``content_hash`` and ``signature`` (the latter only for long enough texts)."""
    fp = fingerprint(post.norm_text or clean(post.text))
    sig = tuple(signature(fp.norm).tolist()) if len(fp.norm) >= settings.min_chars else ()
    return post.with_(content_hash=fp.content_hash, signature=sig), fp


def database(context: Context) -> Database:
    """The store's database (``context.store.db``), or ``context.extras["dedupe_db"]``."""
    store = context.store
    db = getattr(store, "db", None) if store is not None else context.extras.get(EXTRAS_DB)
    if db is None:
        raise RuntimeError("the dedupe stage needs a store (context.store) or context.extras['dedupe_db']")
    return db


@cache
def default_settings() -> DedupeSettings:
    """The settings from the environment, read once per process."""
    return DedupeSettings.from_env()


def dedupe(post: Post, context: Context) -> Post:
    """Pipeline stage (see the module docstring)."""
    settings: DedupeSettings = context.extras.get(EXTRAS_SETTINGS) or default_settings()
    post, fp = fingerprint_post(post, settings)
    return post.with_(duplicate_of=find_duplicate(database(context), post, fp, settings))
