"""The pipeline: an ordered list of small stages, each ``(Post, Context) -> Post | None``.

``None`` drops the post (it is counted, not stored). A stage never mutates the Post it was
given; it returns ``post.with_(...)``. Stages that need state (the store for dedupe, the
current watchlist for matching) read it from the :class:`Context`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.models import Post

if TYPE_CHECKING:
    from bot.store.db import Store

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What stages may read: the store (read-only use) and named shared objects."""

    store: Store | None = None
    extras: dict[str, Any] = field(default_factory=dict)


Stage = Callable[[Post, Context], Post | None]


@dataclass
class Pipeline:
    """Runs stages in order; the first ``None`` ends the run for that post."""

    stages: Sequence[Stage]
    context: Context = field(default_factory=Context)

    def run(self, post: Post) -> Post | None:
        for stage in self.stages:
            result = stage(post, self.context)
            if result is None:
                log.debug("post dropped", extra={"post": post.key, "stage": stage_name(stage)})
                return None
            post = result
        return post

    @property
    def names(self) -> list[str]:
        return [stage_name(s) for s in self.stages]


def stage_name(stage: Stage) -> str:
    return getattr(stage, "name", None) or getattr(stage, "__name__", type(stage).__name__)
