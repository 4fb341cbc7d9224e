"""`sahelwatch demo`, the README's first command: no network, no tokens, ends with a summary."""

import re
import subprocess

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
