"""Datasette plugin (loaded with --plugins-dir): canned queries for the map and the stories, for
ANY database that has SahelWatch's tables, whatever the file is called (metadata.yml queries are
keyed by database name, which is the file's name). Markers come from datasette-cluster-map,
which draws any result with ``latitude``/``longitude`` columns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl

QUERIES: dict[str, dict[str, str]] = {
    "map": {
        "title": "Posts on the map",
        "description": "The 1,000 latest posts with a resolved place, as markers (click one for the post).",
        "sql": """SELECT p.created_at, p.country, p.place, p.admin1, p.event, p.killed, p.wounded, p.kidnapped,
       p.lat AS latitude, p.lon AS longitude, p.lang, substr(p.text, 1, 280) AS text, p.url, p.place_why
FROM posts AS p
WHERE p.lat IS NOT NULL AND p.duplicate_of IS NULL
ORDER BY p.created_at DESC
LIMIT 1000""",
    },
    "places": {
        "title": "Places in the last 30 days",
        "description": "Posts per place and event type over the last 30 days, with their total stated toll.",
        "sql": """SELECT p.country, p.place, p.admin1, p.event, count(*) AS posts, sum(p.killed) AS killed,
       max(p.created_at) AS latest, p.lat AS latitude, p.lon AS longitude
FROM posts AS p
WHERE p.lat IS NOT NULL AND p.duplicate_of IS NULL
  AND p.created_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-30 days')
GROUP BY p.country, p.place, p.event
ORDER BY posts DESC""",
    },
}

STORY_QUERIES: dict[str, dict[str, str]] = {
    "stories": {
        "title": "Stories",
        "description": "The 500 latest stories (one incident across posts, languages and sources), on the map. "
                       "Open \"A story's posts\" with a story number.",
        "sql": """SELECT s.id AS story, s.first_at, s.last_at, s.country, s.place, s.admin1, s.event,
       s.killed, s.wounded, s.kidnapped, s.posts, s.languages, s.title,
       s.lat AS latitude, s.lon AS longitude
FROM stories AS s
ORDER BY s.last_at DESC
LIMIT 500""",
    },
    "story_posts": {
        "title": "A story's posts",
        "description": "Every post of one story (its number is the first column of \"Stories\"), oldest first.",
        "sql": """SELECT p.created_at, p.lang, p.author_handle, p.country, p.place, p.event, p.killed, p.wounded,
       p.kidnapped, substr(p.text, 1, 280) AS text, p.url, p.duplicate_of
FROM posts AS p
WHERE p.story_id = :story
ORDER BY p.created_at, p.id""",
    },
}


@hookimpl
def canned_queries(datasette: Any, database: str) -> Callable[[], Awaitable[dict[str, dict[str, str]]]]:
    async def queries() -> dict[str, dict[str, str]]:
        db = datasette.get_database(database)
        found = QUERIES if await db.table_exists("posts") else {}
        return {**found, **STORY_QUERIES} if found and await db.table_exists("stories") else found

    return queries
