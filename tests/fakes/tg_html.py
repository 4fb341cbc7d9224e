"""Telegram's HTML ``parse_mode``, re-implemented in Python to behave like TDLib's ``parse_html``.

The Bot API server hands HTML text to TDLib, which walks the UTF-8 bytes once: it decodes the
four named entities (``&lt; &gt; &amp; &quot;``) and numeric ones, accepts a fixed tag list,
and fails on the first problem with a message that names a *byte* offset into the original
text. Entity offsets in the result count UTF-16 code units, like the Bot API's ``MessageEntity``.

``parse_html(text) -> (plain_text, entities)`` raises :class:`HtmlError` carrying TDLib's exact
message (the server prefixes it with ``Bad Request: can't parse entities: ``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.tg_entities import HtmlError, OpenTag, close_entity, sort_entities

SUPPORTED_TAGS = frozenset(
    (
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    )
)
NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
SPACES = b" \t\r\n\x00\x0b"


@dataclass
class _State:
    src: bytes
    out: bytearray = field(default_factory=bytearray)
    utf16: int = 0
    surrogate: bool = False
    stack: list[OpenTag] = field(default_factory=list)
    entities: list[dict[str, object]] = field(default_factory=list)

    def at(self, i: int) -> int:
        return self.src[i] if i < len(self.src) else 0


def _is_alpha(c: int) -> bool:
    return ord("a") <= (c | 0x20) <= ord("z")


def _is_alnum(c: int) -> bool:
    return _is_alpha(c) or ord("0") <= c <= ord("9")


def decode_entity(s: _State, pos: int) -> tuple[int, int]:
    """Decode the character reference at ``pos`` (an ``&``); return (code point or 0, next position)."""
    end, res = pos + 1, 0
    if s.at(pos + 1) == ord("#"):
        end += 1
        hexa = s.at(pos + 2) == ord("x")
        end += hexa
        digits = b"0123456789abcdefABCDEF" if hexa else b"0123456789"
        while s.at(end) and s.at(end) in digits:
            res = res * (16 if hexa else 10) + int(chr(s.at(end)), 16)
            end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(s.at(end)):
            end += 1
        name = NAMED.get(s.src[pos + 1 : end])
        if name is None:
            return 0, pos
        res = ord(name)
    return res, end + 1 if s.at(end) == ord(";") else end


def _append_code(s: _State, code: int) -> None:
    s.utf16 += 1 + (code > 0xFFFF)
    s.surrogate |= 0xD800 <= code <= 0xDFFF
    s.out += chr(code).encode("utf-8", "surrogatepass")


def parse_html(text: str) -> tuple[str, list[dict[str, object]]]:
    """Parse Telegram HTML; return the plain text and Bot API entities (UTF-16 offsets)."""
    s = _State(text.encode("utf-8", "surrogatepass"))
    i = 0
    while i < len(s.src):
        c = s.src[i]
        if c == ord("&"):
            code, nxt = decode_entity(s, i)
            if code:
                _append_code(s, code)
                i = nxt
                continue
        if c != ord("<"):
            if c & 0xC0 != 0x80:
                s.utf16 += 1 + (c >= 0xF0)
            s.out.append(c)
            i += 1
            continue
        i = _end_tag(s, i) if s.at(i + 1) == ord("/") else _start_tag(s, i)
        i += 1
    if s.stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{s.stack[-1].tag}"')
    try:
        plain = s.out.decode("utf-8")
    except UnicodeDecodeError:
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    return plain, sort_entities(s.entities)


def _start_tag(s: _State, begin: int) -> int:
    i = begin + 1
    while s.at(i) not in SPACES and s.at(i) != ord(">"):
        i += 1
    if s.at(i) == 0:
        raise HtmlError(f"Unclosed start tag at byte offset {begin}")
    tag = s.src[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in SUPPORTED_TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    entry = OpenTag(tag, "", s.utf16, len(s.out))
    while s.at(i) != ord(">"):
        i = _attribute(s, i, begin, entry)
    if tag == "span" and entry.argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    s.stack.append(entry)
    return i


def _skip_spaces(s: _State, i: int) -> int:
    while s.at(i) != 0 and s.at(i) in SPACES:
        i += 1
    return i


def _attribute(s: _State, i: int, begin: int, entry: OpenTag) -> int:
    """Read one ``name[=value]`` attribute of a start tag; return the position after it."""
    i = _skip_spaces(s, i)
    if s.at(i) == ord(">"):
        return i
    name_begin = i
    while s.at(i) not in SPACES and s.at(i) not in b"=>/\"'":
        i += 1
    name = s.src[name_begin:i]
    if not name:
        raise HtmlError(f'Empty attribute name in the tag "{entry.tag}" at byte offset {begin}')
    i = _skip_spaces(s, i)
    if s.at(i) != ord("="):
        if s.at(i) == 0:
            raise HtmlError(f'Unclosed start tag "{entry.tag}" at byte offset {begin}')
        if entry.tag == "blockquote" and name == b"expandable":
            entry.argument = "1"
        return i
    i = _skip_spaces(s, i + 1)
    if s.at(i) == 0:
        raise HtmlError(f'Unclosed start tag "{entry.tag}" at byte offset {begin}')
    value, i = _attribute_value(s, i)
    if s.at(i) == 0:
        raise HtmlError(f"Unclosed start tag at byte offset {begin}")
    _apply_attribute(entry, name, value)
    return i


def _attribute_value(s: _State, i: int) -> tuple[str, int]:
    quote = s.at(i)
    if quote not in b"\"'":
        token_begin = i
        while _is_alnum(s.at(i)) or s.at(i) in b".-":
            i += 1
        if s.at(i) not in SPACES and s.at(i) != ord(">"):
            raise HtmlError(f"Unexpected end of name token at byte offset {token_begin}")
        return s.src[token_begin:i].decode().lower(), i
    i += 1
    value = bytearray()
    while s.at(i) != quote and s.at(i) != 0:
        if s.at(i) == ord("&"):
            code, nxt = decode_entity(s, i)
            if code:
                value += chr(code).encode("utf-8", "surrogatepass")
                i = nxt
                continue
        value.append(s.at(i))
        i += 1
    i += s.at(i) == quote
    return value.decode("utf-8", "replace"), i


def _apply_attribute(entry: OpenTag, name: bytes, value: str) -> None:
    tag = entry.tag
    if (tag, name) in {("a", b"href"), ("tg-emoji", b"emoji-id"), ("tg-time", b"format")}:
        entry.argument = value
    elif tag == "code" and name == b"class" and value.startswith("language-"):
        entry.argument = value[len("language-") :]
    elif tag == "span" and name == b"class" and value.startswith("tg-"):
        entry.argument = value[3:]
    elif tag == "blockquote" and name == b"expandable":
        entry.argument = "1"
    elif tag == "tg-time" and name == b"unix":
        entry.unix = int(value) if value.lstrip("-").isdigit() else 0


def _end_tag(s: _State, begin: int) -> int:
    if not s.stack:
        raise HtmlError(f"Unexpected end tag at byte offset {begin}")
    i = begin + 1
    while s.at(i) not in SPACES and s.at(i) != ord(">"):
        i += 1
    name = s.src[begin + 2 : i].decode("utf-8", "replace").lower()
    i = _skip_spaces(s, i)
    if s.at(i) != ord(">"):
        raise HtmlError(f"Unclosed end tag at byte offset {begin}")
    top = s.stack[-1]
    if name and name != top.tag:
        raise HtmlError(
            f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", found "</{name}>"'
        )
    if s.utf16 > top.utf16_offset:
        inner = s.out[top.result_pos :].decode("utf-8", "replace")
        close_entity(s.entities, top, s.utf16 - top.utf16_offset, inner)
    s.stack.pop()
    return i
