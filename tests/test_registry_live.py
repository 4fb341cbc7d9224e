"""What is not used is not imported: live-only components in one-shot commands (demo, replay, analyze),
sources switched off."""

from __future__ import annotations

import importlib
import subprocess
import sys

from bot.registry import COMPONENTS, LIVE_ONLY, REGISTRY, SOURCES

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
