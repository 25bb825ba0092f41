"""Persistent state of newscrawl (dedup index now, seen URLs later), one module per backend."""

from __future__ import annotations

from pathlib import Path

from newscrawl.store.base import DedupStore
from newscrawl.store.redis import RedisDedupStore
from newscrawl.store.sqlite import SQLiteDatabase, SQLiteDedupStore

DEFAULT_STATE_DIR = ".newscrawl/"


def open_dedup_store(state_dir: str | Path = DEFAULT_STATE_DIR, redis_url: str | None = None) -> DedupStore:
    """The dedup index: shared in Redis when the crawl is scaled out (NEWSCRAWL_REDIS_URL), else
    SQLite under ``state_dir``."""
    if redis_url:
        return RedisDedupStore.from_url(redis_url)
    return SQLiteDedupStore(SQLiteDatabase(state_dir))
