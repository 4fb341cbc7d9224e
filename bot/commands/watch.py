"""``/watch add|rm|list``: watchlist edits from the chat, in ONE file the bot owns.

Edits go to ``_chat_edits.yaml`` in the watchlists directory, as ``more_terms`` (terms added to
topics that the hand-edited files define); the hand-edited files are never rewritten. An edit
is checked with the same loader and checker as every watchlist change, against the directory
as it would be, BEFORE anything is written: a rejected term gets the checker's message and
nothing changes. An accepted edit is written atomically (temp file, then rename) and loaded at
once through the watchlist holder, so the next post is matched with it. Every attempt is kept
in the ``watch_edits`` table: who, when, what, and the outcome.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import atomic
from bot.commands.base import Call, Reply, Usage, need
from bot.models import utcnow
from bot.pipeline.watchlist_reload import Rejected
from bot.store.db import Store
from bot.text import fold_term
from bot.watchlist.limits import DEFAULT_WATCHLIST_LIMITS
from bot.watchlist.load import check_directory

EDITS_FILE = "_chat_edits.yaml"
HEADER = ("# Written by SahelWatch from /watch add and /watch rm in Telegram: do not edit by hand,\n"
          "# the bot rewrites this file. Each edit is recorded in the watch_edits table.\n")
MAX_TERM = 100
Edits = dict[str, list[str]]


def read_edits(directory: Path) -> Edits:
    path = directory / EDITS_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    more = data.get("more_terms") or {} if isinstance(data, dict) else {}
    return {str(topic): [str(t) for t in terms] for topic, terms in more.items() if isinstance(terms, list)}


def render(edits: Edits) -> str:
    kept = {topic: terms for topic, terms in sorted(edits.items()) if terms}
    if not kept:
        return HEADER + "more_terms: {}\n"
    return HEADER + yaml.safe_dump({"more_terms": kept}, allow_unicode=True, sort_keys=False, width=1000)


def audit(store: Store, user_id: int, action: str, topic: str, term: str, outcome: str) -> None:
    with store.write() as db:
        db.execute("INSERT INTO watch_edits (user_id, at, action, topic, term, outcome) VALUES (?, ?, ?, ?, ?, ?)",
                   (user_id, utcnow().isoformat(), action, topic, term, outcome[:1000]))


async def watch(call: Call) -> Reply:
    action, *rest = need(call, 2)
    topic = rest[0].lower()
    if topic not in call.services.topics():
        raise Usage(f"no topic '{rest[0][:40]}'; topics: {', '.join(call.services.topics())}")
    if action == "list":
        return _list(call, topic)
    if action not in ("add", "rm"):
        raise Usage("")
    term = " ".join(rest[1:]).strip()
    if not term:
        raise Usage("give the term after the topic")
    if len(term) > MAX_TERM or "\n" in term:
        raise Usage(f"a term is one line of at most {MAX_TERM} characters")
    return _add(call, topic, term) if action == "add" else _remove(call, topic, term)


def _list(call: Call, topic: str) -> str:
    holder = call.services.watchlist
    assert holder is not None  # topics() was not empty
    found = holder.watchlist.topic(topic)
    lines = [f"{topic} ({found.severity}): {len(found.terms)} terms"]
    lines += [f"• {t.text}  [{'chat' if Path(t.mark.file).name == EDITS_FILE else t.mark}]" for t in found.terms]
    return "\n".join(lines)


def _existing(call: Call, topic: str, term: str) -> str | None:
    """Where the topic already has ``term`` (file:line), if it does."""
    holder = call.services.watchlist
    folded = fold_term(term)
    found = holder.watchlist.topic(topic) if holder else None
    return next((str(t.mark) for t in (found.terms if found else ()) if fold_term(t.text) == folded), None)


def _add(call: Call, topic: str, term: str) -> str:
    if where := _existing(call, topic, term):
        return f"'{term}' is already a term of {topic} ({where})."
    edits = read_edits(call.services.watchlists)
    edits.setdefault(topic, []).append(term)
    return _apply(call, "add", topic, term, edits, f"Added '{term}' to {topic}; it applies to the next post.")


def _remove(call: Call, topic: str, term: str) -> str:
    edits = read_edits(call.services.watchlists)
    mine = [t for t in edits.get(topic, []) if fold_term(t) == fold_term(term)]
    if not mine:
        where = _existing(call, topic, term)
        audit(call.services.store, call.user_id, "rm", topic, term, "refused: not a chat edit")
        if where:
            return f"'{term}' comes from {where}, which admins edit by hand; I only remove terms added here."
        return f"'{term}' is not a term of {topic}."
    edits[topic] = [t for t in edits[topic] if t not in mine]
    return _apply(call, "rm", topic, term, edits, f"Removed '{term}' from {topic}.")


def _apply(call: Call, action: str, topic: str, term: str, edits: Edits, done: str) -> str:
    s, directory = call.services, call.services.watchlists
    content = render(edits)
    limits = s.watchlist.limits if s.watchlist else DEFAULT_WATCHLIST_LIMITS
    checked = check_directory(directory, limits, overrides={EDITS_FILE: content})
    if checked.watchlist is None:
        problems = "\n".join(str(p) for p in checked.errors[:10])
        audit(s.store, call.user_id, action, topic, term, f"rejected: {problems}")
        return f"Not changed: the watchlist checker refused it.\n{problems}"
    try:
        write_atomic(directory / EDITS_FILE, content)
    except OSError as exc:
        audit(s.store, call.user_id, action, topic, term, f"not written: {exc.strerror}")
        return (f"Not changed: I cannot write {EDITS_FILE} in the watchlists directory ({exc.strerror}). "
                "Mount that directory writable for the bot (docs/deploy.md).")
    outcome = s.watchlist.reload_now() if s.watchlist else None
    if isinstance(outcome, Rejected):  # a hand edit broke the directory meanwhile: say so
        audit(s.store, call.user_id, action, topic, term, f"written, reload rejected: {outcome}")
        return f"Written, but the reload was rejected:\n{outcome}"
    audit(s.store, call.user_id, action, topic, term, "applied")
    warnings = [str(p) for p in checked.warnings if Path(p.mark.file).name == EDITS_FILE]
    return "\n".join([done, *(f"Warning: {w}" for w in warnings)])


def write_atomic(path: Path, content: str) -> None:
    atomic.write_atomic(path, content.encode("utf-8"))
