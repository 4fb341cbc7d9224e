"""Stage 1: derive the cleaned matching copy ``norm_text`` and the canonical ``links``.

The original ``text`` stays intact. ``links`` = the links the source gave (X's expanded URLs)
plus those written in the text, each in canonical form (:mod:`bot.pipeline.urls`) and once; a
``t.co`` link in the text is left out when the source gave any expanded link (it is one of
them, shortened).

A ``created_at`` later than ``collected_at`` becomes ``collected_at`` (Bluesky's own rule for
``createdAt``, which any client may set: the later of the two never sorts first). One post
dated 2099 would otherwise sit on top of ``/search`` for ever, and move the dedupe window
(pruned relative to the newest post seen) past every real post. The claimed time stays in
``raw``.
"""

from __future__ import annotations

from bot.models import Post
from bot.pipeline.base import Context
from bot.pipeline.urls import canonical_urls, urls_in
from bot.text import clean


def normalise(post: Post, context: Context) -> Post:
    written = urls_in(post.text)
    if post.links:
        written = [u for u in written if "//t.co/" not in u.lower()]
    return post.with_(norm_text=clean(post.text), links=canonical_urls([*post.links, *written]),
                      created_at=min(post.created_at, post.collected_at))
