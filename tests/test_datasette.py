"""The Datasette service: the exact compose command starts the pinned version, and the canned
search answers any input within the time limit: a result, or one line saying what to change.
Timings: bench/datasette_search.py."""

from __future__ import annotations

from tests.datasette_support import compose_command, fill, free_port, image_version, running, search


def test_the_compose_command_starts_and_the_search_is_bounded(tmp_path):
    db = tmp_path / "sahelwatch.db"
    fill(db, 300)
    port = free_port()
    with running(compose_command(db, port), port) as client:
        versions = client.get("/-/versions.json").json()
        settings = client.get("/-/settings.json").json()
        words = search(client, "attaque Ménaka").json()["rows"]
        prefix = search(client, "menak* drone").json()["rows"]
        thirty = search(client, " OR ".join(f"w{i}" for i in range(15))).json()["rows"]
        too_many = search(client, " OR ".join(f"w{i}" for i in range(300)))
    assert versions["datasette"]["version"] == image_version()
    assert settings["sql_time_limit_ms"] == 5000 and settings["suggest_facets"] is False
    assert 0 < len(words) <= 100 and all("«attaque»" in r["snippet"] or "«Ménaka»" in r["snippet"] for r in words)
    assert [int(r["url"].rsplit("/", 1)[1]) for r in words] == sorted(
        (int(r["url"].rsplit("/", 1)[1]) for r in words), reverse=True)  # newest stored first
    assert prefix and all("«" not in r["snippet"] and len(r["snippet"]) <= 201 for r in prefix)
    assert len(thirty) == 100
    assert too_many.status_code == 200
    assert too_many.json()["rows"] == [{"created_at": None, "author_handle": None, "lang": None, "topics": None,
                                        "snippet": "Too many words (599): search with at most 30, OR and AND "
                                                   "included.", "url": None}]
