"""watchlists/sources.yaml: the documented format loads; every mistake is a file:line:column error;
a running bot keeps the last good version; the collector switches follow it."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError, WatchlistError
from bot.registry import REGISTRY
from bot.runtime import assemble
from bot.sources import sources_file
from bot.sources.kit import SourcePlugin
from bot.sources.sources_file import Feed, SourcesFileHolder, load_sources_file, parse_sources

DOCUMENTED = sources_file.__doc__.split("```yaml\n")[1].split("```")[0]  # the example in the docstring


def test_documented_example_loads():
    config = parse_sources("sources.yaml", DOCUMENTED)
    assert config.feeds == (
        Feed("https://www.example.org/feed/", "Example News", "fr", 600.0, "sources.yaml:2"),
        Feed("https://www.example.net/rss.xml", None, None, 600.0, "sources.yaml:6"),
    )
    assert config.x == ("handle",) and config.telegram == ("channelname",)
    assert config.bluesky == ("name.bsky.social", "did:plc:z72i7hdynmk6r22z27h6tvur")
    assert config.mastodon == ("user@instance.social",) and config.mastodon_hashtags == ("Sahel", "Mali")


@pytest.mark.parametrize(("text", "expected"), [
    ("feeds:\n  - ftp://example.org/feed\n", "s.yaml:2:5: a feed url must start with http:// or https://"),
    ("feeds:\n  - url: https://a.org/f\n    every: 30s\n", "s.yaml:3:12: every must be a period of at least 1 minute"),
    ("feeds:\n  - url: https://a.org/f\n    lang: fr\n", "s.yaml:3:5: unknown key 'lang' in a feed; did you mean"),
    ("feeds:\n  - https://a.org/f\n  - https://a.org/f\n", "s.yaml:3:5: feed https://a.org/f is already listed"),
    ("feeds:\n  - name: x\n", "s.yaml:2:5: a feed needs url"),
    ("accounts:\n  telegram: ['@chan']\n", "s.yaml:2:14: '@chan' in accounts.telegram is not a public channel name"),
    ("accounts:\n  mastodon: [user]\n", "s.yaml:2:14: 'user' in accounts.mastodon is not user@instance.social"),
    ("accounts:\n  telegarm: [chan]\n", "s.yaml:2:3: unknown key 'telegarm' in accounts; did you mean 'telegram'?"),
    ("hashtags:\n  mastodon: ['#Mali']\n", "s.yaml:2:14: '#Mali' in hashtags.mastodon is not a hashtag without #"),
    ("feeds:\n  - url: https://a.org/f\n    language: NO\n", "s.yaml:3:15: language must be text"),
    ("feeds: [\n", "s.yaml:2:1: YAML syntax"),
    ("feeds: []\nfeeds: []\n", "s.yaml:2:1: duplicate key 'feeds'"),
])
def test_mistakes_are_reported_with_file_line_column(text, expected):
    with pytest.raises(WatchlistError) as err:
        parse_sources("s.yaml", text)
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems


def test_missing_file_is_empty_and_a_broken_edit_keeps_the_last_good(tmp_path):
    path = tmp_path / "sources.yaml"
    assert load_sources_file(path).feeds == ()
    path.write_text("feeds:\n  - https://a.org/f\n", encoding="utf-8")
    holder = SourcesFileHolder(path)
    rejected, reloaded = [], []
    holder.on_invalid.append(rejected.append)
    holder.on_reloaded.append(reloaded.append)
    path.write_text("feeds:\n  - ftp://a.org/f\n", encoding="utf-8")
    holder.check_now()  # the change is read once the file stayed the same for one check
    holder.check_now()
    assert holder.get().feeds[0].url == "https://a.org/f" and len(rejected) == 1 and not reloaded
    path.write_text("feeds:\n  - https://b.org/f\n  - https://c.org/f\n", encoding="utf-8")
    holder.check_now()
    holder.check_now()
    assert [f.url for f in holder.get().feeds] == ["https://b.org/f", "https://c.org/f"] and len(reloaded) == 1
    path.unlink()  # deleting the file is a change too: nothing listed (it used to go unnoticed)
    holder.check_now()
    holder.check_now()
    assert holder.get().feeds == () and len(reloaded) == 2


class Dummy:
    def __init__(self, name: str) -> None:
        from bot.sources.base import SourceHealth

        self.name, self.health = name, SourceHealth(name)

    async def collect(self, cursor, stop):
        return
        yield


@pytest.mark.parametrize(("switch", "listed", "built"), [
    ("auto", True, True), ("auto", False, False), ("off", True, False), ("on", True, True)])
def test_a_collector_is_on_when_its_switch_and_sources_yaml_say_so(tmp_path, store, switch, listed, built):
    (tmp_path / "t.yaml").write_text("topics:\n  a:\n    terms: [x]\n", encoding="utf-8")
    if listed:
        (tmp_path / "sources.yaml").write_text("feeds:\n  - https://a.org/f\n", encoding="utf-8")
    plugin = SourcePlugin("feeds-test", "feeds", lambda kit: bool(kit.config().feeds), lambda kit: [Dummy("f")])
    with REGISTRY.plugged(plugin):
        runtime = assemble(Settings(watchlists=tmp_path, feeds=switch), store)
    assert ("f" in [s.name for s in runtime.sources]) is built


def test_switch_on_with_nothing_listed_is_a_config_error(tmp_path, store):
    (tmp_path / "t.yaml").write_text("topics:\n  a:\n    terms: [x]\n", encoding="utf-8")
    plugin = SourcePlugin("feeds-test", "feeds", lambda kit: bool(kit.config().feeds), lambda kit: [])
    with REGISTRY.plugged(plugin), pytest.raises(ConfigError, match="SAHELWATCH_FEEDS=on but there is nothing"):
        assemble(Settings(watchlists=tmp_path, feeds="on"), store)
