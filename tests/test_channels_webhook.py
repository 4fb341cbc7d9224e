"""channels.yaml: a webhook destination instead of a Telegram chat, read as strictly as the rest."""

from __future__ import annotations

import pytest

from bot.alerts.channels import parse_routing
from bot.alerts.webhook import WebhookTarget
from bot.errors import WatchlistError

GOOD = """\
channels:
  - chat_id: "@sahel_alerts_en"
  - webhook: https://hooks.example.org/sahel/T0KEN
    name: ops
    secret_env: SAHEL_HOOK_SECRET
    topics: [attack]
    digest: 1h
  - webhook: http://10.0.0.7:8080/in
    secret_file: /run/secrets/hook
"""


def test_webhook_channels_are_named_and_carry_their_target() -> None:
    telegram, ops, plain = parse_routing("channels.yaml", GOOD).channels
    assert (telegram.chat_id, telegram.transport, telegram.target) == ("@sahel_alerts_en", "telegram", None)
    assert (ops.chat_id, ops.transport, ops.topics, ops.where) == ("webhook:ops", "webhook", frozenset({"attack"}),
                                                                    "channels.yaml:3")
    assert ops.target == WebhookTarget("https://hooks.example.org/sahel/T0KEN", "SAHEL_HOOK_SECRET", None)
    assert (plain.chat_id, plain.target) == ("webhook:10.0.0.7", WebhookTarget("http://10.0.0.7:8080/in", None,
                                                                                "/run/secrets/hook"))


def problems(source: str) -> list[str]:
    with pytest.raises(WatchlistError) as caught:
        parse_routing("channels.yaml", source)
    return caught.value.problems


def test_every_webhook_mistake_is_reported_at_its_line() -> None:
    source = """\
channels:
  - webhook: ftp://files.example.org/drop
  - webhook: https://a.example.org/x
    chat_id: "-100"
  - chat_id: "-100123"
    secret_env: HOOK
  - webhook: https://b.example.org/x
    secret_env: "s3cr3t value!"
  - webhook: https://c.example.org/x
    secret_env: HOOK
    secret_file: /run/secrets/hook
  - webhook: https://d.example.org/x
    name: "has space"
  - webhook: https://e.example.org/one
  - webhook: https://e.example.org/two
  - webhook: https://f.example.org/x
    secert_env: HOOK
"""
    assert problems(source) == [
        "channels.yaml:2:14: webhook must be an http:// or https:// URL with a host",
        "channels.yaml:4:14: a channel has one destination: webhook or chat_id, not both",
        "channels.yaml:6:17: secret_env is not a key of a Telegram channel (chat_id)",
        "channels.yaml:8:17: secret_env must be the name of an environment variable, not the secret",
        "channels.yaml:11:18: give secret_env or secret_file, not both",
        "channels.yaml:13:11: name must be letters, digits, '.', '_' or '-' (at most 64)",
        "channels.yaml:15:14: webhook webhook:e.example.org is already routed at channels.yaml:14:5",
        "channels.yaml:17:5: unknown key 'secert_env' in a channel; did you mean 'secret_env'?",
    ]
