"""What one Telegram message may hold, as one value handed from the settings to the formatter.

Telegram counts text (4,096) and captions (1,024) in code points *after* entity parsing, and
refuses raw text over 32,768 bytes before parsing (the escaped HTML, ``href`` values included).
About 100 entities are honoured per message. Our own caps keep hostile posts inside those:
URLs longer than ``url_chars`` are never linked or sent as media, at most ``media_links``
media are listed as links, and at most ``bold_spans`` matched terms are bold.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.constants import MessageLimit


@dataclass(frozen=True)
class AlertLimits:
    text: int = int(MessageLimit.MAX_TEXT_LENGTH)
    caption: int = int(MessageLimit.CAPTION_LENGTH)
    raw_bytes: int = 1 << 15
    url_chars: int = 2048
    media_links: int = 10
    bold_spans: int = 50


DEFAULT_LIMITS = AlertLimits()
