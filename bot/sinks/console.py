"""Console sink: one readable line per stored post (time, lang, topics, author, text, url)."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from bot.models import Post
from bot.store.posts import Saved
from bot.text import clean


class ConsoleSink:
    name = "console"

    def __init__(
        self, stream: TextIO | None = None, *, only_matches: bool = False, width: int | None = None
    ) -> None:
        self.stream = stream or sys.stdout
        self.only_matches = only_matches
        tty = self.stream.isatty()
        self.width = width or (shutil.get_terminal_size((120, 20)).columns if tty else 0)

    def emit(self, post: Post, saved: Saved) -> None:
        if not saved.new or (self.only_matches and not post.topics):
            return
        print(format_line(post, self.width), file=self.stream, flush=True)


def format_line(post: Post, width: int = 120) -> str:
    """One line; the text is cut to fit ``width`` columns (0: never cut, e.g. output to a file)."""
    topics = ",".join(post.topics) or "-"
    marker = "!" if post.severity == "urgent" else " "
    dup = f" [dup of {post.duplicate_of}]" if post.duplicate_of else ""
    when = f"{post.created_at:%Y-%m-%d %H:%M}Z"
    head = f"{when} {marker}{post.lang or 'und':3} {topics:24} @{post.author_handle or '?'}"
    snippet = clean(post.text)  # clean() already drops bidi controls
    room = max(40, width - len(head) - len(post.url) - len(dup) - 4)
    if width and len(snippet) > room:
        snippet = snippet[: room - 1].rstrip() + "…"
    return f"{head} {snippet} {post.url}{dup}".rstrip()
