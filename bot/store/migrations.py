"""Numbered schema migrations, applied once each at start-up (``sqlite_utils.Migrations``).

Never edit an applied migration: add the next number. Each runs inside the store's
``BEGIN IMMEDIATE`` transaction (sqlite-utils nests it as a savepoint).
"""

from __future__ import annotations

import sqlite_utils

MIGRATIONS = sqlite_utils.Migrations("sahelwatch")


@MIGRATIONS(name="0001_core")
def m0001_core(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL, platform_id TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
            url TEXT, author_id TEXT, author_handle TEXT, author_name TEXT,
            created_at TEXT NOT NULL, collected_at TEXT NOT NULL, stored_at TEXT NOT NULL,
            text TEXT NOT NULL, norm_text TEXT, lang_hint TEXT,
            lang TEXT, lang_conf REAL, lang_detector TEXT,
            content_hash TEXT, duplicate_of TEXT, repost_count INTEGER NOT NULL DEFAULT 0,
            topics TEXT NOT NULL DEFAULT '[]', severity TEXT, places TEXT NOT NULL DEFAULT '[]',
            repost_of TEXT, quote_of TEXT, reply_to TEXT, raw TEXT,
            UNIQUE (platform, platform_id))"""
    )
    for cols in ("content_hash", "duplicate_of", "created_at", "lang"):
        db.execute(f"CREATE INDEX idx_posts_{cols} ON posts ({cols})")
    db.execute(
        """CREATE TABLE matches (
            id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            topic TEXT NOT NULL, term TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            evasion INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX idx_matches_post ON matches (post_id)")
    db.execute("CREATE INDEX idx_matches_topic ON matches (topic)")
    db.execute(
        """CREATE TABLE media (
            id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL, preview_url TEXT,
            width INTEGER, height INTEGER, duration_ms INTEGER, alt_text TEXT)"""
    )
    db.execute("CREATE INDEX idx_media_post ON media (post_id)")
    db.execute("CREATE TABLE cursors (source TEXT PRIMARY KEY, value TEXT, updated_at TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY, alert_key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL,
            kind TEXT NOT NULL, post_id INTEGER REFERENCES posts(id), payload TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL, claimed_at TEXT, sent_at TEXT, tg_message_id TEXT, error TEXT)"""
    )
    db.execute("CREATE INDEX idx_outbox_pending ON outbox (channel, state, id)")
    db.execute("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT, updated_at TEXT NOT NULL)")
    db["posts"].enable_fts(
        ["text", "author_handle", "author_name"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@MIGRATIONS(name="0002_dedupe_index")
def m0002_dedupe_index(db: sqlite_utils.Database) -> None:
    """The near-duplicate index (``dedupe_posts``, ``dedupe_bands``): see bot/pipeline/dedupe_index.py.

    The DDL is written out as it was when this migration was made (it used to call the live
    ``SCHEMA`` constant of the dedupe module, so a later edit there would have rewritten history).
    Plain ``execute``: ``executescript`` would commit the migration's transaction."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS dedupe_posts (
        post_id INTEGER PRIMARY KEY, post_key TEXT NOT NULL UNIQUE, first_key TEXT NOT NULL,
        content_hash TEXT, lang TEXT, created_at INTEGER NOT NULL, signature BLOB,
        words TEXT NOT NULL DEFAULT '', keys TEXT NOT NULL DEFAULT '')"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS dedupe_posts_hash ON dedupe_posts (content_hash)")
    db.execute("CREATE INDEX IF NOT EXISTS dedupe_posts_created ON dedupe_posts (created_at)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS dedupe_bands (
        band INTEGER NOT NULL, hash INTEGER NOT NULL, created_at INTEGER NOT NULL, post_id INTEGER NOT NULL,
        PRIMARY KEY (band, hash, created_at DESC, post_id)) WITHOUT ROWID"""
    )


# --- geo (0050-0059): where and what, from the enrich stage ---------------------------------


@MIGRATIONS(name="0050_post_place_event")
def m0050_post_place_event(db: sqlite_utils.Database) -> None:
    """Place (country ISO alpha-2, canonical name, admin1, lat/lon, why), ACLED event type
    and stated casualty numbers of each post."""
    for col, kind in (
        ("country", "TEXT"), ("place", "TEXT"), ("admin1", "TEXT"), ("lat", "REAL"), ("lon", "REAL"),
        ("place_why", "TEXT"), ("event", "TEXT"),
        ("killed", "INTEGER"), ("wounded", "INTEGER"), ("kidnapped", "INTEGER"),
    ):
        db.execute(f"ALTER TABLE posts ADD COLUMN {col} {kind}")
    db.execute("CREATE INDEX idx_posts_country ON posts (country)")
    db.execute("CREATE INDEX idx_posts_event ON posts (event)")


# --- hostile input (0010-0019) ---------------------------------------------------------------


@MIGRATIONS(name="0010_truncated")
def m0010_truncated(db: sqlite_utils.Database) -> None:
    """``posts.truncated``: 1 when the stored text was cut to SAHELWATCH_MAX_POST_CHARS."""
    db.execute("ALTER TABLE posts ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0")


# --- stories (0080-0089): dedupe prefix index, stories ---------------------------------------


@MIGRATIONS(name="0080_dedupe_prefix")
def m0080_dedupe_prefix(db: sqlite_utils.Database) -> None:
    """A hash of each indexed post's first 8 normalised words: a copy cut short with "…" finds
    the post it is a prefix of (bot/pipeline/dedupe_index.py ``prefixed``)."""
    db.execute("ALTER TABLE dedupe_posts ADD COLUMN prefix INTEGER")
    db.execute("CREATE INDEX dedupe_posts_prefix ON dedupe_posts (prefix, created_at) WHERE prefix IS NOT NULL")


@MIGRATIONS(name="0081_stories")
def m0081_stories(db: sqlite_utils.Database) -> None:
    """Stories (one incident across posts, languages and sources; bot/pipeline/story.py), the
    link from each post to its story, and each post's canonical links (``post_links``)."""
    db.execute(
        """CREATE TABLE stories (
            id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, title TEXT NOT NULL DEFAULT '',
            first_at TEXT NOT NULL, last_at TEXT NOT NULL,
            country TEXT, place TEXT, admin1 TEXT, lat REAL, lon REAL, event TEXT,
            killed INTEGER, wounded INTEGER, kidnapped INTEGER,
            posts INTEGER NOT NULL DEFAULT 0, languages TEXT NOT NULL DEFAULT '',
            places TEXT NOT NULL DEFAULT '')"""
    )
    db.execute("CREATE INDEX idx_stories_last_at ON stories (last_at)")
    db.execute("ALTER TABLE posts ADD COLUMN story_id INTEGER REFERENCES stories(id)")
    db.execute("ALTER TABLE posts ADD COLUMN links TEXT NOT NULL DEFAULT '[]'")
    db.execute("CREATE INDEX idx_posts_story_id ON posts (story_id)")
    db.execute(
        """CREATE TABLE post_links (
            url TEXT NOT NULL, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            PRIMARY KEY (url, post_id)) WITHOUT ROWID"""
    )


