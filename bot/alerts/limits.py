"""What one Telegram message may hold, as one value handed from the settings to the formatter.

Telegram counts text (4,096) and captions (1,024) in code points *after* entity parsing, and
refuses raw text over 32,768 bytes before parsing (the escaped HTML, ``href`` values included).
About 100 entities are honoured per message. Our own caps keep hostile posts inside those:
URLs longer than ``url_chars`` are never linked or sent as media, at most ``media_links``
media are listed as links, and at most ``bold_spans`` matched terms are bold.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT_LIMIT = 4096
"""Characters of a message's text after entity parsing (https://core.telegram.org/bots/api#sendmessage)."""
CAPTION_LIMIT = 1024
"""Characters of a media caption after entity parsing (https://core.telegram.org/bots/api#sendphoto)."""
ALBUM_MAX = 10
"""Media in one album (https://core.telegram.org/bots/api#sendmediagroup).

The three are PTB's ``MessageLimit.MAX_TEXT_LENGTH``, ``MessageLimit.CAPTION_LENGTH`` and
``MediaGroupLimit.MAX_MEDIA_LENGTH`` (a test keeps them equal), written out: importing
``telegram.constants`` imports all of PTB (~0.2 s), which ``check``, ``analyze`` and
``rematch`` never use."""


@dataclass(frozen=True)
class AlertLimits:
    text: int = TEXT_LIMIT
    caption: int = CAPTION_LIMIT
    raw_bytes: int = 1 << 15
    url_chars: int = 2048
    media_links: int = 10
    bold_spans: int = 50


DEFAULT_LIMITS = AlertLimits()
