"""Time the canned Datasette search under docker-compose.yml's exact command (5 s SQL time limit).

Builds a synthetic database (every 50th post ~40,000 characters, the stored maximum), starts the
pinned Datasette with the compose command, and prints, per search, the wall time and what came
back: rows, the "too many words" line, or Datasette's time-limit error. Goal: every answer < 6 s.

    python bench/datasette_search.py [--posts 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.datasette_support import compose_command, fill, free_port, running, search

SEARCHES = {
    "1 word": "attaque",
    "2 words": "attaque Ménaka",
    "15-term OR (29 words)": " OR ".join(f"w{i}" for i in range(15)),
    "30 words (AND)": " ".join(f"w{i}" for i in range(30)),
    "30 prefixes": " ".join(f"w{i}*" for i in range(30)),
    "30-term OR (59 words)": " OR ".join(f"w{i}" for i in range(30)),
    "300-term OR": " OR ".join(f"w{i}" for i in range(300)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sahelwatch.db"
        started = time.perf_counter()
        fill(db, args.posts)
        print(f"database: {args.posts} posts in {time.perf_counter() - started:.1f} s")
        port = free_port()
        with running(compose_command(db, port), port) as client:
            for name, q in SEARCHES.items():
                started = time.perf_counter()
                response = search(client, q)
                elapsed = time.perf_counter() - started
                print(f"{name:24} {elapsed:6.2f} s  {outcome(response)}")


def outcome(response) -> str:
    body = response.json()
    if not body.get("ok", True) or response.status_code != 200:
        return f"error {response.status_code}: {str(body.get('error'))[:80]}"
    rows = body["rows"]
    if len(rows) == 1 and rows[0]["url"] is None:
        return f"message: {rows[0]['snippet']}"
    return f"{len(rows)} rows"


if __name__ == "__main__":
    main()
