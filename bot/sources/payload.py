"""Guards every source puts between the outside world and a :class:`~bot.models.Post`.

Hostile input (a malformed or malicious line from X, a JSONL file, a feed) must be skipped with
one clear reason, never raise out of a source. The pieces, in the order a line meets them:

- :func:`iter_lines`: split a binary stream into numbered lines, each decoded on its own, so
  invalid UTF-8 only affects its own line (bytes are replaced by U+FFFD), and a line longer
  than ``max_line_bytes`` is skipped without being read into memory.
- :func:`loads`: ``json.loads`` behind cheap checks made BEFORE parsing: size, nesting depth
  (a 100,000-deep array would raise ``RecursionError``), integer digits (Python refuses to
  convert more than 4,300 digits and a 10**30 width is absurd anyway), no NaN/Infinity.
- :func:`clean_text`: lone surrogates (``"\\ud800"`` is valid JSON, but SQLite refuses it)
  become U+FFFD.
- Typed fields for pydantic models (:data:`Text`, :data:`Short`, :data:`Url`, :data:`Count`,
  :data:`Dimension`, :data:`Timestamp`) and :func:`validate`, which turns a
  ``ValidationError`` into :class:`PayloadError` with the failing fields' paths.
- :func:`bounded`: a post's text cut to ``max_post_chars`` with a visible "…".

Every source reads these limits from one :class:`PayloadLimits` (built from the settings).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError
from pydantic import ValidationInfo as Info

M = TypeVar("M", bound=BaseModel)
MAX_INT_DIGITS = 20
"""Longest integer literal accepted in a payload (X ids as JSON numbers reach 19 digits)."""
ELLIPSIS = "…"


class PayloadError(ValueError):
    """An item that is not what its source promises (bad JSON, wrong types, absurd values)."""


@dataclass(frozen=True)
class PayloadLimits:
    """Size limits applied to everything a source reads (``SAHELWATCH_MAX_*`` settings)."""

    max_line_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_post_chars: int = 40_000
    max_media: int = 20
    max_url_chars: int = 2048

    @classmethod
    def from_settings(cls, settings: Any) -> PayloadLimits:
        return cls(
            max_line_bytes=settings.max_line_bytes, max_depth=settings.max_json_depth,
            max_post_chars=settings.max_post_chars, max_media=settings.max_media,
            max_url_chars=settings.max_url_chars,
        )


DEFAULT_LIMITS = PayloadLimits()


# --- lines and JSON ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RawLine:
    """One numbered line of a binary stream; ``text`` is None when the line was too long."""

    number: int
    text: str | None
    size: int


def iter_lines(stream: IO[bytes], max_bytes: int, start_after: int = 0) -> Iterator[RawLine]:
    """Numbered lines of ``stream``, each decoded alone (invalid UTF-8 → U+FFFD).

    A line over ``max_bytes`` is read in bounded chunks and discarded (``text=None``).
    """
    number = 0
    while chunk := stream.readline(max_bytes + 1):
        number += 1
        size = len(chunk)
        while len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            chunk = stream.readline(max_bytes + 1)
            size += len(chunk)
            if not chunk:
                break
        if number <= start_after:
            continue
        yield RawLine(number, None if size > max_bytes else chunk.decode("utf-8", "replace"), size)


_BRACKETS = re.compile(r"[\[\]{}]")
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def nesting_depth(text: str, limit: int) -> int:
    """The JSON nesting depth of ``text`` (brackets inside strings ignored), up to ``limit + 1``."""
    if text.count("[") + text.count("{") <= limit:
        return 0  # cannot be deeper than the number of openers
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def _int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise PayloadError(f"integer with {len(literal.lstrip('-'))} digits")
    return int(literal)


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise PayloadError(f"number out of range: {literal[:30]}")
    return value


def _constant(name: str) -> float:
    raise PayloadError(f"{name} is not JSON")


def loads(raw: bytes | str, limits: PayloadLimits = DEFAULT_LIMITS, max_bytes: int | None = None) -> Any:
    """Parse one JSON document, or raise :class:`PayloadError` saying why not. Never anything else."""
    max_bytes = max_bytes or limits.max_line_bytes
    if len(raw) > max_bytes:
        raise PayloadError(f"too long: {len(raw)} bytes (limit {max_bytes})")
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if nesting_depth(text, limits.max_depth) > limits.max_depth:
        raise PayloadError(f"JSON nested deeper than {limits.max_depth} levels")
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except PayloadError:
        raise
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"not JSON: {str(exc)[:200]}") from None


def dumps(obj: object) -> str:
    """Compact JSON for the ``raw`` column, with lone surrogates replaced (SQLite refuses them)."""
    return clean_text(json.dumps(obj, ensure_ascii=False, sort_keys=True))


# --- text ------------------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD (valid pairs were joined by the parser)."""
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


