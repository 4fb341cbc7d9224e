"""Reading and checking the environment for :class:`bot.config.Settings`: a value's type from
its default, secrets from ``VAR`` or ``VAR_FILE``, and the checks that turn an invalid value into
one :class:`~bot.errors.ConfigError` line naming its variable."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.config import Settings

SWITCHES = ("auto", "on", "off")
SOURCE_SWITCHES = ("x", "feeds", "telegram_channels", "bluesky", "mastodon")
"""Settings fields that switch a collector: ``auto`` (on when it has something to watch), on, off."""
LANG_DETECTORS = ("py3langid", "langdetect")
"""The names :data:`bot.pipeline.langid.DETECTORS` builds (tests/test_language.py checks they agree)."""


def field_env(of: Settings | type[Settings], field_name: str) -> str:
    """The variable of the field ``field_name`` of the settings (an instance or the class)."""
    return next(f.metadata["env"] for f in dataclasses.fields(of) if f.name == field_name)


def validate(settings: Settings) -> None:
    """Raise :class:`ConfigError` naming the variable of the first invalid value of ``settings``."""
    for name in (*SOURCE_SWITCHES, "telegram", "commands"):
        if getattr(settings, name) not in SWITCHES:
            raise ConfigError(f"{field_env(settings, name)} must be one of {', '.join(SWITCHES)}")
    if settings.x_mode not in ("stream", "poll"):
        raise ConfigError("SAHELWATCH_X_MODE must be stream or poll")
    for name in ("alert_max_url_chars", "watchlist_max_bytes", "watchlist_max_term_chars",
                 "watchlist_max_terms_per_topic", "watchlist_max_terms", "watchlist_max_nodes"):
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{field_env(settings, name)} must be greater than 0")
    if not settings.heartbeat_seconds > 0:
        raise ConfigError("SAHELWATCH_HEARTBEAT_SECONDS must be greater than 0")
    for name in ("watchdog_seconds", "watchdog_source_seconds", "new_source_alert_age"):
        if not getattr(settings, name) >= 0:
            raise ConfigError(f"{field_env(settings, name)} must be 0 (off) or a number of seconds")
    if not 0 <= settings.metrics_port <= 65535:
        raise ConfigError("SAHELWATCH_METRICS_PORT must be 0 (off) or a TCP port")
    if settings.commands_per_minute < 1:
        raise ConfigError("SAHELWATCH_COMMANDS_PER_MINUTE must be at least 1")
    _validate_sources(settings)
    _validate_pipeline(settings)
    _validate_urls(settings)
    if not settings.batch_ms >= 0:
        raise ConfigError("SAHELWATCH_BATCH_MS must be 0 or more")
    for name in ("max_post_chars", "max_line_bytes", "max_json_depth", "max_media", "max_url_chars",
                 "batch_size"):
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{field_env(settings, name)} must be greater than 0")
    if settings.x == "on" and not settings.x_bearer_token:
        raise ConfigError("SAHELWATCH_X=on but X_BEARER_TOKEN (or X_BEARER_TOKEN_FILE) is not set")
    if settings.telegram == "on" and not settings.telegram_bot_token:
        raise ConfigError(
            "SAHELWATCH_TELEGRAM=on but TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKEN_FILE) is not set"
        )

def _validate_sources(settings: Settings) -> None:
    if not 0 < settings.source_backoff_min <= settings.source_backoff_max:
        raise ConfigError("SAHELWATCH_SOURCE_BACKOFF_MIN must be > 0 and at most SAHELWATCH_SOURCE_BACKOFF_MAX")
    for name in ("source_alert_after", "http_timeout", "http_max_bytes"):
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{field_env(settings, name)} must be greater than 0")
    if not settings.http_host_interval >= 0:
        raise ConfigError("SAHELWATCH_HTTP_HOST_INTERVAL must be 0 or a number of seconds")
    _validate_collectors(settings)

def _validate_collectors(settings: Settings) -> None:
    for name in ("telegram_channels_every", "mastodon_every", "telegram_channels_backfill"):
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{field_env(settings, name)} must be greater than 0")
    if not settings.bluesky_rewind_seconds >= 0:
        raise ConfigError("SAHELWATCH_BLUESKY_REWIND_SECONDS must be 0 or a number of seconds")

def _validate_pipeline(settings: Settings) -> None:
    if settings.lang_detector not in LANG_DETECTORS:
        raise ConfigError(f"SAHELWATCH_LANG_DETECTOR must be one of {', '.join(LANG_DETECTORS)}")
    if not settings.languages:
        raise ConfigError("SAHELWATCH_LANGUAGES must name at least one language code")
    if not 0 < settings.dedupe_threshold <= 1:
        raise ConfigError("SAHELWATCH_DEDUPE_THRESHOLD must be greater than 0 and at most 1")
    if not settings.dedupe_window_days > 0:
        raise ConfigError("SAHELWATCH_DEDUPE_WINDOW_DAYS must be greater than 0")
    if not settings.dedupe_index_mb > 0:
        raise ConfigError("SAHELWATCH_DEDUPE_INDEX_MB must be greater than 0")

def _validate_urls(settings: Settings) -> None:
    """Every ``*_URL`` setting: the scheme family of its default (http(s), or ws(s)) and a host."""
    for f in dataclasses.fields(settings):
        if not f.metadata["env"].endswith("_URL") or not isinstance(value := getattr(settings, f.name), str):
            continue
        allowed = ("ws", "wss") if urlsplit(str(f.default)).scheme in ("ws", "wss") else ("http", "https")
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:  # e.g. an unclosed IPv6 bracket
            host = None
        if not host or parts.scheme not in allowed:
            raise ConfigError(f"{f.metadata['env']}={value[:200]!r}: expected a {' or '.join(allowed)} URL "
                              "with a host")


def present(f: dataclasses.Field, env: Mapping[str, str]) -> bool:
    name = f.metadata["env"]
    return bool(env.get(name)) or (f.metadata["secret"] and bool(env.get(name + "_FILE")))


def read(f: dataclasses.Field, env: Mapping[str, str]) -> Any:
    name = f.metadata["env"]
    if f.metadata["secret"] and env.get(name + "_FILE"):
        return _read_secret_file(name + "_FILE", env[name + "_FILE"])
    raw = env[name].strip()
    kind = type(f.default) if f.default is not None else str
    try:
        if kind is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc


SECRET_SWITCHES = {"x_bearer_token": "x", "telegram_bot_token": "telegram"}


def check_secret_files(settings: Settings, env: Mapping[str, str]) -> None:
    """A component switched ``on`` whose secret file is empty: name the file (not "not set")."""
    for secret, switch in SECRET_SWITCHES.items():
        file_var = field_env(settings, secret) + "_FILE"
        if getattr(settings, switch) == "on" and not getattr(settings, secret) and env.get(file_var):
            raise ConfigError(f"{field_env(settings, switch)}=on but {file_var} names an empty file: {env[file_var]}")


def _read_secret_file(var: str, path: str) -> str | None:
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{var} names a file that cannot be read ({exc.strerror})") from exc
    return value or None  # an empty secret file means "not configured" (compose always mounts it)