# --- sources kit (0030-0039): per-source health, remembered items ---------------------------


@MIGRATIONS(name="0030_source_health")
def m0030_source_health(db: sqlite_utils.Database) -> None:
    """One row per source: state, counters, last error, and whether its failure was reported."""
    db.execute(
        """CREATE TABLE source_health (
            name TEXT PRIMARY KEY, state TEXT NOT NULL, connected INTEGER NOT NULL DEFAULT 0,
            started_at TEXT, last_item_at TEXT, last_activity_at TEXT,
            items INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0, restarts INTEGER NOT NULL DEFAULT 0,
            reconnects INTEGER NOT NULL DEFAULT 0, last_error TEXT,
            failing_since TEXT, reported INTEGER NOT NULL DEFAULT 0,
            cursor TEXT, pid INTEGER, updated_at TEXT NOT NULL)"""
    )


@MIGRATIONS(name="0031_source_seen")
def m0031_source_seen(db: sqlite_utils.Database) -> None:
    """Item ids a source has already handed on (bounded per source), committed with the posts."""
    db.execute(
        """CREATE TABLE source_seen (
            id INTEGER PRIMARY KEY, source TEXT NOT NULL, item TEXT NOT NULL, seen_at TEXT NOT NULL,
            UNIQUE (source, item))"""
    )


# --- 0060-0069: chat commands (bot/commands) ----------------------------------------------------
@MIGRATIONS(name="0060_commands")
def m0060_commands(db: sqlite_utils.Database) -> None:
    """Personal subscriptions, topic mutes, admin pauses and the audit of chat watchlist edits."""
    db.execute(
        """CREATE TABLE subscriptions (
            chat_id TEXT NOT NULL, topic TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '[]',
            user_id INTEGER NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (chat_id, topic))"""
    )
    db.execute(
        """CREATE TABLE mutes (
            topic TEXT PRIMARY KEY, until TEXT NOT NULL, user_id INTEGER NOT NULL, created_at TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE pauses (
            kind TEXT NOT NULL, name TEXT NOT NULL, user_id INTEGER NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (kind, name))"""
    )
    db.execute(
        """CREATE TABLE watch_edits (
            id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
            topic TEXT NOT NULL, term TEXT NOT NULL, outcome TEXT NOT NULL)"""
    )


