"""Filtered-stream rules: server-side state and the GET/POST ``/2/tweets/search/stream/rules`` endpoints.

Rules persist across connections; ids are strings; duplicates, invalid and too-long rules come
back as HTTP 200/201 with ``errors`` and ``meta.summary``, never as an HTTP error
(https://docs.x.com/x-api/stream/update-stream-rules).
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from typing import Any

from tests.fakes import x_problems as problems
from tests.fakes.x_payloads import x_time
from tests.fakes.x_problems import InvalidRequest
from tests.fakes.x_query import Node, QueryError, parse
from tests.fakes.x_wire import Reply, Req, decode_token, encode_token, int_param

JSON = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    id: str
    value: str
    tag: str | None
    node: Node

    def as_json(self) -> JSON:
        out: JSON = {"id": self.id, "value": self.value}
        if self.tag is not None:
            out["tag"] = self.tag
        return out


class RuleBook:
    """The app's rules on the server. ``max_rules``/``max_length`` are the tier's limits."""

    def __init__(self, max_rules: int = 1000, max_length: int = 1024) -> None:
        self.max_rules, self.max_length = max_rules, max_length
        self.lock = threading.RLock()
        self.rules: dict[str, Rule] = {}
        self._ids = itertools.count(1_800_000_000_000_000_001)

    def values(self) -> set[tuple[str, str | None]]:
        """``{(value, tag)}``: what tests compare with the compiled rules."""
        with self.lock:
            return {(r.value, r.tag) for r in self.rules.values()}

    def all(self) -> list[Rule]:
        with self.lock:
            return list(self.rules.values())

    def add(self, value: str, tag: str | None = None) -> Rule:
        """Seed a rule directly (as if added in an earlier run); raises QueryError when invalid."""
        with self.lock:
            rule = Rule(str(next(self._ids)), value, tag, parse(value))
            self.rules[rule.id] = rule
            return rule

    def check(self, value: str, pending: dict[str, str]) -> JSON | Node:
        """A problem dict for an unacceptable rule, else the parsed rule."""
        existing = next((r.id for r in self.rules.values() if r.value == value), None) or pending.get(value)
        if existing:
            return problems.duplicate_rule(value, existing)
        if len(value) > self.max_length:
            return problems.invalid_rule(
                value, f"Rule is too long: {len(value)} characters, the limit is {self.max_length}"
            )
        try:
            return parse(value)
        except QueryError as exc:
            return problems.invalid_rule(value, str(exc))


def _meta(**extra: Any) -> JSON:
    return {"sent": x_time(), **extra}


def get_rules(book: RuleBook, req: Req) -> Reply:
    wanted = {v for v in req.params.get("ids", "").split(",") if v}
    size = int_param(req.params, "max_results", 1, 1000, 1000)
    token = decode_token(req.params, "pagination_token")
    start = int(token[1]) if token else 0
    rules = [r for r in book.all() if not wanted or r.id in wanted]
    page = rules[start : start + size]
    meta = _meta(result_count=len(page))
    if start + size < len(rules):
        meta["next_token"] = encode_token("rules", str(start + size))
    body: JSON = {"meta": meta}
    if page:
        body["data"] = [r.as_json() for r in page]
    return Reply(200, body)


def _body(req: Req) -> JSON:
    try:
        body = json.loads(req.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict) or len({"add", "delete"} & body.keys()) != 1:
        raise InvalidRequest("body", "", "Request body must contain exactly one of 'add' or 'delete'")
    return body


def post_rules(book: RuleBook, req: Req) -> Reply:
    dry_run = req.params.get("dry_run", "").lower() == "true"  # tweepy sends "True"
    if req.params.get("delete_all", "").lower() == "true":
        return _delete(book, [r.id for r in book.all()], dry_run)
    body = _body(req)
    if "delete" in body:
        ids = body["delete"].get("ids") if isinstance(body["delete"], dict) else None
        if not isinstance(ids, list) or not ids:
            raise InvalidRequest("delete.ids", "", "delete.ids must be a non-empty list of rule ids")
        return _delete(book, [str(i) for i in ids], dry_run)
    return _add(book, body["add"], dry_run)


def _delete(book: RuleBook, ids: list[str], dry_run: bool) -> Reply:
    with book.lock:
        found = [i for i in ids if i in book.rules]
        if not dry_run:
            for rule_id in found:
                del book.rules[rule_id]
    body: JSON = {"meta": _meta(summary={"deleted": len(found), "not_deleted": len(ids) - len(found)})}
    missing = [problems.rule_not_found(i) for i in ids if i not in found]
    if missing:
        body["errors"] = missing
    return Reply(200, body)


def _validate_add(items: object) -> list[tuple[str, str | None]]:
    if not isinstance(items, list) or not items:
        raise InvalidRequest("add", "", "add must be a non-empty list of rules")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise InvalidRequest("add.value", "", "each rule needs a string 'value'")
        tag = item.get("tag")
        if tag is not None and not isinstance(tag, str):
            raise InvalidRequest("add.tag", str(tag), "tag must be a string")
        out.append((item["value"], tag))
    return out


def _add(book: RuleBook, items: object, dry_run: bool) -> Reply:
    wanted = _validate_add(items)
    with book.lock:
        errors, accepted, pending = [], [], {}
        for value, tag in wanted:
            outcome = book.check(value, pending)
            if isinstance(outcome, dict):
                errors.append(outcome)
                continue
            rule = Rule(str(next(book._ids)), value, tag, outcome)
            pending[value] = rule.id
            accepted.append(rule)
        if len(book.rules) + len(accepted) > book.max_rules:
            errors, accepted = [*errors, problems.rule_cap(book.max_rules)], []
        if not dry_run:
            book.rules.update((rule.id, rule) for rule in accepted)
    valid = len(wanted) - len([e for e in errors if "value" in e])
    summary = {
        "created": len(accepted),
        "not_created": len(wanted) - len(accepted),
        "valid": valid,
        "invalid": len(wanted) - valid,
    }
    body: JSON = {"meta": _meta(summary=summary)}
    if accepted:
        body["data"] = [rule.as_json() for rule in accepted]
    if errors:
        body["errors"] = errors
    return Reply(201 if accepted and not dry_run else 200, body)
