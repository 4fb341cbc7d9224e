"""What is not used is not imported: live-only components in one-shot commands (demo, replay, analyze),
sources switched off, and in a live run every part (delivery, commands, metrics, a source) not switched on."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

from bot.registry import COMPONENTS, LIVE_ONLY, REGISTRY, SOURCES
from tests.conftest import cli_env

NETWORK = ("telegram", "tweepy", "httpx", "requests", "prometheus_client", "websockets")
CHECK = """
import sys
from bot.registry import REGISTRY
names = [f.__module__ for f in REGISTRY.components(live={live})]
print(",".join(names))
print(",".join(m for m in {network!r} if m in sys.modules))
"""


def components_and_network(live: bool) -> tuple[list[str], list[str]]:
    out = subprocess.run([sys.executable, "-c", CHECK.format(live=live, network=NETWORK)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return out[0].split(","), [m for m in out[1].split(",") if m]


def test_one_shot_commands_import_no_live_component_nor_network_library() -> None:
    names, network = components_and_network(live=False)
    assert names == [c for c in COMPONENTS if c not in LIVE_ONLY] == ["bot.components.watchlist",
                                                                       "bot.components.pipeline"]
    assert network == []


def test_live_runs_get_every_component_in_order() -> None:
    assert [f.__module__ for f in REGISTRY.components(live=True)] == list(COMPONENTS)


def test_each_source_module_is_listed_with_its_plugins_switch() -> None:
    assert {name: importlib.import_module(name).PLUGIN.switch for name in SOURCES} == SOURCES


def test_a_source_switched_off_is_not_imported() -> None:
    check = ("import sys; from bot.config import Settings; from bot.registry import REGISTRY; "
             "names = [p.name for p in REGISTRY.sources(Settings.from_env({'SAHELWATCH_X': 'off'}))]; "
             "print(','.join(names)); print('tweepy' in sys.modules)")
    names, tweepy = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
    assert "x" not in names.split(",") and "feeds" in names.split(",")
    assert tweepy == "False"


ASSEMBLE = """
import sys
from bot.config import Settings
from bot.runtime import assemble
from bot.store.db import Store
settings = Settings.from_env()
runtime = assemble(settings, Store(settings.db), live=True)
print(",".join(sorted(source.name.split(":")[0] for source in runtime.sources)))
print(",".join(m for m in {network!r} if m in sys.modules))
"""
MODULES = (*NETWORK, "feedparser", "telegram.ext")


def live_run(tmp_path: Path, sources: str = "", channels: bool = False, **env: str) -> tuple[list[str], set[str]]:
    """The sources a live ``run`` assembles (nothing connects yet) and the libraries it imported."""
    directory = tmp_path / "watchlists"
    directory.mkdir(parents=True)
    (directory / "topics.yaml").write_text("topics:\n  attack:\n    terms: [attaque]\n", encoding="utf-8")
    if sources:
        (directory / "sources.yaml").write_text(sources, encoding="utf-8")
    if channels:
        (directory / "channels.yaml").write_text('channels:\n  - chat_id: "@sahel_alerts"\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", ASSEMBLE.format(network=MODULES)], capture_output=True, text=True,
                         check=True, env=cli_env(SAHELWATCH_WATCHLISTS=str(directory),
                                                 SAHELWATCH_DB=str(tmp_path / "sahelwatch.db"), **env))
    names, imported = out.stdout.splitlines()
    return [n for n in names.split(",") if n], {m for m in imported.split(",") if m}


def test_a_live_run_with_nothing_switched_on_imports_no_network_library(tmp_path: Path) -> None:
    assert live_run(tmp_path) == ([], set())


def test_a_live_run_imports_the_parts_it_switches_on_and_only_those(tmp_path: Path) -> None:
    names, imported = live_run(tmp_path / "feeds", "feeds:\n  - url: https://example.org/feed.xml\n")
    assert names == ["feed"]
    assert imported == {"feedparser"}  # httpx comes with the first request
    names, imported = live_run(tmp_path / "telegram", channels=True, TELEGRAM_BOT_TOKEN="123:abc",
                               X_BEARER_TOKEN="x-token", SAHELWATCH_METRICS_PORT="9")
    assert names == ["x"]
    assert imported >= {"telegram", "telegram.ext", "tweepy", "prometheus_client"}
    assert "feedparser" not in imported and "websockets" not in imported


CHECK_COMMAND = """
import atexit, sys
atexit.register(lambda: print("imported:", ",".join(m for m in {modules!r} if m in sys.modules)))
sys.argv = ["sahelwatch", "watchlist", "check"]
from bot.cli import main
main()
"""
WEBHOOK_CHANNELS = """\
channels:
  - chat_id: "@sahel_alerts_en"
  - webhook: https://hooks.example.org/sahel/in
    name: ops
    topics: [attack]
"""


def test_watchlist_check_reads_every_file_without_the_network_libraries_or_numpy(tmp_path: Path) -> None:
    """The admin's check after an edit (watchlists, a Telegram chat and a webhook in channels.yaml,
    right and then wrong) imports no delivery, source or pipeline library."""
    watchlists = tmp_path / "watchlists"
    shutil.copytree(Path(__file__).resolve().parent.parent / "watchlists", watchlists)
    answers = []
    for channels in (WEBHOOK_CHANNELS, WEBHOOK_CHANNELS.replace("https://", "ftp://")):
        (watchlists / "channels.yaml").write_text(channels, encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CHECK_COMMAND.format(modules=(*NETWORK, "numpy"))],
                              cwd=tmp_path, env=cli_env(SAHELWATCH_WATCHLISTS=str(watchlists)),
                              capture_output=True, text=True)
        answers.append((done.returncode, done.stdout + done.stderr))
    (ok, good), (refused, bad) = answers
    assert ok == 0 and "and channels.yaml; 0 error(s)" in good and good.splitlines()[-1] == "imported: "
    assert refused != 0 and "channels.yaml:3" in bad and "webhook must be an http:// or https:// URL" in bad
    assert "imported: \n" in bad
