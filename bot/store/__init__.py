"""SQLite persistence: one file, WAL, ``BEGIN IMMEDIATE`` writes, numbered migrations."""

from bot.store.db import Store
from bot.store.posts import Saved, save_post

__all__ = ["Saved", "Store", "save_post"]
