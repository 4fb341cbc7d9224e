import json
import logging

from bot import logs


def test_json_lines_with_fields_and_secrets_redacted(capsys):
    logs.setup("DEBUG", "json", secrets=["123456:SECRET-TOKEN"])
    logging.getLogger("bot.test").info("sent to %s", "https://api/bot123456:SECRET-TOKEN/sendMessage",
                                       extra={"chat": "@c", "url": "x/bot123456:SECRET-TOKEN/y"})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    event = json.loads(line)
    assert event["event"] == "sent to https://api/bot***/sendMessage"
    assert event["chat"] == "@c" and event["url"] == "x/bot***/y"
    assert "SECRET" not in line


def test_leaky_third_party_loggers_are_held_back():
    logs.setup("DEBUG", "json")
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert not logging.getLogger("tweepy").isEnabledFor(logging.DEBUG)
