"""Request parameters checked against the Bot API 10.0 spec (``spec/telegram-bot-api-spec.json``).

Each method's ``fields`` give names, ``required`` flags and types. Form values arrive as strings;
the spec's types say which to JSON-decode. Unknown parameters are returned separately so the fake
records them instead of refusing them (newer PTB releases add fields).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.fakes.tg_errors import bad_request

SPEC_PATH = Path(__file__).with_name("spec") / "telegram-bot-api-spec.json"
# Where telegram-bot-api words a missing parameter its own way (Client.cpp); others get the generic text.
MISSING_MESSAGES = {
    "chat_id": "chat_id is empty",
    "sendMessage.text": "message text is empty",
    "editMessageText.text": "message text is empty",
    "sendPhoto.photo": "there is no photo in the request",
    "sendVideo.video": "there is no video in the request",
}
PLAIN = {"String", "InputFile"}


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@cache
def canonical_method(name: str) -> str | None:
    """Method names are case-insensitive: ``SENDMESSAGE`` → ``sendMessage``; unknown → None."""
    by_lower = {m.lower(): m for m in spec()["methods"]}
    return by_lower.get(name.lower())


def fields(method: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in spec()["methods"][method].get("fields", [])}


def type_fields(type_name: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in spec()["types"][type_name].get("fields", [])}


def decode(method: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Decode values by spec type; return (params, names the spec does not know for ``method``)."""
    known = fields(method)
    params: dict[str, Any] = {}
    unknown: list[str] = []
    for name, value in raw.items():
        if name not in known:
            unknown.append(name)
            params[name] = value
            continue
        params[name] = _decode_value(name, known[name]["types"], value)
    return params, unknown


def _decode_value(name: str, types: list[str], value: Any) -> Any:
    if not isinstance(value, str) or set(types) <= PLAIN:
        return value
    if "Integer" in types and value.lstrip("-").isdigit():
        return int(value)
    if types == ["Boolean"]:
        return value.strip().lower() in ("true", "1")
    if types in (["Integer"], ["Float"], ["Float number"]):
        try:
            return float(value) if "Float" in types[0] else int(value)
        except ValueError:
            return 0
    if set(types) <= PLAIN | {"Integer"}:
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise bad_request(f"can't parse {name} JSON object") from None


def check_required(method: str, params: dict[str, Any]) -> None:
    """Raise the server's 400 for the first missing required parameter (``chat_id`` checked last)."""
    required = [n for n, f in fields(method).items() if f["required"]]
    for name in sorted(required, key=lambda n: n == "chat_id"):
        if params.get(name) in (None, ""):
            text = MISSING_MESSAGES.get(f"{method}.{name}") or MISSING_MESSAGES.get(name)
            raise bad_request(text or f'parameter "{name}" is required')
