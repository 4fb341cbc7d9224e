"""`sahelwatch demo`, the README's first command: no network, no tokens, ends with a summary."""

import re
import shutil
import subprocess
import sys

from tests.conftest import REPO, SAHELWATCH, cli_env


def test_demo_replays_the_sample_and_prints_a_summary(tmp_path):
    proc = subprocess.run([*SAHELWATCH, "demo"], env=cli_env(), cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    summary = re.search(r"read (\d+), stored (\d+), duplicates (\d+),", proc.stdout)
    read, stored, duplicates = map(int, summary.groups())
    posts = sum(1 for line in (REPO / "bot/data/sample.jsonl").open() if line.strip())
    assert read == stored == posts and 0 < duplicates < stored
    langs = dict(re.findall(r"(\w+) (\d+)", proc.stdout.split("languages:")[1].splitlines()[0]))
    assert {"en", "fr", "ar", "ha"} <= set(langs)
    assert "attack" in proc.stdout.split("topics:")[1] and "niger" in proc.stdout.split("topics:")[1]
    assert "https://x.com/" in proc.stdout  # the posts themselves were printed
    assert list(tmp_path.iterdir()) == []  # the throwaway database was removed


def test_demo_runs_from_an_installed_package_with_no_repository_beside_it(tmp_path):
    """What ``pip install`` leaves: ``bot/`` in site-packages, links followed, no ``watchlists/``
    beside it. The demo still has the shipped watchlists, carried by the package."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "bot", site / "bot", ignore=shutil.ignore_patterns("__pycache__"))  # links followed
    assert not (site / "watchlists").exists() and not (site / "bot/data/watchlists").is_symlink()
    env = cli_env(PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "from bot.config import default_watchlists as d; print(d())"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
    assert where.stdout.strip() == str(site / "bot/data/watchlists")
    proc = subprocess.run([*SAHELWATCH, "demo", "--quiet"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "attack" in proc.stdout.split("topics:")[1] and "niger" in proc.stdout.split("topics:")[1]
