"""Dedupe stage: sets ``content_hash``, ``signature`` and ``duplicate_of`` (the cluster's first post).

``signature`` (MinHash-64) is set only when the near-duplicate check ran: it stays empty for
re-deliveries, reposts of known posts, exact duplicates and texts under ``min_chars``. The
store's :func:`~bot.pipeline.dedupe_index.index_post` writes LSH bands for posts that have one.

Runs after the language stage (it needs ``lang``) and reads the index that the store keeps
in SQLite (:mod:`bot.pipeline.dedupe_index`), so it survives restarts. In order:

1. **Same post again** (``platform:id`` already indexed): the stored answer is returned.
2. **Repost** (``refs.repost_of``) of an indexed post: ``duplicate_of`` = that post's cluster
   head. An unseen original falls through to the text checks below (the RT prefix is
   stripped), so when the original arrives later it joins the repost's cluster.
3. **Same normalised text** (SHA-1 of :func:`~bot.pipeline.fingerprint.fingerprint`).
4. **Cut copy**: a text cut short with "…" whose words (the last, maybe partial, one
   dropped; at least :data:`~bot.pipeline.dedupe_index.PREFIX_WORDS`) begin an indexed post
   in the same language is that post's copy, however deep the cut. Prefixes of posts from two
   clusters (a template cut before the place name) are ambiguous: no match from this check.
5. **Near duplicate**: MinHash-64 LSH candidates, verified by the rule of :mod:`bot.pipeline.similar`;
   the most similar (then the oldest) wins.

Only posts created within ``window`` of each other are compared. Configuration
(:class:`bot.config.Settings`):
``SAHELWATCH_DEDUPE_WINDOW_DAYS`` (default 7), ``SAHELWATCH_DEDUPE_THRESHOLD`` (Jaccard,
default 0.6), ``SAHELWATCH_DEDUPE_MIN_CHARS`` (shorter normalised texts get no near-duplicate
check, default 20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlite_utils import Database

from bot.config import Settings
from bot.models import Post
from bot.pipeline import dedupe_index as index
from bot.pipeline.base import Context, reads_store
from bot.pipeline.fingerprint import Fingerprint, cut_words, fingerprint
from bot.pipeline.minhash import Signature, band_keys, signature
from bot.pipeline.similar import Features, keys_replaced, same_language, similar_enough
from bot.text import clean

EXTRAS_DB = "dedupe_db"
EXTRAS_SETTINGS = "dedupe"
AMBIGUITY_MARGIN = 0.1


@dataclass(frozen=True)
class DedupeSettings:
    window: timedelta = timedelta(days=7)
    threshold: float = 0.6
    min_chars: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> DedupeSettings:
        window = timedelta(days=settings.dedupe_window_days)
        return cls(window, settings.dedupe_threshold, settings.dedupe_min_chars)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DedupeSettings:
        return cls.from_settings(Settings.from_env(env))


NEAR_CHARS = 10_000
"""Near-duplicate checks (MinHash, verification, the index copy) read at most this many
normalised characters; exact-text dedupe hashes the whole text."""


def find_duplicate(
    db: Database, post: Post, fp: Fingerprint, settings: DedupeSettings
) -> tuple[str | None, Signature | None]:
    """``(key of the first post of the cluster or None, signature)``. The signature is only
    computed when the near-duplicate check runs (it is what gets indexed in LSH bands)."""
    created = index.epoch(post.created_at)
    span = int(settings.window.total_seconds())
    since, until = created - span, created + span
    own, same_text = index.lookup(db, post.key, fp.content_hash, since, until)
    if own is not None:
        return (None if own == post.key else own), None
    if post.refs.repost_of:
        head = index.original_head(db, f"{post.platform}:{post.refs.repost_of}")
        if head is not None:
            return head, None
    if same_text is not None:
        return same_text, None
    cut = cut_words(post.norm_text or clean(post.text))
    head = cut_copy_of(db, post, cut, (since, until)) if cut else None
    if head is not None or len(fp.norm) < settings.min_chars:
        return head, None
    norm = fp.norm[:NEAR_CHARS]  # a bounded prefix: a 40,000-character post costs what a long one does
    sig = signature(norm)
    new = Features(post.lang, sig, norm, " ".join(fp.keys))
    return near_duplicate(db, new, settings, (since, until)), sig


def cut_copy_of(db: Database, post: Post, cut: str, span: tuple[int, int]) -> str | None:
    """The one cluster head whose posts begin with ``cut`` (see step 4), else ``None``."""
    found = index.prefixed(db, cut, post.key, *span)
    heads = {head for head, lang in found if same_language(post.lang, lang)}
    return heads.pop() if len(heads) == 1 else None


def near_duplicate(
    db: Database, new: Features, settings: DedupeSettings, span: tuple[int, int]
) -> str | None:
    """Head of the best verified LSH candidate (checked against its cluster head too).

    Ambiguity is not a match: when candidates from two clusters verify within
    :data:`AMBIGUITY_MARGIN` of each other (a post cut before the place name fits several
    stories made from one template), the post starts its own cluster.
    """
    found = index.candidates(db, band_keys(new.signature), *span)
    scored = [(score, found[i]) for score, i in similar_enough(new, [c.features for c in found], settings.threshold)]
    heads = index.features_of(db, {c.first_key for _, c in scored} - {c.post_key for c in found})
    heads.update({c.post_key: c.features for c in found})
    best: dict[str, float] = {}
    refused: set[str] = set()
    for score, cand in scored:  # the best first: a cluster's score is its best verified member's
        cluster = cand.first_key
        if cluster in best or cluster in refused:
            continue
        head = heads.get(cluster)
        if head is not None and keys_replaced(new, head):
            refused.add(cluster)  # the same answer for every member: decided once
        elif not keys_replaced(new, cand.features):
            best[cluster] = score
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < AMBIGUITY_MARGIN):
        return None
    return ranked[0][0]


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


@reads_store
def dedupe(post: Post, context: Context) -> Post:
    """Pipeline stage (see the module docstring)."""
    settings: DedupeSettings = context.extras.get(EXTRAS_SETTINGS) or default_settings()
    fp = fingerprint(post.norm_text or clean(post.text))
    head, sig = find_duplicate(database(context), post, fp, settings)
    as_tuple = tuple(sig.tolist()) if sig is not None else ()
    return post.with_(content_hash=fp.content_hash, signature=as_tuple, duplicate_of=head)
