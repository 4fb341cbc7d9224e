"""REST endpoints: recent search, user timelines and user lookup, with the documented limits."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import x_problems as problems
from tests.fakes.x_problems import InvalidRequest
from tests.fakes.x_query import QueryError, has_keywords, matches, parse
from tests.fakes.x_render import USER_EXPANSIONS, FieldSpec, render_tweets, render_users
from tests.fakes.x_store import XStore, parse_x_time
from tests.fakes.x_wire import Reply, Req, decode_token, encode_token, id_param, int_param

JSON = dict[str, Any]
USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
TIMELINE_CEILING, TIMELINE_CEILING_NO_REPLIES = 3200, 800


def _page(items: list[JSON], req: Req, size: int, token_name: str) -> tuple[list[JSON], JSON]:
    """Cut one newest-first page; a token replays the same page (tokens never expire)."""
    token = decode_token(req.params, token_name)
    if token and token[0] == "prev":
        newer = [t for t in items if int(t["id"]) > int(token[1])]
        page = newer[-size:]
    else:
        page = [t for t in items if not token or int(t["id"]) < int(token[1])][:size]
    meta: JSON = {"result_count": len(page)}
    if page:
        meta["newest_id"], meta["oldest_id"] = page[0]["id"], page[-1]["id"]
        if items.index(page[-1]) < len(items) - 1:
            meta["next_token"] = encode_token("next", page[-1]["id"])
    return page, meta


def _id_window(items: list[JSON], req: Req) -> list[JSON]:
    since, until = id_param(req.params, "since_id"), id_param(req.params, "until_id")
    return [
        t
        for t in items
        if (since is None or int(t["id"]) > since) and (until is None or int(t["id"]) < until)
    ]


def _time_param(req: Req, name: str) -> datetime | None:
    raw = req.params.get(name)
    if raw is None:
        return None
    try:
        return parse_x_time(raw)
    except ValueError as exc:
        raise InvalidRequest(
            name, raw, f"The `{name}` query parameter value [{raw}] is not a valid time"
        ) from exc


def _body(page: list[JSON], meta: JSON, store: XStore, spec: FieldSpec) -> JSON:
    body = render_tweets(page, store, spec) if page else {}
    return {**body, "meta": meta}


def search_recent(store: XStore, req: Req, max_query: int, now: Callable[[], float]) -> Reply:
    query = req.params.get("query", "")
    if not 1 <= len(query) <= max_query:
        raise InvalidRequest(
            "query",
            query[:40],
            f"The `query` query parameter value must be between 1 and {max_query} characters long",
        )
    try:
        node = parse(query)
    except QueryError as exc:
        raise InvalidRequest(
            "query", query[:40], f"There were errors processing your request: {exc}"
        ) from exc
    size = int_param(req.params, "max_results", 10, 100, 10)
    spec = FieldSpec.from_params(req.params)
    oldest = datetime.fromtimestamp(now(), UTC) - timedelta(days=7)
    start, end = _time_param(req, "start_time") or oldest, _time_param(req, "end_time")
    no_retweets = has_keywords(node)
    with store.lock:
        found = [
            t
            for t in _id_window(store.newest_first(), req)
            if start <= parse_x_time(t["created_at"])
            and (end is None or parse_x_time(t["created_at"]) < end)
            and not (no_retweets and "retweet" in store.doc(t, with_quoted=False).flags)
            and matches(node, store.doc(t, with_quoted=False), accents=False)
        ]
        page, meta = _page(found, req, size, "next_token")
        return Reply(200, _body(page, meta, store, spec))


def user_tweets(store: XStore, req: Req, user_id: str) -> Reply:
    size = int_param(req.params, "max_results", 5, 100, 10)
    exclude = {v for v in req.params.get("exclude", "").split(",") if v}
    if exclude - {"replies", "retweets"}:
        raise InvalidRequest("exclude", ",".join(sorted(exclude)), "exclude must be replies and/or retweets")
    spec = FieldSpec.from_params(req.params)
    with store.lock:
        if user_id not in store.users:
            return Reply(200, {"errors": [problems.not_found("user", "id", user_id)]})
        own = [t for t in store.newest_first() if t.get("author_id") == user_id]
        if "replies" in exclude:
            own = [t for t in own if "reply" not in store.doc(t, with_quoted=False).flags]
        own = own[: TIMELINE_CEILING_NO_REPLIES if "replies" in exclude else TIMELINE_CEILING]
        if "retweets" in exclude:
            own = [t for t in own if "retweet" not in store.doc(t, with_quoted=False).flags]
        page, meta = _page(_id_window(own, req), req, size, "pagination_token")
        if page and "pagination_token" in req.params:
            meta["previous_token"] = encode_token("prev", page[0]["id"])
        return Reply(200, _body(page, meta, store, spec))


def _lookup(store: XStore, req: Req, parameter: str, keys: list[str], single: bool) -> Reply:
    spec = FieldSpec.from_params(req.params, USER_EXPANSIONS)
    found, errors = [], []
    with store.lock:
        for key in keys:
            item = store.user_by_name(key) if parameter.startswith("username") else store.users.get(key)
            if item is None:
                errors.append(problems.not_found("user", parameter, key))
            elif item["id"] in store.suspended:
                errors.append(problems.suspended(parameter, key))
            else:
                found.append(item)
    body: JSON = {}
    if found:
        rendered = render_users(found, spec)
        body["data"] = rendered[0] if single else rendered
    if errors:
        body["errors"] = errors
    return Reply(200, body)


def _names(req: Req, name: str, check: Callable[[str], bool]) -> list[str]:
    values = [v for v in req.params.get(name, "").split(",") if v]
    if not 1 <= len(values) <= 100:
        raise InvalidRequest(
            name, str(len(values)), f"The `{name}` query parameter must list 1 to 100 values"
        )
    for value in values:
        if not check(value):
            raise InvalidRequest(name, value, f"The `{name}` query parameter value [{value}] is not valid")
    return values


def users_by_usernames(store: XStore, req: Req) -> Reply:
    return _lookup(store, req, "usernames", _names(req, "usernames", USERNAME.match), single=False)


def user_by_username(store: XStore, req: Req, username: str) -> Reply:
    if not USERNAME.match(username):
        raise InvalidRequest(
            "username", username, f"The `username` value [{username}] does not match {USERNAME.pattern}"
        )
    return _lookup(store, req, "username", [username], single=True)


def users_by_ids(store: XStore, req: Req) -> Reply:
    return _lookup(store, req, "ids", _names(req, "ids", str.isdigit), single=False)


def user_by_id(store: XStore, req: Req, user_id: str) -> Reply:
    if not user_id.isdigit():
        raise InvalidRequest("id", user_id, f"The `id` value [{user_id}] is not a valid user id")
    return _lookup(store, req, "id", [user_id], single=True)
