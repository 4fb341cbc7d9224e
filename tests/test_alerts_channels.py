"""channels.yaml: strict reading with file:line:column problems, hot reload, component wiring."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from bot.alerts.channels import Known, RoutingHolder, check_routing, parse_routing
from bot.alerts.delivery import Delivery
from bot.config import Settings
from bot.errors import ConfigError, WatchlistError
from bot.pipeline.watchlist_reload import build
from bot.runtime import assemble, default_watchlists
from bot.store.db import Store

GOOD = """\
channels:
  - chat_id: "@sahel_alerts_en"    # or a numeric id
    topics: [russia, attack]
    languages: [en, fr]
    digest: 1h
  - chat_id: -1001234567890
admins: [123456789]
admin_chat_id: "-1009876543210"
"""


def test_a_valid_file() -> None:
    routing = parse_routing("channels.yaml", GOOD)
    first, second = routing.channels
    assert (first.chat_id, first.topics, first.languages, first.digest, first.where) == (
        "@sahel_alerts_en", frozenset({"russia", "attack"}), frozenset({"en", "fr"}), timedelta(hours=1),
        "channels.yaml:2")
    assert (second.chat_id, second.topics, second.languages, second.digest) == ("-1001234567890", None, None, None)
    assert (routing.admins, routing.admin_chat_id) == ((123456789,), "-1009876543210")


def test_every_problem_is_reported_with_its_position() -> None:
    source = """\
channels:
  - chat_id: "@sahel_alerts_en"
    topic: [attack]
    languages: [en, no]
    digest: 2x
  - chat_id: "@sahel_alerts_en"
    digest: 1m
  - topics: [attack]
