"""The fake Bot API's state and dispatch: one call in (method + raw parameters), one answer out.

``BotApi.call`` checks the method against the spec, decodes and validates parameters, applies
any scripted fault, runs the handler under one lock and logs the call. HTTP lives in tg_server.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import tg_send, tg_spec
from tests.fakes.tg_chats import ChatRegistry
from tests.fakes.tg_errors import ApiError, bad_request
from tests.fakes.tg_flood import Clock, FaultScript, FloodControl, FloodLimits
from tests.fakes.tg_media import MediaStore
from tests.fakes.tg_updates import UpdateQueue

Handler = Callable[["BotApi", dict[str, Any], dict[str, bytes]], Any]
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
          "chat_administrators", "chat_member"}
WEBHOOK_ACTIVE = ApiError(
    409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)


@dataclass
class Call:
    """One request as the fake saw it, and how it answered (``status`` 0 = connection dropped)."""

    method: str
    params: dict[str, Any]
    unknown: list[str]
    status: int = 200
    description: str = ""
    received_at: float = field(default_factory=time.perf_counter)  # for bench/ latency figures


@dataclass
class Outcome:
    status: int
    body: dict[str, Any] | None  # None: drop the connection without an answer
    call: Call = field(repr=False, default_factory=lambda: Call("", {}, []))


class BotApi:
    def __init__(self, clock: Clock | None = None, limits: FloodLimits | None = None) -> None:
        self.lock = threading.Condition(threading.RLock())
        self.chats = ChatRegistry()
        self.media = MediaStore()
        self.flood = FloodControl(clock, limits) if clock else FloodControl(limits=limits)
        self.faults = FaultScript()
        self.updates = UpdateQueue(self.lock)
        self.me: dict[str, Any] = {
            "id": 7000000001,
            "is_bot": True,
            "first_name": "SahelWatch Test",
            "username": "sahelwatch_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.commands: list[dict[str, str]] = []  # the default scope's menu
        self.commands_by_scope: dict[str, list[dict[str, str]]] = {}  # scope as JSON -> menu
        self.users: dict[int, Any] = {}  # tg_users.User by id: who can write to the bot
        self.webhook = ""
        self.calls: list[Call] = []

    def call(self, method: str, raw: dict[str, Any], uploads: dict[str, bytes]) -> Outcome:
        name = tg_spec.canonical_method(method)
        call = Call(name or method, dict(raw), [])
        if name not in HANDLERS:
            error = (
                ApiError(501, f"Not Implemented: the fake Bot API has no {name}")
                if name
                else ApiError(404, "Not Found: method not found")
            )
            return self._answer(call, error)
        try:
            params, call.unknown = tg_spec.decode(name, raw)
            call.params = params
            if name == "getUpdates":  # long poll: must not hold the lock while waiting
                return self._answer(call, self._get_updates(params))
            with self.lock:
                return self._run(name, call, params, uploads)
        except ApiError as exc:
            return self._answer(call, exc)

    def _run(self, name: str, call: Call, params: dict[str, Any], uploads: dict[str, bytes]) -> Outcome:
        tg_spec.check_required(name, params)
        chat = self.chats.find(params.get("chat_id"))
        fault = self.faults.take(name, chat.id if chat else None)
        if fault and fault.disconnect:
            return self._answer(call, None, drop="connection dropped")
        if fault and fault.error:
            return self._answer(call, fault.error)
        result = HANDLERS[name](self, params, uploads)
        if fault and fault.after_delivery:
            return self._answer(call, None, drop="delivered, then connection dropped")
        return self._answer(call, result)

    def _answer(self, call: Call, result: Any, drop: str = "") -> Outcome:
        with self.lock:
            self.calls.append(call)
        if drop:
            call.status, call.description = 0, drop
            return Outcome(0, None, call)
        if isinstance(result, ApiError):
            call.status, call.description = result.code, result.description
            return Outcome(result.code, result.body(), call)
        return Outcome(200, {"ok": True, "result": result}, call)

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise WEBHOOK_ACTIVE
        return self.updates.poll(
            int(p.get("offset") or 0), int(p.get("limit") or 100), float(p.get("timeout") or 0)
        )


def get_me(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    return dict(api.me)


def get_chat(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> dict[str, Any]:
    chat = api.chats.get(p.get("chat_id"))
    if chat.status in ("kicked", "left", "deleted"):
        raise bad_request("chat not found")
    gifts = dict.fromkeys(
        ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"),
        False,
    )
    return {**chat.public(), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def set_my_commands(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list):
        raise bad_request("expected an Array of BotCommand")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned = [_command(c) for c in commands]
    scope = p.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope")
    if scope["type"] == "default":
        api.commands = cleaned
    api.commands_by_scope[json.dumps(scope, sort_keys=True)] = cleaned
    return True


def commands_for(api: BotApi, chat_id: int | None = None) -> list[str]:
    """The menu a private chat shows: its own scope's commands, else the default ones."""
    own = api.commands_by_scope.get(json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True))
    return [c["command"] for c in (own if own is not None else api.commands)]


def _command(c: object) -> dict[str, str]:
    if not isinstance(c, dict) or not all(isinstance(c.get(k), str) for k in ("command", "description")):
        raise bad_request('can\'t parse BotCommand: Field "command" must be of type String')
    command, description = c["command"].strip().removeprefix("/"), c["description"].strip()
    if not command:
        raise bad_request("command must be non-empty")
    if len(command) > 32:
        raise bad_request("command length must not exceed 32")
    if not description:
        raise bad_request("command description must be non-empty")
    if len(description) > 256:
        raise bad_request("command description length must not exceed 256")
    if not COMMAND_RE.match(command):
        raise bad_request("BOT_COMMAND_INVALID")
    return {"command": command, "description": description}


def delete_webhook(api: BotApi, p: dict[str, Any], uploads: dict[str, bytes]) -> bool:
    api.webhook = ""
    if p.get("drop_pending_updates"):
        api.updates.clear()
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getChat": get_chat,
    "setMyCommands": set_my_commands,
    "deleteWebhook": delete_webhook,
    "getUpdates": lambda api, p, u: api._get_updates(p),
    "sendMessage": tg_send.send_message,
    "sendPhoto": tg_send.send_photo,
    "sendVideo": tg_send.send_video,
    "sendMediaGroup": tg_send.send_media_group,
    "editMessageText": tg_send.edit_message_text,
    "editMessageCaption": tg_send.edit_message_caption,
}
