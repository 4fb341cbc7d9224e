"""Analyst commands that read the store: /search, /latest, /why, /digest."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.alerts import digest
from bot.alerts.rich import Rich, bold, link, text
from bot.alerts.routing import ChannelRule
from bot.commands.base import Call, Reply, Usage, need, number
from bot.commands.search import COUNT_CAP, MARK_END, MARK_START, Hit, search
from bot.explain import explain_lines
from bot.models import Post
from bot.store.db import Store
from bot.store.posts import load_post

LATEST_MAX = 20
DIGEST_DEFAULT = timedelta(hours=24)
TRAILING_ID = re.compile(r"(\d{3,})/?(?:\?.*)?$")


async def search_cmd(call: Call) -> Reply:
    words = " ".join(need(call, 1))
    s = call.services
    total, hits = search(s.store, words, s.clock(), s.settings.search_days)
    if not hits:
        return f"No post in the last {s.settings.search_days:g} days matches that."
    count = f"more than {COUNT_CAP:,}" if total > COUNT_CAP else str(total)
    head = bold(f"{count} post(s) in the last {s.settings.search_days:g} days") + text(
        f"; the {len(hits)} newest:" if total > len(hits) else ":")
    return [head, *(_hit(h) for h in hits)]


def _hit(hit: Hit) -> Rich:
    when = datetime.fromisoformat(hit.created_at)
    who = f"{hit.platform} @{hit.author}" if hit.author else hit.platform
    top = text(f"\n{when:%Y-%m-%d %H:%M} UTC · {who} · {hit.lang}\n")
    body = Rich()
    for i, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", hit.snippet.replace("\n", " "))):
        body = body + (bold(piece) if i % 2 else text(piece))
    return top + body + (text("\n") + link(hit.url, hit.url) if hit.url else Rich())


async def latest(call: Call) -> Reply:
    topic, count = _latest_args(call)
    where, params = ("AND p.id IN (SELECT post_id FROM matches WHERE topic = ?)", (topic,)) if topic else ("", ())
    rows = call.services.store.query(
        "SELECT p.key FROM posts p WHERE p.topics != '[]' AND p.duplicate_of IS NULL "
        f"{where} ORDER BY p.created_at DESC LIMIT ?", (*params, count))
    posts = [p for r in rows if (p := load_post(call.services.store, r["key"])) is not None]
    if not posts:
        return f"No matched post about {topic} yet." if topic else "No matched post yet."
    title = bold(f"Latest {len(posts)} matched post(s)" + (f" about {topic}" if topic else ""))
    return [title, *(digest_line(call.services.store, p) for p in posts)]


def _latest_args(call: Call) -> tuple[str | None, int]:
    topic, count = None, 5
    for arg in call.args[:2]:
        if arg.isdigit():
            count = number(arg, 1, LATEST_MAX, "n")
        elif arg in call.services.topics():
            topic = arg
        else:
            raise Usage(f"no topic '{arg}'; topics: {', '.join(call.services.topics())}")
    if len(call.args) > 2:
        raise Usage("")
    return topic, count


def digest_line(store: Store, post: Post) -> Rich:
    from bot.alerts.format import story_line
    from bot.alerts.outbox import similar_count

    return text(f"{post.created_at:%Y-%m-%d} ") + story_line(post, similar_count(store, post.key))


async def why(call: Call) -> Reply:
    ref = " ".join(need(call, 1))
    post = find_post(call.services.store, ref)
    if post is None:
        raise Usage(f"no stored post for '{ref[:100]}' (give its link, its key such as x:123, or its id)")
    holder = call.services.watchlist
    lines = [f"Post {post.key} ({post.lang or 'und'}, {post.created_at:%Y-%m-%d %H:%M} UTC)",
             f"Stored topics: {', '.join(post.topics) or 'none'}",
             *(f"  matched '{m.term}' for {m.topic} at {m.start}-{m.end}" for m in post.matches)]
    if holder is not None:
        lines += ["With the current watchlist:", *explain_lines(holder.matcher, post.text)]
    if post.duplicate_of:
        lines.append(f"Near-duplicate of {post.duplicate_of}: no alert of its own.")
    return "\n".join(lines)


def find_post(store: Store, ref: str) -> Post | None:
    """A post by link, key (``x:123``), platform id (the number at the end of a link) or row id."""
    ref = ref.strip()
    key = store.scalar("SELECT key FROM posts WHERE url = ? OR key = ? LIMIT 1", (ref, ref))
    if key is None and (found := TRAILING_ID.search(ref)):
        key = store.scalar("SELECT key FROM posts WHERE platform_id = ? ORDER BY id LIMIT 1", (found[1],))
    if key is None and ref.isdigit():
        key = store.scalar("SELECT key FROM posts WHERE id = ?", (int(ref),))
    return load_post(store, str(key)) if key is not None else None


async def digest_cmd(call: Call) -> Reply:
    s = call.services
    rule = _chat_rule(call)
    if rule is None:
        return ("This chat gets no alerts: subscribe with /sub <topic…> in a private chat with me."
                if call.private else "This chat is not in channels.yaml, so it gets no digest.")
    period = rule.digest or DIGEST_DEFAULT
    end = s.clock()
    start = end - period
    rows = s.store.query("SELECT key FROM posts WHERE created_at >= ? AND topics != '[]' ORDER BY id LIMIT 2000",
                         (start.isoformat(),))
    posts = [p for r in rows if (p := load_post(s.store, r["key"])) is not None and rule.wants(p)]
    if not posts:
        return f"Nothing for this chat since {start:%Y-%m-%d %H:%M} UTC."
    return digest.digest_messages(rule, start, end, posts)


def _chat_rule(call: Call) -> ChannelRule | None:
    routing = call.services.routing()
    return routing.rule(str(call.chat_id))
