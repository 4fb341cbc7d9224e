"""Small request/response records and parameter helpers shared by the fake's endpoints."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.x_problems import InvalidRequest

JSON = dict[str, Any]


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    params: dict[str, str]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    body: JSON


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the fake saw it (the bearer token is not kept)."""

    method: str
    path: str
    params: dict[str, str]
    body: bytes
    status: int
    at: float


def int_param(params: dict[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidRequest(
            name, raw, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}"
        )
    return int(raw)


def id_param(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise InvalidRequest(name, raw, f"The `{name}` query parameter value [{raw}] is not a valid id")
    return int(raw)


def encode_token(kind: str, value: str) -> str:
    return base64.b32encode(f"{kind}:{value}".encode()).decode().rstrip("=").lower()


def decode_token(params: dict[str, str], name: str) -> tuple[str, str] | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        padded = raw.upper() + "=" * (-len(raw) % 8)
        kind, _, value = base64.b32decode(padded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        kind, value = "", ""
    if not value:
        raise InvalidRequest(name, raw, f"The `{name}` query parameter value [{raw}] is not a valid token")
    return kind, value