admins: [bob]
admin_chat_id: "-100"
admin_chat_id: "-200"
"""
    with pytest.raises(WatchlistError) as caught:
        parse_routing("watchlists/channels.yaml", source)
    assert caught.value.problems == [
        "watchlists/channels.yaml:3:5: unknown key 'topic' in a channel; did you mean 'topics'?",
        "watchlists/channels.yaml:4:21: each item of languages must be text, but YAML 1.1 reads no as a "
        'boolean (False); quote it: "no"',
        "watchlists/channels.yaml:5:13: digest must be a period of at least 5 minutes such as 15m, 1h or 1d",
        "watchlists/channels.yaml:6:14: chat_id @sahel_alerts_en is already routed at watchlists/channels.yaml:2:5",
        "watchlists/channels.yaml:7:13: digest must be a period of at least 5 minutes such as 15m, 1h or 1d",
        "watchlists/channels.yaml:8:5: a channel needs chat_id",
        "watchlists/channels.yaml:9:10: admins must be numeric Telegram user ids (usernames can change)",
        "watchlists/channels.yaml:11:1: duplicate key 'admin_chat_id' in channels.yaml (first defined on line 10)",
    ]


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(WatchlistError) as caught:
        parse_routing("channels.yaml", "channels:\n  - chat_id: @name\n")
    assert caught.value.problems == [
        "channels.yaml:2:14: a value cannot start with '@': YAML reserves that character; put the value in "
        'quotes: "@name"'
    ]


def test_hot_reload_keeps_the_last_good_routing(tmp_path: Path) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(GOOD, encoding="utf-8")
    holder = RoutingHolder(path)
    rejected: list[WatchlistError] = []
    holder.on_invalid.append(rejected.append)
    rewrite(path, GOOD.replace("digest: 1h", "digest: soon"))
    assert holder.check_now() is False and rejected == []  # changed: wait one check for it to settle
    assert holder.check_now() is False
    assert holder.get().channels[0].digest == timedelta(hours=1)
    assert "channels.yaml:5:13: digest must be" in str(rejected[0])
    rewrite(path, GOOD.replace("digest: 1h", "digest: 15m"))
    assert holder.check_now() is False
    assert holder.check_now() is True
    assert holder.get().channels[0].digest == timedelta(minutes=15)


def rewrite(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))  # a distinct mtime even on coarse clocks


def settings_for(tmp_path: Path, **env: str) -> Settings:
    shipped = Path(__file__).resolve().parent.parent / "watchlists" / "attacks.yaml"
    (tmp_path / "attacks.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    return Settings.from_env({"SAHELWATCH_WATCHLISTS": str(tmp_path), "SAHELWATCH_DB": str(tmp_path / "d.db"),
                              **env})


@pytest.mark.parametrize(
    ("env", "live", "with_file", "on"),
    [
        ({"TELEGRAM_BOT_TOKEN": "1:abc", "SAHELWATCH_TELEGRAM": "auto"}, True, True, True),
        ({"TELEGRAM_BOT_TOKEN": "1:abc", "SAHELWATCH_TELEGRAM": "auto"}, False, True, False),
        ({"TELEGRAM_BOT_TOKEN": "1:abc", "SAHELWATCH_TELEGRAM": "auto"}, True, False, False),
        ({"SAHELWATCH_TELEGRAM": "auto"}, True, True, False),
        ({"TELEGRAM_BOT_TOKEN": "1:abc", "SAHELWATCH_TELEGRAM": "off"}, True, True, False),
    ],
)
def test_delivery_is_wired_only_when_configured(tmp_path: Path, env: dict[str, str], live: bool,
                                                with_file: bool, on: bool) -> None:
    if with_file:  # settings_for's watchlist has 'ambush' and 'attack'
        (tmp_path / "channels.yaml").write_text(GOOD.replace("russia, attack", "ambush, attack"), encoding="utf-8")
    store = Store(tmp_path / "d.db")
    runtime = assemble(settings_for(tmp_path, **env), store, live=live)
    assert any(isinstance(s, Delivery) for s in runtime.sinks) is on
    assert bool(store.alert_hooks) is on
    store.close()


def test_telegram_on_without_channels_file_is_a_config_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.db")
    with pytest.raises(ConfigError, match=r"channels\.yaml does not exist"):
        assemble(settings_for(tmp_path, TELEGRAM_BOT_TOKEN="1:abc", SAHELWATCH_TELEGRAM="on"), store)
    store.close()


def test_the_shipped_example_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "watchlists" / "channels.yaml.example"
    topics = {t.name for t in build(default_watchlists()).watchlist.topics}
    routing = parse_routing(str(example), example.read_text(encoding="utf-8"), Known(topics, ("en", "fr", "ar", "ha")))
    assert routing.channels[0].chat_id == "@sahel_alerts_en" and routing.admin_chat_id == "-1009876543210"


def test_a_topic_no_watchlist_defines_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(WatchlistError) as caught:
        RoutingHolder(path, lambda: {"attack", "ambush", "russia_wagner"})
    assert caught.value.problems == [
        f"{path}:3:14: topic 'russia' is in no watchlist, so this channel would never get it; "
        "did you mean 'russia_wagner'?"
    ]


def test_language_codes_posts_never_carry(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = "channels:\n  - chat_id: -100\n    languages: [fre, en, tmh, es, und, ha]\n"
    routing, problems = check_routing("channels.yaml", source, Known(None, ("en", "fr", "ar", "ha")))
    assert routing is None
    assert [str(p) for p in problems] == [
        "channels.yaml:3:17: unknown language code 'fre': posts carry two-letter ISO 639-1 codes; write 'fr'",
        "channels.yaml:3:26: unknown language code 'tmh': this language has no two-letter code, so its posts "
        "are labelled 'und'; write 'und'",
        "channels.yaml:3:31: warning: no post is labelled 'es': the bot detects only en, fr, ar, ha "
        "(SAHELWATCH_LANGUAGES), others are 'und'; add it there or drop it here",
    ]
    path = tmp_path / "channels.yaml"
    path.write_text(source.replace("fre, ", "").replace("tmh, ", ""), encoding="utf-8")
    assert RoutingHolder(path, None, ("en", "fr")).get().channels[0].languages == {"en", "es", "und", "ha"}
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"{path}:3:21: warning: no post is labelled 'es': the bot detects only en, fr (SAHELWATCH_LANGUAGES), "
        "others are 'und'; add it there or drop it here",
        f"{path}:3:30: warning: no post is labelled 'ha': the bot detects only en, fr (SAHELWATCH_LANGUAGES), "
        "others are 'und'; add it there or drop it here",
    ]
