"""The chat's changes seen by alert routing: subscribed private chats become channels, muted
topics route nowhere.

:func:`routing_with` takes the routing of ``channels.yaml`` and returns one in which each chat
with subscriptions is one more :class:`SubscriptionRule` (one rule per chat, so a post that
matches several of its topics still gives one alert), and whose ``channels_for`` ignores the
muted topics of a post. The outbox, pacing and digests then treat a subscriber exactly like a
channel: same rows, same one-alert-per-story keys, same pacing (one message a second in a
private chat).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from bot.alerts.routing import ChannelRule, Routing
from bot.commands.controls import Controls, Subscription
from bot.models import Post


@dataclass(frozen=True)
class SubscriptionRule(ChannelRule):
    """A private chat's subscriptions: per topic, the languages wanted (None: all)."""

    per_topic: tuple[tuple[str, frozenset[str] | None], ...] = ()

    def wants(self, post: Post) -> bool:
        lang = post.lang or "und"
        return any(topic in post.topics and (langs is None or lang in langs) for topic, langs in self.per_topic)

    def topics_of(self, post: Post) -> list[str]:
        mine = {topic for topic, _ in self.per_topic}
        return [t for t in post.topics if t in mine]


@dataclass(frozen=True)
class LayeredRouting(Routing):
    muted: frozenset[str] = frozenset()

    def channels_for(self, post: Post) -> list[ChannelRule]:
        if self.muted and self.muted.intersection(post.topics):
            post = dataclasses.replace(post, topics=tuple(t for t in post.topics if t not in self.muted))
        return super().channels_for(post)


def subscription_rules(subscriptions: tuple[Subscription, ...]) -> list[SubscriptionRule]:
    by_chat: dict[str, list[Subscription]] = defaultdict(list)
    for sub in subscriptions:
        by_chat[sub.chat_id].append(sub)
    return [SubscriptionRule(chat_id, frozenset(s.topic for s in subs), None, None, "subscription",
                             tuple((s.topic, s.languages) for s in subs))
            for chat_id, subs in by_chat.items()]


def routing_with(base: Routing, controls: Controls) -> LayeredRouting:
    configured = {rule.chat_id for rule in base.channels}
    extra = [rule for rule in subscription_rules(controls.subscriptions) if rule.chat_id not in configured]
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Routing)}
    fields["channels"] = (*base.channels, *extra)
    return LayeredRouting(**fields, muted=controls.muted())