def bounded(text: str, limits: PayloadLimits = DEFAULT_LIMITS) -> tuple[str, bool]:
    """``text`` cut to ``max_post_chars`` (ending in "…") and whether it was cut."""
    if len(text) <= limits.max_post_chars:
        return text, False
    return text[: limits.max_post_chars - 1] + ELLIPSIS, True


def cut_strings(obj: Any, limit: int) -> Any:
    """``obj`` with every string longer than ``limit`` cut (for the stored raw copy)."""
    if isinstance(obj, str):
        return obj if len(obj) <= limit else obj[: limit - 1] + ELLIPSIS
    if isinstance(obj, dict):
        return {k: cut_strings(v, limit) for k, v in obj.items()}
    if isinstance(obj, list):
        return [cut_strings(v, limit) for v in obj]
    return obj


def raw_copy(obj: object, limits: PayloadLimits, big: bool) -> str:
    """The payload as stored in ``raw``; when ``big`` (a long line, a cut text) its strings are cut too."""
    return dumps(cut_strings(obj, limits.max_post_chars) if big else obj)


# --- typed fields for pydantic models --------------------------------------------------------
def limits_of(info: Info) -> PayloadLimits:
    context = info.context or {}
    return context.get("limits", DEFAULT_LIMITS)


def _url(value: str | None, info: Info) -> str | None:  # after validation: value is a str
    """Over-long URLs are dropped (None), not refused: the rest of the item stays."""
    if value is None or len(value) > limits_of(info).max_url_chars:
        return None
    return value


def parse_timestamp(value: object) -> datetime:
    """An ISO 8601 string as an aware UTC datetime (naive means UTC); ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("must be an ISO 8601 timestamp string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clean(value: object) -> object:
    """Before validation: pydantic-core cannot even read a str holding a lone surrogate."""
    return clean_text(value) if isinstance(value, str) else value


Text = Annotated[str, Strict(), BeforeValidator(_clean)]
"""A string of any length (bounded later by :func:`bounded`), lone surrogates replaced."""
Short = Annotated[str, Strict(), Field(max_length=1000), BeforeValidator(_clean)]
"""Names, handles, codes, alt texts: a string of at most 1,000 characters."""
Url = Annotated[str | None, Strict(), BeforeValidator(_clean), AfterValidator(_url)]
Count = Annotated[int, Strict(), Field(ge=0, le=2**53)]
Dimension = Annotated[int, Strict(), Field(ge=0, le=1_000_000)]
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]


class Payload(BaseModel):
    """Base of payload models: unknown keys ignored, frozen."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def describe(exc: ValidationError) -> str:
    """The failing fields of a ValidationError, by path, without their (possibly huge) values."""
    parts = [f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in exc.errors()[:3]]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def validate(model: type[M], obj: object, limits: PayloadLimits = DEFAULT_LIMITS, what: str = "") -> M:
    """``model`` validated from ``obj``, or :class:`PayloadError` naming the failing fields."""
    try:
        return model.model_validate(obj, context={"limits": limits})
    except ValidationError as exc:
        raise PayloadError(f"{what}{': ' if what else ''}{describe(exc)}") from None
