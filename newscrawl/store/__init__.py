"""Persistent state of newscrawl (dedup index now, seen URLs later), one module per backend."""

from __future__ import annotations

from pathlib import Path

from newscrawl.store.base import DedupStore
from newscrawl.store.sqlite import SQLiteDatabase, SQLiteDedupStore

DEFAULT_STATE_DIR = ".newscrawl/"


def open_dedup_store(state_dir: str | Path = DEFAULT_STATE_DIR) -> DedupStore:
    """The dedup index under ``state_dir`` (SQLite, the default backend)."""
    return SQLiteDedupStore(SQLiteDatabase(state_dir))
