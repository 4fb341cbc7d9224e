"""Hypothesis strategies and checks for the payload readers (X stream lines, JSONL files), shared by
``tests/test_fuzz_payloads.py`` (a bounded run in CI) and ``bench/fuzz_payloads.py`` (10,000 each).

A check returns the problems it found (empty: fine) instead of asserting, so the bench can count
escapes. "Escape": an exception out of a reader, or a valid item among hostile ones not kept.
"""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import strategies as st

from bot.models import Post
from bot.sources.jsonl import read_lines
from bot.sources.payload import PayloadLimits
from bot.sources.x.convert import parse_line
from bot.store.db import Store
from bot.store.posts import save_post

LIMITS = PayloadLimits(max_line_bytes=256 * 1024, max_post_chars=5_000)
ANY_CHAR = st.characters(exclude_categories=())  # lone surrogates and controls included
HUGE_INTS = st.one_of(st.integers(-(2**70), 2**70), st.integers(5, 4000).map(lambda n: 10**n - 1))
scalars = st.one_of(st.none(), st.booleans(), HUGE_INTS, st.floats(allow_nan=False),
                    st.text(ANY_CHAR, max_size=40), st.sampled_from(["1", "abc", "", "2026-01-01T00:00:00Z"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
X_FIELDS = ["id", "text", "created_at", "author_id", "lang", "note_tweet", "referenced_tweets", "attachments"]
JSONL_FIELDS = ["id", "text", "created_at", "platform", "url", "author", "author_id", "media", "refs", "lang"]


def encode(obj: Any) -> bytes:
    """JSON as bytes; lone surrogates stay ``\\ud800`` escapes (valid JSON a reader must survive)."""
    return json.dumps(obj).encode()


@st.composite
def mutated(draw: st.DrawFn, base: dict, fields: list[str]) -> dict:
    """``base`` with some fields replaced by arbitrary JSON (wrong types, absurd values)."""
    changed = dict(base)
    for name in draw(st.lists(st.sampled_from(fields), max_size=3)):
        changed[name] = draw(json_values)
    return changed


def corrupt(raw: bytes, data: st.DataObject) -> bytes:
    """Insert invalid UTF-8 or cut the line somewhere."""
    at = data.draw(st.integers(0, len(raw)))
    how = data.draw(st.sampled_from(["bytes", "cut", "none"]))
    if how == "bytes":
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=4).filter(_not_utf8)) + raw[at:]
    return raw[:at] if how == "cut" else raw


def _not_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def deep(n: int) -> bytes:
    return b'{"data": ' + b"[" * n + b"]" * n + b"}"


def hostile(data: st.DataObject, base: dict, fields: list[str], wrap: Any) -> bytes:
    kind = data.draw(st.sampled_from(["mutated", "binary", "deep", "bigint", "value"]))
    if kind == "mutated":
        raw = encode(wrap(data.draw(mutated(base, fields))))
    elif kind == "binary":
        raw = data.draw(st.binary(max_size=200))
    elif kind == "deep":
        raw = deep(data.draw(st.integers(60, 120_000)))
    elif kind == "bigint":
        raw = b'{"id": 1, "text": "x", "n": ' + b"9" * data.draw(st.integers(21, 6000)) + b"}"
    else:
        raw = encode(data.draw(json_values))
    return corrupt(raw, data).replace(b"\n", b" ").replace(b"\r", b" ")


def x_tweet(n: int) -> dict:
    return {"id": str(1_900_000_000_000_000_000 + n), "text": f"Embuscade numéro {n}", "author_id": "42",
            "created_at": "2026-03-01T08:15:00.000Z", "lang": "fr"}


def jsonl_record(n: int) -> dict:
    return {"id": f"v{n}", "text": f"Attaque numéro {n} près de Ménaka", "created_at": "2026-11-20T06:00:00Z"}


def check_x_lines(data: st.DataObject) -> list[str]:
    """Valid stream lines among hostile ones: every valid one read as its post; nothing raises."""
    problems = []
    count = data.draw(st.integers(1, 8))
    for n in range(count):
        for raw in (encode({"data": x_tweet(n)}), hostile(data, x_tweet(n), X_FIELDS, lambda t: {"data": t})):
            try:
                line = parse_line(raw, LIMITS)
            except Exception as exc:
                problems.append(f"parse_line raised {type(exc).__name__}: {exc}"[:300])
                continue
            if raw == encode({"data": x_tweet(n)}) and (line.post is None or line.post.platform_id != x_tweet(n)["id"]):
                problems.append(f"valid line {n} not kept: {line.kind} {line.problem}"[:300])
    return problems


def check_jsonl(data: st.DataObject, store: Store) -> list[str]:
    """A JSONL file mixing valid records and hostile lines: every valid record read, at its line
    number, and stored without an exception; hostile lines reported, never raised."""
    lines: list[bytes] = []
    valid: dict[int, str] = {}
    for n in range(data.draw(st.integers(1, 8))):
        lines.append(encode(jsonl_record(n)))
        valid[len(lines)] = f"v{n}"
        lines.append(hostile(data, jsonl_record(n), JSONL_FIELDS, lambda r: r))
    try:
        read = list(read_lines(io.BytesIO(b"\n".join(lines) + b"\n"), limits=LIMITS))
    except Exception as exc:
        return [f"read_lines raised {type(exc).__name__}: {exc}"[:300]]
    kept = {line.number: line.post.platform_id for line in read if line.post is not None}
    problems = [f"valid line {n} not kept" for n, pid in valid.items() if kept.get(n) != pid]
    return problems + store_all([line.post for line in read if line.post is not None], store)


def store_all(posts: list[Post], store: Store) -> list[str]:
    problems = []
    for post in posts:
        try:
            save_post(store, post.with_(platform_id=f"{post.platform_id}-{id(post)}"))
        except Exception as exc:
            problems.append(f"store raised {type(exc).__name__}: {exc}"[:300])
    return problems
