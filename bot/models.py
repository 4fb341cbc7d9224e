"""The records that move one way through SahelWatch.

A source builds a :class:`Post` from what it collected; each pipeline stage returns a new
``Post`` via :func:`dataclasses.replace` (never mutates one); the store persists it. All
datetimes are timezone-aware UTC; all collections are tuples so records stay hashable and
comparable in tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

MediaKind = Literal["photo", "video", "gif"]
Severity = Literal["urgent", "routine"]
EventType = Literal[
    "battle", "remote_violence", "violence_against_civilians", "protest", "riot", "strategic"
]
EVENT_TYPES: tuple[str, ...] = (
    "battle", "remote_violence", "violence_against_civilians", "protest", "riot", "strategic"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Media:
    """One photo, video or GIF attached to a post, referenced by URL (never downloaded)."""

    kind: MediaKind
    url: str
    preview_url: str | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    alt_text: str | None = None


@dataclass(frozen=True)
class Refs:
    """Platform ids of the posts this one reposts, quotes or replies to."""

    repost_of: str | None = None
    quote_of: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class Match:
    """Why a post matched: one watchlist term found at ``[start, end)`` of the ORIGINAL text."""

    topic: str
    term: str
    start: int
    end: int
    evasion: bool = False


@dataclass(frozen=True)
class Place:
    """Where a post's incident happened, as resolved by the enrich stage.

    ``country`` is ISO 3166-1 alpha-2; ``name`` the canonical place name (a town, or an
    admin-1 region or the country itself when the text says no more); ``why`` the words
    that decided it (shown to analysts, never parsed).
    """

    country: str
    name: str
    admin1: str | None
    lat: float
    lon: float
    why: str = ""


@dataclass(frozen=True)
class Casualties:
    """Numbers stated in the text (``None`` = not stated; 0 only when the text says so)."""

    killed: int | None = None
    wounded: int | None = None
    kidnapped: int | None = None

    def __bool__(self) -> bool:
        return any(n is not None for n in (self.killed, self.wounded, self.kidnapped))


@dataclass(frozen=True)
class StoryRef:
    """The incident a post reports, as decided by the story stage.

    ``key`` is the key of the story's first post (a post alone starts its own story);
    ``update`` says why this post makes the story worth a second alert ("toll now 25 killed,
    was 12"), or is ``None``.
    """

    key: str
    update: str | None = None


@dataclass(frozen=True)
class Post:
    """One collected item. Identity is ``(platform, platform_id)``.

    The first block is what a source knows; the second is added by pipeline stages.
    """

    platform: str
    platform_id: str
    text: str
    created_at: datetime
    url: str = ""
    author_id: str = ""
    author_handle: str = ""
    author_name: str = ""
    collected_at: datetime = field(default_factory=utcnow)
    lang_hint: str | None = None
    media: tuple[Media, ...] = ()
    refs: Refs = Refs()
    raw: str = ""
    truncated: bool = False
    """``text`` was cut to the stored maximum (``SAHELWATCH_MAX_POST_CHARS``) and ends in "…"."""
    links: tuple[str, ...] = ()
    """URLs the post links to, as expanded by the platform where it says (X ``entities.urls``);
    the normalise stage adds those written in the text and makes them canonical."""
    # --- derived by pipeline stages -------------------------------------------------------
    norm_text: str | None = None
    lang: str | None = None
    lang_conf: float | None = None
    lang_detector: str | None = None
    content_hash: str | None = None
    signature: tuple[int, ...] = ()
    duplicate_of: str | None = None
    matches: tuple[Match, ...] = ()
    topics: tuple[str, ...] = ()
    severity: Severity | None = None
    places: tuple[str, ...] = ()
    place: Place | None = None
    event: EventType | None = None
    casualties: Casualties = Casualties()
    story: StoryRef | None = None

    @property
    def key(self) -> str:
        """``platform:platform_id``: the natural key, as used in logs and ``duplicate_of``."""
        return f"{self.platform}:{self.platform_id}"

    def with_(self, **changes: object) -> Post:
        """Return a copy with ``changes`` applied (stages never mutate a Post).

        What :func:`dataclasses.replace` does, without re-running ``__init__`` over 35 fields:
        several stages call it for every post (a tenth of the pipeline's time, measured)."""
        unknown = changes.keys() - _POST_FIELDS
        if unknown:
            raise TypeError(f"Post has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(Post)
        copy.__dict__.update(self.__dict__, **changes)
        return copy


_POST_FIELDS = frozenset(f.name for f in dataclasses.fields(Post))


def split_key(key: str) -> tuple[str, str]:
    """Inverse of :attr:`Post.key`."""
    platform, _, platform_id = key.partition(":")
    return platform, platform_id
