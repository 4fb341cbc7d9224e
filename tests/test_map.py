"""The analysts' map and stories, for real: posts ingested by the product's own path into a real SQLite
file, Datasette started with docker-compose.yml's own command (metadata, plugins directory and settings
mapped from the service's volumes to the repo's files), and Debian's chromium, driven by Playwright,
opening the pages: markers must be drawn, and a story must list its posts."""

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Page, sync_playwright

from bot.cli.common import load_settings
from bot.models import Post
from bot.runtime import assemble
from bot.sources.base import Collected
from bot.store.db import Store
from tests.conftest import REPO, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MARKERS = ".leaflet-marker-icon"
BOULKESSI = [  # one incident, three languages, within the hour: one story
    ("fr", "Mali : au moins 12 soldats tués dans une attaque contre le camp de Boulkessi."),
    ("en", "Jihadists attacked the army camp at Boulkessi, central Mali, killing at least 12 soldiers."),
    ("ar", "مقتل 12 جنديا في هجوم على معسكر بولكيسي وسط مالي"),
]
OTHERS = [("fr", "Burkina : 20 civils tués dans une attaque à Djibo."),
          ("en", "Nigerien army drone strike near Banibangou, Tillaberi region."),
          ("fr", "Rien à signaler aujourd'hui.")]  # no place: no marker
PLACED = 5


def compose_command(db: Path, port: int) -> list[str]:
    """The compose service's command with container paths mapped to this machine's files."""
    service = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["datasette"]
    mounts = {}
    for volume in service["volumes"]:
        host, container = volume.split(":")[:2]
        mounts[container] = str(REPO / host) if host.startswith("./") else str(db.parent)
    args = [str(Path(sys.executable).parent / "datasette")]
    for arg in service["command"][1:]:
        for container, host in mounts.items():
            arg = arg.replace(container, host)
        args.append({"--host=0.0.0.0": "--host=127.0.0.1", "--port=8001": f"--port={port}"}.get(arg, arg))
    args[args.index(str(db.parent / "sahelwatch.db"))] = str(db)
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("map") / "analysts.db"  # not the default name: the queries must not depend on it
    ingest(db)
    port = free_port()
    server = subprocess.Popen(compose_command(db, port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: server.poll() is not None or _up(base), timeout=60) and server.poll() is None, \
            server.stdout.read().decode() if server.stdout else ""
        yield f"{base}/analysts"
    finally:
        server.terminate()
        server.wait(timeout=30)


def ingest(db: Path) -> None:
    store = Store(db)
    app = assemble(load_settings(db, x="off", telegram="off"), store, live=False).app()
    start = datetime.now(UTC) - timedelta(hours=3)
    for i, (lang, text) in enumerate(BOULKESSI + OTHERS):
        post = Post("rss", str(i), text, start + timedelta(minutes=20 * i), url=f"https://news.example/{i}",
                    lang_hint=lang)
        app.ingest_one("rss", Collected(post, None))
    store.close()


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def page() -> Iterator[Page]:
    assert shutil.which(CHROMIUM), "apt-get install -y chromium (.ci/run does it)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.route("**/*.tile.openstreetmap.org/**", lambda route: route.abort())  # no network for map tiles
        yield page
        browser.close()


def placed(page: Page, path: str) -> int:
    """Posts drawn on the map at ``path``: single markers count 1, a cluster the number it shows."""
    page.goto(path)
    page.wait_for_selector(MARKERS, timeout=30_000)
    icons = page.locator(MARKERS)
    return sum(int(icons.nth(i).inner_text().strip() or 0) if "marker-cluster" in (icons.nth(i).get_attribute(
        "class") or "") else 1 for i in range(icons.count()))


def test_map_query_draws_one_marker_per_placed_post(datasette, page, tmp_path):
    assert placed(page, f"{datasette}/map") == PLACED  # the three Boulkessi reports cluster on one spot
    assert page.locator("table.rows-and-columns tbody tr").count() == PLACED
    page.locator(f"{MARKERS}:not(.marker-cluster)").first.click()
    assert "Djibo" in page.locator(".leaflet-popup-content").inner_text() or \
        "Banibangou" in page.locator(".leaflet-popup-content").inner_text()
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    assert (tmp_path / "map.png").stat().st_size > 10_000


def test_posts_table_and_places_query_are_maps_too(datasette, page):
    assert placed(page, f"{datasette}/posts?_sort_desc=created_at") == PLACED
    assert placed(page, f"{datasette}/places") == 3  # Boulkessi (one row for its three posts), Djibo, Banibangou


def test_stories_are_on_the_map_and_a_story_lists_its_posts(datasette, page, tmp_path):
    assert placed(page, f"{datasette}/stories") == 1  # a story is a row once a second post joins it
    rows = page.locator("table.rows-and-columns tbody tr")
    boulkessi = rows.filter(has_text="Boulkessi")
    assert boulkessi.count() == 1
    story = boulkessi.locator("td.col-story").inner_text().strip()
    page.goto(f"{datasette}/story_posts?story={story}")
    page.wait_for_selector("table.rows-and-columns")
    langs = page.locator("table.rows-and-columns tbody td.col-lang").all_inner_texts()
    assert [lang.strip() for lang in langs] == ["fr", "en", "ar"]
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
