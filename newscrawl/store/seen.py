"""The seen store: article URLs already exported, and the version of each that was exported.

Incremental crawls ask it before fetching an article: a URL exported before is
skipped unless its sitemap/feed date is newer than the version stored (the
article was updated). A URL is recorded only after its item is durably
written, so a crash can repeat an item but never lose one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from newscrawl.store.sqlite import SQLiteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_urls (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    outlet TEXT NOT NULL,
    version TEXT NOT NULL,
    story_id TEXT,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_urls_outlet ON seen_urls (outlet);
CREATE INDEX IF NOT EXISTS seen_urls_seen_at ON seen_urls (seen_at)
"""
_IN_CHUNK = 500  # bound parameters per IN (...) query


@dataclass(frozen=True, slots=True)
class SeenRecord:
    """One exported article: ``version`` is the newest date known for it ('' when none)."""

    key: str
    url: str
    outlet: str
    version: str
    story_id: str | None = None


class SeenStore(Protocol):
    """What incremental crawling needs from any backend (SQLite here, Redis when scaled out)."""

    def versions(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored version of each key that was exported before."""
        ...

    def mark(self, records: Iterable[SeenRecord]) -> None: ...

    def counts_by_outlet(self) -> dict[str, int]: ...

    def forget_outlet(self, outlet: str) -> int: ...

    def forget_older_than(self, days: float) -> int: ...

    def close(self) -> None: ...


class SQLiteSeenStore:
    """Seen URLs in the state database, beside the dedup index."""

    def __init__(self, database: SQLiteDatabase) -> None:
        self._database = database
        with database.transaction() as cursor:
            for statement in _SCHEMA.split(";"):
                cursor.execute(statement)

    def versions(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        connection = self._database.connection
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = list(keys[start : start + _IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(f"SELECT key, version FROM seen_urls WHERE key IN ({marks})", chunk)
            found.update(rows.fetchall())
        return found

    def mark(self, records: Iterable[SeenRecord]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(r.key, r.url, r.outlet, r.version, r.story_id, now) for r in records]
        if not rows:
            return
        with self._database.transaction() as cursor:
            # A newer version replaces the row; an older one (a slow worker, a re-export) never does.
            cursor.executemany(
                "INSERT INTO seen_urls (key, url, outlet, version, story_id, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET url = excluded.url, outlet = excluded.outlet, "
                "version = max(version, excluded.version), story_id = coalesce(excluded.story_id, story_id), "
                "seen_at = excluded.seen_at",
                rows,
            )

    def counts_by_outlet(self) -> dict[str, int]:
        rows = self._database.connection.execute("SELECT outlet, count(*) FROM seen_urls GROUP BY outlet")
        return dict(rows.fetchall())

    def forget_outlet(self, outlet: str) -> int:
        with self._database.transaction() as cursor:
            return cursor.execute("DELETE FROM seen_urls WHERE outlet = ?", (outlet,)).rowcount

    def forget_older_than(self, days: float) -> int:
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._database.transaction() as cursor:
            return cursor.execute("DELETE FROM seen_urls WHERE seen_at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        self._database.close()
