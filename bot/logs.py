"""Logging: one event per line, JSON when not a TTY, ``key=value`` fields, never a secret.

Use ``log.info("event name", extra={"field": value})``. Third-party loggers that would leak
secrets are held above the level where they do: httpx logs Bot API URLs (which contain the
bot token) at INFO; tweepy logs request headers (the bearer token) at DEBUG.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "tweepy": logging.INFO,
         "telegram": logging.INFO, "apscheduler": logging.WARNING, "urllib3": logging.INFO,
         "requests_oauthlib": logging.INFO, "oauthlib": logging.INFO, "aiohttp": logging.INFO}


def fields(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "event": record.getMessage(),
            **fields(record),
        }
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        extra = " ".join(f"{k}={v}" for k, v in fields(record).items())
        line = f"{time} {record.levelname.lower():7} {record.getMessage()} {extra}".rstrip()
        return line + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")


class Redactor(logging.Filter):
    """Replaces any known secret in a record's message and fields with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = self._scrub(record.getMessage())
            record.args = None
            for key, value in fields(record).items():
                if isinstance(value, str):
                    setattr(record, key, self._scrub(value))
        return True

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def setup(level: str = "INFO", fmt: str = "auto", secrets: Iterable[str] = ()) -> None:
    """Configure the root logger on stderr (stdout is for command output)."""
    handler = logging.StreamHandler(sys.stderr)
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
