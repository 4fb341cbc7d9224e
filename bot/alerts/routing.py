"""Which channel gets which post: the rules of ``watchlists/channels.yaml``, once loaded.

A channel takes a post that matched at least one topic, when the post has one of the channel's
``topics`` (default: all) and its language is one of ``languages`` (default: all). Urgent posts
and every post of a channel without ``digest`` go out immediately; the rest wait for the digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.alerts.transport import Target
from bot.models import Post


@dataclass(frozen=True)
class ChannelRule:
    chat_id: str
    """The outbox channel: a Telegram chat id or ``@name``, or ``<transport>:<name>`` (``webhook:ops``)."""
    topics: frozenset[str] | None = None
    languages: frozenset[str] | None = None
    digest: timedelta | None = None
    where: str = ""  # file:line of the rule, for messages
    muted: frozenset[str] = frozenset()  # topics an admin muted (/mute): they route nowhere for now
    transport: str = "telegram"  # which transport sends this channel's alerts (bot.alerts.transports)
    target: Target | None = None  # that transport's options from channels.yaml (a webhook's URL…)

    def live_topics(self, post: Post) -> tuple[str, ...]:
        return tuple(t for t in post.topics if t not in self.muted) if self.muted else post.topics

    def wants(self, post: Post) -> bool:
        topics = self.live_topics(post)
        if not topics:
            return False
        if self.topics is not None and not self.topics.intersection(topics):
            return False
        return self.languages is None or (post.lang or "und") in self.languages

    def immediate(self, post: Post) -> bool:
        return self.digest is None or post.severity == "urgent"

    def topics_of(self, post: Post) -> list[str]:
        """The post's topics this channel shows (digest sections)."""
        return [t for t in post.topics if self.topics is None or t in self.topics]


@dataclass(frozen=True)
class Routing:
    channels: tuple[ChannelRule, ...] = ()
    admins: tuple[int, ...] = ()
    admin_chat_id: str | None = None
    labels: Mapping[str, str | None] = field(default_factory=dict)
    """Topic name → what readers see (None: internal, never shown); from the watchlists."""
    analysts: tuple[int, ...] = ()  # besides the admins, who may use analyst commands
    analysts_any: bool = False  # ``analysts: any``: everyone may

    def channels_for(self, post: Post) -> list[ChannelRule]:
        return [rule for rule in self.channels if rule.wants(post)]

    def rule(self, chat_id: str) -> ChannelRule | None:
        return next((r for r in self.channels if r.chat_id == chat_id), None)


def chat_ref(chat_id: str) -> int | str:
    """What the Bot API takes: an integer id, or ``@username`` as written."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
