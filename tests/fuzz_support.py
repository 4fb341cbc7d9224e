"""Hypothesis strategies and checks shared by the fuzz tests and ``bench/fuzz_alerts_watchlists.py``.

A check returns the problems it found (empty: fine) instead of asserting, so the bench can run
10,000 examples and count escapes while the tests assert there are none.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from bot.alerts.limits import DEFAULT_LIMITS
from bot.alerts.outgoing import alert
from bot.alerts.rich import Rich
from bot.models import Match, Media, Post
from tests.fakes.tg_entities import HtmlError
from tests.fakes.tg_html import parse_html

HOSTILE_PIECES = ["<b>", "</i>", "&amp;", "&", "<", ">", '"', "&#x41;", "&nbsp;", "<a href='x'>", "\u202e",
                  "\u2066", "\ud800", "\udfff", "\x00", "\r\n", "😀", "🇲🇱", "é", "كمين", " ", "https://a.b/?x=1&y=2"]
ANY_CHAR = st.characters(exclude_categories=())  # surrogates and controls included
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(ANY_CHAR, max_size=20)),
                        max_size=60).map("".join)
long_text = st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "word ", "&", '"', "😀", "<b>"]),
                      st.integers(0, 12_000))
urls = st.one_of(st.just(""), st.sampled_from(["https://x.com/a/status/1", "ftp://x", "javascript:alert(1)"]),
                 st.builds(lambda n, c: "https://e.org/" + c * n, st.integers(0, 45_000), st.sampled_from("a&\"<")),
                 st.text(ANY_CHAR, max_size=30).map(lambda s: "https://" + s))
media = st.lists(st.builds(Media, st.sampled_from(["photo", "video", "animated_gif"]), urls), max_size=30)
many_media = st.integers(0, 400).map(lambda n: [Media("photo", f"https://m.org/{i}.jpg") for i in range(n)])


@st.composite
def posts(draw: st.DrawFn) -> Post:
    text = draw(st.one_of(hostile_text, long_text))
    spans = draw(st.lists(st.tuples(st.integers(-5, len(text) + 5), st.integers(-5, len(text) + 5)),
                          max_size=300))
    return Post(
        platform="x", platform_id="1", text=text, created_at=datetime(2026, 11, 20, 6, 5, tzinfo=UTC),
        url=draw(urls), author_handle=draw(hostile_text), author_name=draw(hostile_text),
        lang=draw(st.sampled_from(["fr", "und", None])),
        topics=tuple(draw(st.lists(hostile_text, max_size=40))),
        severity=draw(st.sampled_from(["urgent", "routine"])),
        places=tuple(draw(st.lists(hostile_text, max_size=5))),
        matches=tuple(Match("t", "x", a, b) for a, b in spans),
        media=tuple(draw(st.one_of(media, many_media))),
    )


def rich_problems(rich: Rich, limit: int, what: str) -> list[str]:
    """Within ``limit`` as Telegram counts, under the raw-byte cap, and parsing to its own plain text."""
    problems = []
    if len(rich.plain) > limit:
        problems.append(f"{what}: {len(rich.plain)} code points > {limit}")
    try:
        raw = rich.html.encode("utf-8")
    except UnicodeEncodeError as exc:
        return [*problems, f"{what}: not UTF-8 encodable: {exc}"]
    if len(raw) > DEFAULT_LIMITS.raw_bytes:
        problems.append(f"{what}: {len(raw)} raw bytes")
    try:
        plain, _ = parse_html(rich.html)
    except HtmlError as exc:
        return [*problems, f"{what}: Telegram would refuse the HTML: {exc}"]
    if plain != rich.plain:
        problems.append(f"{what}: parsed text differs from the measured text")
    return problems


def alert_problems(post: Post) -> list[str]:
    """Every form of the alert for ``post`` fits and parses; an exception is a problem too."""
    try:
        out = alert("-100", post, similar=3)
    except Exception as exc:  # the fuzz target: nothing may escape
        return [f"alert() raised {type(exc).__name__}: {exc}"]
    limits = DEFAULT_LIMITS
    problems = rich_problems(out.rich, limits.caption if out.media else limits.text, "message")
    if out.fallback is not None:
        problems += rich_problems(out.fallback, limits.text, "text fallback")
    if out.minimal is not None:
        problems += rich_problems(out.minimal, limits.text, "minimal")
    if len(out.media) > 10:
        problems.append(f"{len(out.media)} media in one album")
    return problems