# --- 0090-0099: ingest at batch speed (issue 17) ------------------------------------------------
@MIGRATIONS(name="0090_ingest_indexes")
def m0090_ingest_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the story stage reads (posts at a place or in a region within a window), and
    ``idx_posts_content_hash`` dropped: no query reads it (exact-text dedupe reads
    ``dedupe_posts``), yet every insert paid for it, 55 bytes a post."""
    db.execute("DROP INDEX IF EXISTS idx_posts_content_hash")
    db.execute("CREATE INDEX idx_posts_place ON posts (place, created_at) WHERE place IS NOT NULL")
    db.execute("CREATE INDEX idx_posts_admin1 ON posts (admin1, created_at) WHERE admin1 IS NOT NULL")


@MIGRATIONS(name="0091_bands_in_memory")
def m0091_bands_in_memory(db: sqlite_utils.Database) -> None:
    """LSH band buckets move to memory (bot/pipeline/band_index.py), built from the signatures
    in ``dedupe_posts``: a post that had no bands (a text cut with "…") keeps no signature, and
    the ``dedupe_bands`` table (16 rows a post, a fifth of the database) is dropped."""
    db.execute(
        "UPDATE dedupe_posts SET signature = NULL WHERE signature IS NOT NULL"
        " AND post_id NOT IN (SELECT post_id FROM dedupe_bands WHERE band = 0)"
    )
    db.execute("DROP TABLE dedupe_bands")


# --- alert transports (0100-0109): delivery through a transport interface (bot/alerts/transport.py) ---


@MIGRATIONS(name="0100_outbox_transport")
def m0100_outbox_transport(db: sqlite_utils.Database) -> None:
    """Each outbox row names the transport that sends it (every earlier row went to Telegram), and
    ``tg_message_id`` becomes the transport-neutral ``message_ref`` with its values kept (the same
    comma-separated Telegram message ids), so rows sent before the upgrade can still be edited
    and rows not yet sent are sent once, by the same claim as before."""
    db.execute("ALTER TABLE outbox ADD COLUMN transport TEXT NOT NULL DEFAULT 'telegram'")
    db.execute("ALTER TABLE outbox RENAME COLUMN tg_message_id TO message_ref")


# --- memory, disk and search at a million posts (0110-0119) -------------------------------------


@MIGRATIONS(name="0110_posts_topics_index")
def m0110_posts_topics_index(db: sqlite_utils.Database) -> None:
    """Matched posts by their topics (partial: unmatched posts take no room), so ``sahelwatch stats``
    counts topics and matched posts from the index instead of reading every post."""
    db.execute("CREATE INDEX idx_posts_topics ON posts (topics) WHERE topics != '[]'")


@MIGRATIONS(name="0111_fts_update_trigger")
def m0111_fts_update_trigger(db: sqlite_utils.Database) -> None:
    """The full-text index is rewritten only when an indexed column changes. The trigger
    sqlite-utils made fires on every UPDATE of a post: writing its story, counting a repost of
    it or rematching its topics deleted and re-inserted its text in ``posts_fts`` each time."""
    db.execute("DROP TRIGGER IF EXISTS posts_au")
    db.execute(
        """CREATE TRIGGER posts_au AFTER UPDATE OF text, author_handle, author_name ON posts BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, text, author_handle, author_name)
    VALUES ('delete', old.rowid, old.text, old.author_handle, old.author_name);
  INSERT INTO posts_fts (rowid, text, author_handle, author_name)
    VALUES (new.rowid, new.text, new.author_handle, new.author_name);
END"""
    )


@MIGRATIONS(name="0112_dedupe_keys_in_memory")
def m0112_dedupe_keys_in_memory(db: sqlite_utils.Database) -> None:
    """Exact-text and first-words lookups move to memory (bot/pipeline/band_index.py, built from
    ``dedupe_posts`` at start like the band buckets): their two indexes had random keys, so every
    post rewrote a page of each, most of what a commit wrote once the window held 200,000 posts."""
    db.execute("DROP INDEX IF EXISTS dedupe_posts_hash")
    db.execute("DROP INDEX IF EXISTS dedupe_posts_prefix")
