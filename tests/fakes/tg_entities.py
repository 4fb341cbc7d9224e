"""Bot API ``MessageEntity`` objects built as TDLib closes each HTML tag, and their sort order."""

from __future__ import annotations

from dataclasses import dataclass

# fmt: off
SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# TDLib's MessageEntity::get_type_priority: the last sort key after offset and (longest first) length.
PRIORITY = {
    "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93, "spoiler": 94, "code": 20, "pre": 11,
    "text_link": 49, "custom_emoji": 99, "blockquote": 0, "expandable_blockquote": 0, "date_time": 50,
}
# fmt: on

Entity = dict[str, object]


class HtmlError(ValueError):
    """A parse failure; ``str()`` is TDLib's message, e.g. ``Unclosed start tag at byte offset 3``."""


@dataclass
class OpenTag:
    """A start tag waiting for its end tag: where its text began (UTF-16 units and output bytes)."""

    tag: str
    argument: str
    utf16_offset: int
    result_pos: int
    unix: int = 0


def close_entity(entities: list[Entity], top: OpenTag, length: int, inner_text: str) -> None:
    """Append (or merge into the last) the entity for ``top``, now closed after ``length`` units."""
    base: Entity = {"offset": top.utf16_offset, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and (last["offset"], last["length"]) == (top.utf16_offset, length)
    if top.tag in SIMPLE_TYPES:
        entities.append({"type": SIMPLE_TYPES[top.tag], **base})
    elif top.tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise HtmlError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": top.argument})
    elif top.tag == "tg-time":
        if top.unix > 0:
            entities.append({"type": "date_time", **base, "unix_time": top.unix})
    elif top.tag == "a":
        url = checked_link(top.argument or inner_text)
        if url:
            entities.append({"type": "text_link", **base, "url": url})
    elif top.tag == "pre" and same_span and last and last["type"] == "code" and last.get("language"):
        last["type"] = "pre"
    elif top.tag == "code" and same_span and last and last["type"] == "pre" and top.argument:
        last["language"] = top.argument
    elif top.tag in ("pre", "code"):
        extra = {"language": top.argument} if top.tag == "code" and top.argument else {}
        entities.append({"type": top.tag, **base, **extra})
    else:  # blockquote
        entities.append({"type": "expandable_blockquote" if top.argument else "blockquote", **base})


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """TDLib's order; a ``code`` entity keeps a language only when it became ``pre``."""
    for e in entities:
        if e["type"] == "code":
            e.pop("language", None)
    return sorted(entities, key=lambda e: (e["offset"], -int(str(e["length"])), PRIORITY[str(e["type"])]))


def checked_link(link: str) -> str:
    """Approximate TDLib's ``get_checked_link``: http(s) with a dotted host, or tg://; else ``""``."""
    scheme, sep, rest = link.partition("://")
    if not sep:
        scheme, rest = "http", link
    scheme = scheme.lower()
    if scheme == "tg":
        return f"tg://{rest}" if rest else ""
    host, _, path = rest.partition("/")
    if scheme not in ("http", "https") or "." not in host.split("@")[-1] or any(c in host for c in ' <>"'):
        return ""
    return f"{scheme}://{host.lower()}/{path}"
