"""Settings from environment variables, each declared once with its default and help.

Secrets accept ``VAR`` or ``VAR_FILE`` (a path to a file holding the value; preferred, as
with Docker secrets; the file wins when both are set). Components are ``auto`` by default:
on when their secret is present. Setting one to ``on`` without its secret is a
:class:`~bot.errors.ConfigError` naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config.checks import check_secret_files, field_env, present, read, validate


def _setting(env: str, default: Any, help: str, secret: bool = False) -> Any:
    return field(default=default, repr=not secret, metadata={"env": env, "help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    db: Path = _setting("SAHELWATCH_DB", Path("storage/sahelwatch.db"), "SQLite database file")
    watchlists: Path = _setting("SAHELWATCH_WATCHLISTS", Path("watchlists"), "directory of watchlist YAML files")
    x_api_url: str = _setting("SAHELWATCH_X_API_URL", "https://api.twitter.com", "X API v2 base URL")
    telegram_api_url: str = _setting(
        "SAHELWATCH_TELEGRAM_API_URL", "https://api.telegram.org", "Telegram Bot API base URL"
    )
    x_bearer_token: str | None = _setting("X_BEARER_TOKEN", None, "X app bearer token", secret=True)
    telegram_bot_token: str | None = _setting("TELEGRAM_BOT_TOKEN", None, "Telegram bot token", secret=True)
    x: str = _setting("SAHELWATCH_X", "auto", "X collector: auto (on when a token is set), on, off")
    telegram: str = _setting(
        "SAHELWATCH_TELEGRAM", "auto", "Telegram delivery: auto (on with a token and channels.yaml), on, off"
    )
    feeds: str = _setting(
        "SAHELWATCH_FEEDS", "auto", "RSS/Atom collector: auto (on when sources.yaml lists feeds), on, off"
    )
    telegram_channels: str = _setting(
        "SAHELWATCH_TELEGRAM_CHANNELS", "auto",
        "public Telegram channel collector: auto (on when sources.yaml lists accounts.telegram), on, off",
    )
    bluesky: str = _setting(
        "SAHELWATCH_BLUESKY", "auto", "Bluesky collector: auto (on when sources.yaml lists accounts.bluesky), on, off"
    )
    mastodon: str = _setting(
        "SAHELWATCH_MASTODON", "auto",
        "Mastodon collector: auto (on when sources.yaml lists accounts or hashtags for mastodon), on, off",
    )
    source_backoff_min: float = _setting(
        "SAHELWATCH_SOURCE_BACKOFF_MIN", 1.0, "seconds before restarting a source that raised (doubles each time)"
    )
    source_backoff_max: float = _setting(
        "SAHELWATCH_SOURCE_BACKOFF_MAX", 300.0, "longest wait between restarts of a failing source, seconds"
    )
    source_alert_after: float = _setting(
        "SAHELWATCH_SOURCE_ALERT_AFTER", 600.0,
        "a source failing this many seconds is reported once to the admin chat (and once when it recovers)",
    )
    new_source_alert_age: float = _setting(
        "SAHELWATCH_NEW_SOURCE_ALERT_AGE", 3600.0,
        "first poll of a newly added feed or channel: items older than this many seconds are stored, not alerted",
    )
    http_timeout: float = _setting(
        "SAHELWATCH_HTTP_TIMEOUT", 20.0, "connect and read timeout of source HTTP requests, seconds"
    )
    http_max_bytes: int = _setting(
        "SAHELWATCH_HTTP_MAX_BYTES", 5_000_000, "largest response body a source reads (decompressed), bytes"
    )
    http_host_interval: float = _setting(
        "SAHELWATCH_HTTP_HOST_INTERVAL", 2.0, "seconds between two requests to the same host (politeness)"
    )
    http_user_agent: str = _setting(
        "SAHELWATCH_HTTP_USER_AGENT", "SahelWatch/0.1 (security news monitor; feed reader)",
        "User-Agent sent by source HTTP requests",
    )
    x_mode: str = _setting("SAHELWATCH_X_MODE", "stream", "X collection: stream, or poll (plans without stream access)")
    x_max_rules: int = _setting("SAHELWATCH_X_MAX_RULES", 1000, "filtered-stream rules the X plan allows")
    x_rule_length: int = _setting("SAHELWATCH_X_RULE_LENGTH", 1024, "characters per stream rule on the X plan")
    x_query_length: int = _setting("SAHELWATCH_X_QUERY_LENGTH", 512, "characters per recent-search query")
    x_poll_seconds: float = _setting("SAHELWATCH_X_POLL_SECONDS", 300.0, "seconds between polls in poll mode")
    x_stall_seconds: float = _setting(
        "SAHELWATCH_X_STALL_SECONDS", 21.0,
        "reconnect an X stream silent this long (X: keep-alive every 20 s, reconnect after 20 s of silence)"
    )
    telegram_pace: float = _setting(
        "SAHELWATCH_TELEGRAM_PACE", 3.0, "seconds between messages to one channel (Telegram allows ~20/min)"
    )
    telegram_private_pace: float = _setting(
        "SAHELWATCH_TELEGRAM_PRIVATE_PACE", 1.0,
        "seconds between messages to one private chat: command replies, personal alerts (Telegram allows ~1/s)",
    )
    webhook_pace: float = _setting(
        "SAHELWATCH_WEBHOOK_PACE", 1.0, "seconds between two POSTs to one webhook of channels.yaml"
    )
    webhook_timeout: float = _setting(
        "SAHELWATCH_WEBHOOK_TIMEOUT", 10.0, "connect and read timeout of a webhook POST, seconds (then retried)"
    )
    commands: str = _setting(
        "SAHELWATCH_COMMANDS", "auto", "Telegram commands (long polling): auto (on with Telegram delivery), on, off"
    )
    commands_per_minute: int = _setting(
        "SAHELWATCH_COMMANDS_PER_MINUTE", 20, "commands one Telegram user may send per minute; more are ignored"
    )
    commands_poll_timeout: int = _setting(
        "SAHELWATCH_COMMANDS_POLL_TIMEOUT", 10, "getUpdates long-poll timeout in seconds"
    )
    search_days: float = _setting("SAHELWATCH_SEARCH_DAYS", 30.0, "/search and /why look this many days back")
    health_seconds: float = _setting(
        "SAHELWATCH_HEALTH_SECONDS", 30.0, "how often health conditions are checked for the admin chat"
    )
    health_outbox: int = _setting(
        "SAHELWATCH_HEALTH_OUTBOX", 200, "tell the admin chat when this many messages wait in the outbox"
    )
    health_disk_percent: float = _setting(
        "SAHELWATCH_HEALTH_DISK_PERCENT", 10.0, "tell the admin chat when the database's disk has less free (%)"
    )
    metrics_port: int = _setting(
        "SAHELWATCH_METRICS_PORT", 0, "Prometheus metrics on this port (0: off)"
    )
    metrics_host: str = _setting(
        "SAHELWATCH_METRICS_HOST", "127.0.0.1", "address the metrics endpoint binds (keep it private)"
    )
    alert_max_url_chars: int = _setting(
        "SAHELWATCH_ALERT_MAX_URL_CHARS", 2048,
        "longer URLs are never linked or sent as media in alerts (hostile posts; Telegram's raw-text cap)"
    )
    watchlist_max_bytes: int = _setting(
        "SAHELWATCH_WATCHLIST_MAX_BYTES", 1_000_000, "largest watchlist file read; larger: an error"
    )
    watchlist_max_term_chars: int = _setting(
        "SAHELWATCH_WATCHLIST_MAX_TERM_CHARS", 200, "longest watchlist term; longer: an error at its line"
    )
    watchlist_max_terms_per_topic: int = _setting(
        "SAHELWATCH_WATCHLIST_MAX_TERMS_PER_TOPIC", 2000, "terms (with require/exclude) one topic may hold"
    )
    watchlist_max_terms: int = _setting(
        "SAHELWATCH_WATCHLIST_MAX_TERMS", 10_000, "terms all watchlists together may hold"
    )
    watchlist_max_nodes: int = _setting(
        "SAHELWATCH_WATCHLIST_MAX_NODES", 200_000, "YAML values one file may expand to (aliases counted each time)"
    )
    log_level: str = _setting("SAHELWATCH_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR")
    log_format: str = _setting("SAHELWATCH_LOG_FORMAT", "auto", "auto (JSON unless a TTY), json or text")
    max_post_chars: int = _setting(
        "SAHELWATCH_MAX_POST_CHARS", 40_000, "characters stored per post; longer texts are cut, end in '…', flagged"
    )
    max_line_bytes: int = _setting(
        "SAHELWATCH_MAX_LINE_BYTES", 8 * 1024 * 1024, "longest JSON line (X stream, JSONL) read; longer: skipped"
    )
    max_json_depth: int = _setting(
        "SAHELWATCH_MAX_JSON_DEPTH", 64, "deepest JSON nesting read; deeper items are skipped"
    )
    max_media: int = _setting("SAHELWATCH_MAX_MEDIA", 20, "media kept per post; the rest are dropped")
    max_url_chars: int = _setting(
        "SAHELWATCH_MAX_URL_CHARS", 2048, "longest URL kept (post link, media); a longer one is dropped"
    )
    batch_size: int = _setting(
        "SAHELWATCH_BATCH_SIZE", 512, "posts stored per transaction at most (a lone post is a batch of one)"
    )
    batch_ms: float = _setting(
        "SAHELWATCH_BATCH_MS", 5.0, "milliseconds the ingest waits for more posts when fewer than a batch are queued"
    )
    queue_size: int = _setting("SAHELWATCH_QUEUE_SIZE", 1000, "posts buffered between sources and pipeline")
    lang_detector: str = _setting(
        "SAHELWATCH_LANG_DETECTOR", "py3langid", "language detector: py3langid (knows Hausa) or langdetect (seeded)"
    )
    languages: tuple = _setting(
        "SAHELWATCH_LANGUAGES", ("en", "fr", "ar", "ha"), "comma-separated language codes to tag; others are und"
    )
    lang_others: tuple = _setting(
        "SAHELWATCH_LANG_OTHERS", ("pt", "es", "sw", "fuv", "yo", "ig", "so", "it", "de", "fa", "ur"),
        "comma-separated languages read in the region but not tagged: a post the detector finds in one is und",
    )
    cache_dir: str = _setting(
        "SAHELWATCH_CACHE_DIR", "", "where py3langid's tables are unpacked once and mapped by every start"
        " (off: no cache; empty: $XDG_CACHE_HOME/sahelwatch or ~/.cache/sahelwatch)",
    )
    lang_min_letters: int = _setting(
        "SAHELWATCH_LANG_MIN_LETTERS", 20, "fewer letters (after URLs, mentions, emoji, numbers) -> und or hint"
    )
    lang_min_confidence: float = _setting(
        "SAHELWATCH_LANG_MIN_CONFIDENCE", 0.5, "lower detector confidence -> und or the platform's hint"
    )
    dedupe_window_days: float = _setting(
        "SAHELWATCH_DEDUPE_WINDOW_DAYS", 7.0, "near-duplicate window: posts further apart are never merged"
    )
    dedupe_threshold: float = _setting(
        "SAHELWATCH_DEDUPE_THRESHOLD", 0.6, "near-duplicate Jaccard similarity (character 5-grams), 0-1"
    )
    dedupe_min_chars: int = _setting(
        "SAHELWATCH_DEDUPE_MIN_CHARS", 20, "shorter normalised texts get only the exact-text check"
    )
    dedupe_index_mb: float = _setting(
        "SAHELWATCH_DEDUPE_INDEX_MB", 32.0,
        "memory for the near-duplicate band index (192 bytes a post in the window; the oldest go first);"
        " the exact-text and first-words indexes take an eighth of it each (12 bytes a post)",
    )
    story_window_hours: float = _setting(
        "SAHELWATCH_STORY_WINDOW_HOURS", 48.0,
        "posts this close in time about the same place, event and numbers are one story (one alert, then edits)",
    )
    heartbeat_seconds: float = _setting(
        "SAHELWATCH_HEARTBEAT_SECONDS", 10.0, "how often the running bot writes its heartbeat (read by `health`)"
    )
    watchdog_seconds: float = _setting(
        "SAHELWATCH_WATCHDOG_SECONDS", 300.0, "exit (code 3) when the event loop is blocked this long; 0: off"
    )
    watchdog_source_seconds: float = _setting(
        "SAHELWATCH_WATCHDOG_SOURCE_SECONDS", 1800.0,
        "exit (code 3) when a source shows no activity (item, keep-alive, poll, error) this long; 0: off",
    )
    # --- Telegram channels, Bluesky, Mastodon collectors ------------------------------------------
    telegram_web_url: str = _setting(
        "SAHELWATCH_TELEGRAM_WEB_URL", "https://t.me", "base URL of Telegram's public channel previews (/s/<channel>)"
    )
    telegram_channels_every: float = _setting(
        "SAHELWATCH_TELEGRAM_CHANNELS_EVERY", 300.0, "seconds between two polls of a channel preview (±10 %)"
    )
    telegram_channels_backfill: int = _setting(
        "SAHELWATCH_TELEGRAM_CHANNELS_BACKFILL", 50, "messages stored from a channel's history on its first poll"
    )
    bluesky_jetstream_url: str = _setting(
        "SAHELWATCH_BLUESKY_JETSTREAM_URL", "wss://jetstream2.us-east.bsky.network/subscribe",
        "Bluesky Jetstream websocket URL",
    )
    bluesky_api_url: str = _setting(
        "SAHELWATCH_BLUESKY_API_URL", "https://public.api.bsky.app",
        "Bluesky AppView base URL (resolves handles to DIDs)",
    )
    bluesky_cdn_url: str = _setting(
        "SAHELWATCH_BLUESKY_CDN_URL", "https://cdn.bsky.app", "Bluesky image CDN used in media URLs"
    )
    bluesky_video_url: str = _setting(
        "SAHELWATCH_BLUESKY_VIDEO_URL", "https://video.bsky.app", "Bluesky video host (thumbnails in media URLs)"
    )
    bluesky_rewind_seconds: float = _setting(
        "SAHELWATCH_BLUESKY_REWIND_SECONDS", 5.0,
        "a Jetstream reconnect resumes this many seconds before the stored cursor (replays dropped by URI)",
    )
    bluesky_check_seconds: float = _setting(
        "SAHELWATCH_BLUESKY_CHECK_SECONDS", 3.0, "how long `sahelwatch sources --check` reads Jetstream"
    )
    mastodon_url: str = _setting(
        "SAHELWATCH_MASTODON_URL", "https://{instance}", "Mastodon API base URL; {instance} is replaced by each one"
    )
    mastodon_every: float = _setting(
        "SAHELWATCH_MASTODON_EVERY", 300.0, "seconds between two polls of a Mastodon instance (±10 %)"
    )
    mastodon_tokens: str | None = _setting(
        "MASTODON_TOKENS", None, "optional Mastodon user tokens: instance=token pairs, comma-separated", secret=True
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values = {f.name: read(f, env) for f in dataclasses.fields(cls) if present(f, env)}
        settings = cls(**values)
        check_secret_files(settings, env)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise :class:`~bot.errors.ConfigError` naming the variable of the first invalid value."""
        validate(self)

    @property
    def x_enabled(self) -> bool:
        return self.x == "on" or (self.x == "auto" and bool(self.x_bearer_token))

    def secrets(self) -> list[str]:
        """Every secret value set, for log redaction."""
        return [v for f in dataclasses.fields(self) if f.metadata["secret"] and (v := getattr(self, f.name))]


def default_watchlists() -> Path:
    """The shipped watchlists: the ``watchlists/`` folder beside the package (a checkout, the image),
    else the copy a plain ``pip install`` puts in the package (``bot/data/watchlists``, in the
    repository a link to ``watchlists/``)."""
    package = Path(__file__).resolve().parent.parent  # bot/
    beside = package.parent / "watchlists"
    return beside if beside.is_dir() else package / "data" / "watchlists"


def watchlists_dir(settings: Settings) -> Path:
    """The admin's directory when it exists, else the shipped defaults (zero-config demo)."""
    return settings.watchlists if settings.watchlists.is_dir() else default_watchlists()


def env_name(field_name: str) -> str:
    return field_env(Settings, field_name)


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: for docs and ``.env.example``."""
    rows = []
    for f in dataclasses.fields(Settings):
        default = "" if f.default is None else str(f.default)
        rows.append((f.metadata["env"], default, f.metadata["help"]))
        if f.metadata["secret"]:
            rows.append((f.metadata["env"] + "_FILE", "", f"file holding {f.metadata['env']}"))
    return rows
