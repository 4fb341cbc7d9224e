"""Datasette as docker-compose.yml runs it, on this machine: for tests/test_datasette.py and the bench.

The command is read from the compose file's ``datasette`` service and only its paths (the
volumes' container paths → their host paths) and port are replaced, so the test runs what the
container runs. Test extras pin ``datasette`` to the compose image's version.
"""

from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml

from bot.store.db import Store

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
INSERT = ("INSERT INTO posts (platform, platform_id, key, url, author_handle, author_name, created_at, "
          "collected_at, stored_at, text) VALUES ('x', ?, ?, ?, 'reporter', 'Reporter', ?, ?, ?, ?)")


def service() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["datasette"]


def image_version() -> str:
    return str(service()["image"]).rsplit(":", 1)[1]


def compose_command(db: Path, port: int) -> list[str]:
    """The compose command with the volumes mapped to ``db``'s folder and the repo, on ``port``."""
    spec = service()
    mounts = {}
    for volume in spec["volumes"]:
        host, container = volume.split(":")[:2]
        mounts[container] = str(db.parent) if host == "storage" else str((REPO / host).resolve())
    args = []
    for arg in spec["command"]:
        arg = str(arg)
        for container, host in mounts.items():
            arg = arg.replace(container, host)
        args.append(arg.replace("--port=8001", f"--port={port}").replace("--host=0.0.0.0", "--host=127.0.0.1"))
    assert args[0] == "datasette"
    return [str(Path(sys.executable).with_name("datasette")), *args[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(command: list[str], port: int, timeout: float = 60.0) -> Iterator[httpx.Client]:
    """Start ``command``; yield a client for it once it answers; stop it."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"datasette exited {proc.returncode}: {proc.communicate()[1][-2000:]}")
            with contextlib.suppress(httpx.TransportError):
                if client.get("/-/versions.json").status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("datasette did not answer")
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.communicate(timeout=30)


def fill(path: Path, posts: int, *, seed: int = 1, vocabulary: int = 300, long_every: int = 50) -> None:
    """``posts`` synthetic posts through the real migrations: words ``w0``… plus a few real ones;
    every ``long_every``-th post is 6,000 words (about 40,000 characters, the stored maximum)."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)] + ["attaque", "Ménaka", "drone", "convoi", "Gao"]
    now = "2026-11-20T06:00:00+00:00"
    rows = []
    for i in range(posts):
        text = " ".join(rng.choices(words, k=6000 if i % long_every == 0 else rng.randint(20, 60)))
        rows.append((str(i), f"x:{i}", f"https://x.com/reporter/status/{i}", now, now, now, text))
    store = Store(path)
    try:
        with store.write() as db:
            db.conn.executemany(INSERT, rows)
    finally:
        store.close()


def search(client: httpx.Client, q: str) -> httpx.Response:
    return client.get("/sahelwatch/search.json", params={"q": q, "_shape": "objects"})
