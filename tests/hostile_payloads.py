"""Hostile lines every reader must survive (issue 12's list), shared by the X and JSONL tests.

Each entry: a name and the raw bytes of one line (without its line ending).
"""

from __future__ import annotations

import json
from typing import Any

JSON = dict[str, Any]


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def x_lines(valid: JSON) -> dict[str, bytes]:
    """Stream lines built from ``valid`` (a tweet object) that must be skipped whole."""
    line = {"data": valid, "matching_rules": [{"id": "1", "tag": "t"}]}
    return {
        "non-numeric id": dumps({**line, "data": {**valid, "id": "abc"}}),
        "referenced_tweets a number": dumps({**line, "data": {**valid, "referenced_tweets": 7}}),
        "attachments a list": dumps({**line, "data": {**valid, "attachments": ["3_1"]}}),
        "100,000-deep nesting": b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "5,000-digit integer": b'{"data": {"id": ' + b"9" * 5000 + b', "text": "embuscade"}}',
        "media width 10**30": dumps({**line, "includes": {"media": [{"media_key": "3_1", "type": "photo",
                                                                     "width": 10**30}]}}),
        "NaN": dumps(line).replace(b'"matching_rules"', b'"x": NaN, "matching_rules"'),
        "not JSON": b'{"data": {"id": "19',
        "an array": b"[1, 2, 3]",
        "invalid UTF-8 outside JSON": b"\xff\xfe" + dumps(line)[:10],
    }


def x_partial_lines(valid: list[JSON]) -> dict[str, bytes]:
    """Lines whose post is kept (one of ``valid``, 4 tweets with distinct ids each), with the bad
    part left out (media) or replaced (U+FFFD)."""
    bad_media = {"media_key": "3_9", "type": ["photo"], "url": "https://pbs.example.test/a.jpg"}
    with_media = [{**v, "attachments": {"media_keys": ["3_9"]}} for v in valid[:2]]
    return {
        "media type a list": dumps({"data": with_media[0], "includes": {"media": [bad_media]}}),
        "media width 2**40": dumps({"data": with_media[1],
                                    "includes": {"media": [{**bad_media, "type": "photo", "width": 2**40}]}}),
        "lone surrogate": json.dumps({"data": {**valid[2], "text": valid[2]["text"] + " \ud800"}}).encode(),
        "invalid UTF-8 in the text": dumps({"data": valid[3]}).replace(b'"text": "', b'"text": "\xff\xfe'),
    }


def jsonl_lines() -> dict[str, bytes]:
    """JSONL records that must be skipped, each with the reason a reader should give."""
    return {
        "5,000-digit integer": b'{"id": "h1", "text": "x", "n": ' + b"7" * 5000 + b"}",
        "100,000-deep nesting": b'{"id": "h2", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "media width 10**30": dumps({"id": "h3", "text": "x", "media": [{"url": "https://a.test/1.jpg",
                                                                        "width": 10**30}]}),
        "id an object": dumps({"id": {"a": 1}, "text": "x"}),
        "text missing": dumps({"id": "h5"}),
        "not JSON": b'{"id": "h6", "text": ',
    }
