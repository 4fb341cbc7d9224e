"""The chat's changes seen by alert routing: subscribed private chats become channels, muted
topics route nowhere.

:func:`routing_with` takes the routing of ``channels.yaml`` and returns one in which each chat
with subscriptions is one more :class:`SubscriptionRule` (one rule per chat, so a post that
matches several of its topics still gives one alert), and in which every rule ignores the
muted topics of a post (``ChannelRule.muted``). The outbox, pacing and digests then treat a subscriber like a
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
        lang, topics = post.lang or "und", self.live_topics(post)
        return any(topic in topics and (langs is None or lang in langs) for topic, langs in self.per_topic)

    def topics_of(self, post: Post) -> list[str]:
        mine = {topic for topic, _ in self.per_topic}
        return [t for t in post.topics if t in mine]


def subscription_rules(subscriptions: tuple[Subscription, ...]) -> list[SubscriptionRule]:
    by_chat: dict[str, list[Subscription]] = defaultdict(list)
    for sub in subscriptions:
        by_chat[sub.chat_id].append(sub)
    return [SubscriptionRule(chat_id, frozenset(s.topic for s in subs), where="subscription",
                             per_topic=tuple((s.topic, s.languages) for s in subs))
            for chat_id, subs in by_chat.items()]


def routing_with(base: Routing, controls: Controls) -> Routing:
    configured = {rule.chat_id for rule in base.channels}
    rules = [*base.channels, *(r for r in subscription_rules(controls.subscriptions) if r.chat_id not in configured)]
    if muted := controls.muted():
        rules = [dataclasses.replace(rule, muted=muted) for rule in rules]
    return dataclasses.replace(base, channels=tuple(rules))
