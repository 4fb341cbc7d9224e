"""From a request's ``text``/``caption`` to what a reader sees, with the Bot API's errors.

Order as in telegram-bot-api + TDLib: raw size (32,768 bytes) → ``parse_mode`` (HTML here) →
input cleaning (control characters become spaces, ``\\r`` and U+2028–U+202E dropped) → trim of
spaces/newlines → emptiness → length in code points (4096 text, 1024 caption).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.fakes.tg_entities import HtmlError
from tests.fakes.tg_errors import ApiError, bad_request
from tests.fakes.tg_html import parse_html

MAX_RAW_BYTES = 1 << 15
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_DROPPED = {"\r", "\u0333", "\u033f", "\u030a", *map(chr, range(0x2028, 0x202F))}
_CONTROL = {chr(c) for c in range(33) if c not in (10, 13)}
_EMPTY_LOOKING = {
    " ",
    "\n",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202e",
    "\ufeff",
    "\u00a0",
    "\u1680",
    "\u180e",
    "\u202f",
    "\u205f",
    "\u2800",
    "\u3000",
    "\ufffc",
    *map(chr, range(0x2000, 0x200B)),
}


@dataclass(frozen=True)
class Formatted:
    """Parsed text: what the chat shows, and the entities over it (UTF-16 offsets)."""

    text: str
    entities: tuple[dict[str, object], ...] = ()


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def format_text(raw: str, parse_mode: object, entities: object, *, caption: bool) -> Formatted:
    """Turn request text into a :class:`Formatted`, raising :class:`ApiError` like the real server."""
    if not caption and raw == "":
        raise bad_request("message text is empty")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_RAW_BYTES:
        raise bad_request("text is too long")
    plain, ents = _parse(raw, str(parse_mode or "").lower(), entities)
    result = _trim(*_clean(plain, ents))
    if _looks_empty(result.text):
        if not caption:
            raise bad_request("text must be non-empty")
        result = Formatted("")
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    if len(result.text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return result


def _parse(raw: str, mode: str, entities: object) -> tuple[str, list[dict[str, object]]]:
    if raw and mode not in ("", "none"):
        if mode in ("markdown", "markdownv2"):
            raise ApiError(501, "Not Implemented: the fake Bot API parses only HTML")
        if mode != "html":
            raise bad_request("unsupported parse_mode")
        try:
            return parse_html(raw)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if isinstance(entities, str):
        entities = json.loads(entities)
    return raw, [dict(e) for e in entities or []]


def _clean(text: str, entities: list[dict[str, object]]) -> tuple[str, list[dict[str, object]]]:
    """TDLib's ``clean_input_string``: keep entity offsets pointing at the same characters."""
    out: list[str] = []
    new_at = [0]  # new UTF-16 offset for each old UTF-16 offset
    pos = 0
    for orig in text:
        ch = " " if orig in _CONTROL else "" if orig in _DROPPED else orig
        out.append(ch)
        pos += utf16_len(ch)
        new_at.extend([pos] * utf16_len(orig))
    cleaned = _fold_direction_marks("".join(out))
    moved = []
    for e in entities:
        start, end = int(e["offset"]), int(e["offset"]) + int(e["length"])
        start, end = new_at[min(start, len(new_at) - 1)], new_at[min(end, len(new_at) - 1)]
        if end > start:
            moved.append({**e, "offset": start, "length": end - start})
    return cleaned, moved


def _fold_direction_marks(s: str) -> str:
    """Runs of LRM/RLM keep only the last; the others become ZWNJ (``replace_offending_characters``)."""
    chars = list(s)
    for i in range(len(chars) - 1):
        if chars[i] in "\u200e\u200f" and chars[i + 1] in "\u200e\u200f":
            chars[i] = "\u200c"
    return "".join(chars)


def _trim(text: str, entities: list[dict[str, object]]) -> Formatted:
    """Right-trim spaces/newlines (cutting entities), then left-trim up to the first entity."""
    body = text.rstrip(" \n")
    end16 = utf16_len(body)
    kept = []
    for e in entities:
        start, length = int(e["offset"]), int(e["length"])
        if start < end16:
            kept.append({**e, "length": min(length, end16 - start)})
    first = min((int(e["offset"]) for e in kept), default=utf16_len(body))
    lead = len(body) - len(body.lstrip(" \n"))
    lead = min(lead, first)
    shifted = tuple({**e, "offset": int(e["offset"]) - lead} for e in kept)
    return Formatted(body[lead:], shifted)


def _looks_empty(text: str) -> bool:
    return all(ch in _EMPTY_LOOKING or "\U000e0000" <= ch <= "\U000e01ff" for ch in text)


def plain_slice(text: str, offset: int, length: int) -> str:
    """The substring of ``text`` covered by a UTF-16 ``(offset, length)`` span."""
    units = text.encode("utf-16-le")
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le")
