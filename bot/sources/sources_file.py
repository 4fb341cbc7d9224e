"""``watchlists/sources.yaml``: what the collectors watch, read strictly with ``file:line:column`` errors.

```yaml
feeds:                                  # RSS 2.0 / Atom / RDF
  - url: https://www.example.org/feed/
    name: Example News                  # optional; default: the feed's title
    language: fr                        # optional hint for the language stage
    every: 10m                          # optional; default 10m, minimum 1m
  - https://www.example.net/rss.xml     # a bare URL is fine
accounts:
  x: [handle]
  telegram: [channelname]               # public channels, no @
  bluesky: [name.bsky.social, did:plc:z72i7hdynmk6r22z27h6tvur]   # handles or did:plc: ids
  mastodon: [user@instance.social]
hashtags:
  mastodon: [Sahel, Mali]               # hashtag timelines, read on the listed accounts' instances
```

:func:`load_sources_file` is the one entry point (``sahelwatch watchlist check`` calls it too):
a missing file is an empty :class:`SourcesConfig`; any problem raises
:class:`~bot.errors.WatchlistError` with every ``file:line:column`` problem. Uses the
watchlists' node reader: duplicate keys are errors, YAML 1.1 coercions are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.errors import WatchlistError
from bot.watchlist.filewatch import FileHolder
from bot.watchlist.nodes import Reader, compose
from bot.watchlist.schema import Mark, Problem

FILE_NAME = "sources.yaml"
TOP_KEYS = ("feeds", "accounts", "hashtags")
FEED_KEYS = ("url", "name", "language", "every")
PLATFORMS = ("x", "telegram", "bluesky", "mastodon")
DEFAULT_EVERY, MIN_EVERY = 600.0, 60.0
DURATION = re.compile(r"^(\d+)\s*(s|m|min|h)$")
UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600}
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
NAMES = {
    "x": (re.compile(r"^[A-Za-z0-9_]{1,15}$"), "an X handle without @ (letters, digits, _; at most 15)"),
    "telegram": (re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$"), "a public channel name without @ (t.me/NAME)"),
    "bluesky": (re.compile(r"^(did:(plc|web):[A-Za-z0-9._:%-]+|([a-z0-9-]+\.)+[a-z][a-z0-9-]*)$"),
                "a handle such as name.bsky.social or a did:plc:... id"),
    "mastodon": (re.compile(r"^[A-Za-z0-9_]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$"), "user@instance.social"),
}
HASHTAG = re.compile(r"^\w+$")


@dataclass(frozen=True)
class Feed:
    url: str
    name: str | None = None
    language: str | None = None
    every: float = DEFAULT_EVERY
    where: str = ""
    """``file:line`` of the entry, for messages."""


@dataclass(frozen=True)
class SourcesConfig:
    feeds: tuple[Feed, ...] = ()
    x: tuple[str, ...] = ()
    telegram: tuple[str, ...] = ()
    bluesky: tuple[str, ...] = ()
    mastodon: tuple[str, ...] = ()
    mastodon_hashtags: tuple[str, ...] = ()

    def accounts(self, platform: str) -> tuple[str, ...]:
        return getattr(self, platform)


def _duration(reader: Reader, node: yaml.Node) -> float | None:
    match = DURATION.match(str(getattr(node, "value", "")).strip())
    seconds = float(int(match[1]) * UNITS[match[2]]) if match else None
    if seconds is None or seconds < MIN_EVERY:
        reader.report(node, "every must be a period of at least 1 minute such as 5m, 10m or 1h")
        return None
    return seconds


def _url(reader: Reader, node: yaml.Node) -> str | None:
    text = reader.string(node, "a feed url")
    if text is None:
        return None
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        reader.report(node, f"a feed url must start with http:// or https:// and name a host, found '{text}'")
        return None
    return text.strip()


def _feed(reader: Reader, node: yaml.Node) -> Feed | None:
    where = f"{reader.file}:{reader.mark(node).line}"
    if isinstance(node, yaml.ScalarNode):
        url = _url(reader, node)
        return Feed(url, where=where) if url else None
    pairs = reader.mapping(node, "a feed") or []
    reader.unknown_keys(pairs, FEED_KEYS, "a feed")
    fields = {key: value for key, _, value in pairs if key in FEED_KEYS}
    if "url" not in fields:
        if isinstance(node, yaml.MappingNode):
            reader.report(node, "a feed needs url")
        return None
    url = _url(reader, fields["url"])
    name = reader.string(fields["name"], "name") if "name" in fields else None
    language = reader.string(fields["language"], "language") if "language" in fields else None
    if language is not None and not LANGUAGE.match(language):
        reader.report(fields["language"], f"language must be a 2- or 3-letter code such as fr, en, ar, ha, "
                                          f"found '{language}'")
    every = _duration(reader, fields["every"]) if "every" in fields else DEFAULT_EVERY
    if url is None or every is None:
        return None
    return Feed(url, (name or "").strip() or None, language, every, where)


def _feeds(reader: Reader, node: yaml.Node) -> tuple[Feed, ...]:
    feeds: list[Feed] = []
    seen: dict[str, str] = {}
    for item in reader.sequence(node, "feeds") or []:
        feed = _feed(reader, item)
        if feed is None:
            continue
        if feed.url in seen:
            reader.report(item, f"feed {feed.url} is already listed at {seen[feed.url]}")
            continue
        seen[feed.url] = feed.where
        feeds.append(feed)
    return tuple(feeds)


def _names(reader: Reader, node: yaml.Node, what: str, pattern: re.Pattern[str], hint: str) -> tuple[str, ...]:
    names: list[str] = []
    for item in reader.sequence(node, what) or []:
        value = reader.string(item, f"each item of {what}")
        if value is None:
            continue
        if not pattern.match(value.strip()):
            reader.report(item, f"'{value}' in {what} is not {hint}")
        elif value.strip() in names:
            reader.report(item, f"'{value}' is listed twice in {what}")
        else:
            names.append(value.strip())
    return tuple(names)


def _section(reader: Reader, node: yaml.Node, what: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
    pairs = reader.mapping(node, what) or []
    reader.unknown_keys(pairs, known, what)
    return {key: value for key, _, value in pairs if key in known}


def parse_sources(file: str, text: str) -> SourcesConfig:
    """The configuration in ``text``; raises :class:`WatchlistError` listing every problem."""
    root, problems = compose(file, text)
    if problems:
        raise WatchlistError([str(p) for p in problems])
    if root is None:
        return SourcesConfig()
    reader = Reader(file)
    top = _section(reader, root, FILE_NAME, TOP_KEYS)
    feeds = _feeds(reader, top["feeds"]) if "feeds" in top else ()
    accounts = _section(reader, top["accounts"], "accounts", PLATFORMS) if "accounts" in top else {}
    names = {p: _names(reader, node, f"accounts.{p}", *NAMES[p]) for p, node in accounts.items()}
    tags = _section(reader, top["hashtags"], "hashtags", ("mastodon",)) if "hashtags" in top else {}
    hashtags = (_names(reader, tags["mastodon"], "hashtags.mastodon", HASHTAG, "a hashtag without #")
                if "mastodon" in tags else ())
    errors = sorted(p for p in reader.problems if p.level == "error")
    if errors:
        raise WatchlistError([str(p) for p in errors])
    return SourcesConfig(feeds=feeds, mastodon_hashtags=hashtags, **names)


def load_sources_file(path: Path, shown: str | None = None) -> SourcesConfig:
    """``sources.yaml`` at ``path`` (empty when the file does not exist)."""
    if not path.exists():
        return SourcesConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError([str(Problem(Mark(shown or str(path), 0, 0), f"cannot read: {exc}"))]) from None
    return parse_sources(shown or str(path), text)



class SourcesFileHolder(FileHolder[SourcesConfig]):
    """The ``sources.yaml`` in use (:class:`~bot.watchlist.filewatch.FileHolder`: last good kept)."""

    what = "sources"
    stays = "stay"

    def _load(self) -> SourcesConfig:
        return load_sources_file(self.path)
