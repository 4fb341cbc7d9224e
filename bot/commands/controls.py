"""What admins and analysts change from the chat, kept in SQLite so a restart keeps it.

- ``subscriptions``: one row per (private chat, topic), with the languages wanted (none: all);
- ``mutes``: a topic gets no alerts until a time (posts are still stored and matched);
- ``pauses``: a source stops collecting, or a channel stops sending, until resumed.

:class:`Controls` caches the three tables in memory (the post hook reads them for every post)
and re-reads them after each change it makes; every change is one ``BEGIN IMMEDIATE`` write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.models import utcnow
from bot.store.db import Store

PauseKind = Literal["source", "channel"]


@dataclass(frozen=True)
class Subscription:
    chat_id: str
    topic: str
    languages: frozenset[str] | None  # None: every language


class Controls:
    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self.subscriptions: tuple[Subscription, ...] = ()
        self.mutes: dict[str, datetime] = {}
        self.pauses: frozenset[tuple[str, str]] = frozenset()
        self.refresh()

    def refresh(self) -> None:
        rows = self.store.query("SELECT chat_id, topic, languages FROM subscriptions ORDER BY chat_id, topic")
        self.subscriptions = tuple(Subscription(r["chat_id"], r["topic"], frozenset(json.loads(r["languages"]))
                                                or None) for r in rows)
        self.mutes = {r["topic"]: datetime.fromisoformat(r["until"])
                      for r in self.store.query("SELECT topic, until FROM mutes")}
        self.pauses = frozenset((r["kind"], r["name"]) for r in self.store.query("SELECT kind, name FROM pauses"))

    # --- subscriptions -------------------------------------------------------------------------
    def subscribe(self, chat_id: str, user_id: int, topics: Iterable[str], languages: Iterable[str]) -> None:
        langs = json.dumps(sorted(set(languages)))
        with self.store.write() as db:
            db.conn.executemany(
                "INSERT INTO subscriptions (chat_id, topic, languages, user_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (chat_id, topic) DO UPDATE SET languages = excluded.languages",
                [(chat_id, topic, langs, user_id, self.clock().isoformat()) for topic in topics],
            )
        self.refresh()

    def unsubscribe(self, chat_id: str, topics: Iterable[str] = ()) -> int:
        """Drop the chat's subscriptions to ``topics`` (all when empty); return how many went."""
        wanted = list(topics)
        with self.store.write() as db:
            if wanted:
                marks = ", ".join("?" * len(wanted))
                cursor = db.execute(f"DELETE FROM subscriptions WHERE chat_id = ? AND topic IN ({marks})",
                                    (chat_id, *wanted))
            else:
                cursor = db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            removed = cursor.rowcount
        self.refresh()
        return removed

    def subscriptions_of(self, chat_id: str) -> list[Subscription]:
        return [s for s in self.subscriptions if s.chat_id == chat_id]

    # --- mutes -----------------------------------------------------------------------------------
    def mute(self, topic: str, until: datetime, user_id: int) -> None:
        with self.store.write() as db:
            db.execute("INSERT INTO mutes (topic, until, user_id, created_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (topic) DO UPDATE SET until = excluded.until, user_id = excluded.user_id",
                       (topic, until.isoformat(), user_id, self.clock().isoformat()))
        self.refresh()

    def unmute(self, topic: str) -> bool:
        with self.store.write() as db:
            removed = db.execute("DELETE FROM mutes WHERE topic = ?", (topic,)).rowcount
        self.refresh()
        return bool(removed)

    def muted(self) -> frozenset[str]:
        """Topics muted right now (expired mutes simply stop counting)."""
        now = self.clock()
        return frozenset(topic for topic, until in self.mutes.items() if until > now)

    # --- pauses ----------------------------------------------------------------------------------
    def pause(self, kind: PauseKind, name: str, user_id: int) -> bool:
        """Pause ``name``; False when it was already paused."""
        with self.store.write() as db:
            added = db.execute("INSERT INTO pauses (kind, name, user_id, created_at) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT DO NOTHING", (kind, name, user_id, self.clock().isoformat())).rowcount
        self.refresh()
        return bool(added)

    def resume(self, kind: PauseKind, name: str) -> bool:
        with self.store.write() as db:
            removed = db.execute("DELETE FROM pauses WHERE kind = ? AND name = ?", (kind, name)).rowcount
        self.refresh()
        return bool(removed)

    def paused(self, kind: PauseKind) -> frozenset[str]:
        return frozenset(name for k, name in self.pauses if k == kind)

    def source_paused(self, name: str) -> bool:
        return ("source", name) in self.pauses
