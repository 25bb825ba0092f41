"""Persistent state of newscrawl (dedup index now, seen URLs later), one module per backend."""

from __future__ import annotations

from pathlib import Path

from newscrawl.store.base import DedupStore
from newscrawl.store.sqlite import SQLiteDatabase, SQLiteDedupStore

DEFAULT_STATE_DIR = ".newscrawl/"


def open_dedup_store(
    state_dir: str | Path = DEFAULT_STATE_DIR,
    redis_url: str | None = None,
    *,
    repeats_are_copies: bool = True,
) -> DedupStore:
    """The dedup index: shared in Redis when the crawl is scaled out (NEWSCRAWL_REDIS_URL), else
    SQLite under ``state_dir``.

    ``repeats_are_copies``: a story's first URL met again in this session is a copy (exports read
    offline may hold a page twice). A crawl fetches each URL once a run, so there (False) it is the
    same article fetched again, as when another worker takes over a killed worker's request.
    """
    if redis_url:
        from newscrawl.store.redis import RedisDedupStore  # redis-py takes 30 ms to import

        return RedisDedupStore.from_url(redis_url, repeats_are_copies=repeats_are_copies)
    return SQLiteDedupStore(SQLiteDatabase(state_dir), repeats_are_copies=repeats_are_copies)
