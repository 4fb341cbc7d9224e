"""Stage 1: derive the cleaned matching copy ``norm_text``; the original ``text`` stays intact."""

from __future__ import annotations

from bot.models import Post
from bot.pipeline.base import Context
from bot.text import clean


def normalise(post: Post, context: Context) -> Post:
    return post.with_(norm_text=clean(post.text))
