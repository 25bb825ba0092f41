"""SQLite backend: one database file under NEWSCRAWL_STATE_DIR for all persistent state.

WAL journaling with one transaction per batch of claims: a crash (even ``kill -9``) loses at
most the batch in flight and never leaves the file inconsistent. ``BEGIN IMMEDIATE`` takes the
write lock before the first read, so concurrent processes resolving claims are serialized and
"look up, else insert" stays atomic.

Space per story (measured in benchmarks/dedup_speed.py): one ``stories`` row (the first URL, the
story id and a sketch of 9 bytes a sentence, at most 48 sentences), one ``story_keys`` row per
identity (URL keys, text hash; copies add only their URL keys) and 4 bytes in each of up to 8
``anchors`` posting lists.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newscrawl.store.base import Claim, Resolution, Verifier
from newscrawl.store.resolver import ClaimResolver, pack_posting, unpack_posting

DATABASE_NAME = "state.sqlite3"
SCHEMA_VERSION = 2
_IN_CHUNK = 10_000  # bound parameters per IN (...) query (SQLite allows 32,766)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    story_id TEXT NOT NULL,
    url TEXT NOT NULL,
    sketch BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS story_keys (key INTEGER PRIMARY KEY, story INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS anchors (anchor INTEGER PRIMARY KEY, stories BLOB NOT NULL);
"""
# A posting list (the stories under one anchor) is stored packed in one row (``pack_posting``):
# one B-tree probe per anchor instead of a range scan, and 4 bytes per entry.


class SQLiteDatabase:
    """The state file: opened in WAL mode, schema created on first use."""

    def __init__(self, state_dir: str | Path) -> None:
        directory = Path(state_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / DATABASE_NAME
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA cache_size=-65536")  # KiB
        self.connection.execute("PRAGMA wal_autocheckpoint=8192")  # pages: fewer, larger checkpoints
        self._create_schema()

    def _create_schema(self) -> None:
        with self.transaction() as cursor:
            for statement in filter(None, (part.strip() for part in _SCHEMA.split(";"))):
                cursor.execute(statement)
            row = cursor.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO meta (name, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: schema version {row[0]}, this newscrawl reads {SCHEMA_VERSION}"
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class SQLiteDedupStore:
    """The dedup index in the state database (implements ``DedupStore``)."""

    def __init__(self, database: SQLiteDatabase, *, repeats_are_copies: bool = True) -> None:
        self._database = database
        # Stories with a larger id were founded by this session (this run); with repeats_are_copies
        # off, every story counts as earlier, so a first URL met again stays the first copy.
        self._session_start = (
            database.connection.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0]
            if repeats_are_copies
            else sys.maxsize
        )

    def resolve(self, claims: Sequence[Claim], verify: Verifier) -> list[Resolution]:
        with self._database.transaction() as cursor:
            return _BatchResolver(cursor, verify, self._session_start).run(claims)

    def story_count(self) -> int:
        return self._database.connection.execute("SELECT count(*) FROM stories").fetchone()[0]

    def close(self) -> None:
        self._database.close()


class _BatchResolver(ClaimResolver):
    """Decides a batch of claims inside one transaction.

    Reads everything the batch could hit in a few queries, decides claim by claim with the
    shared rules, then writes what the batch founded.
    """

    def __init__(self, cursor: sqlite3.Cursor, verify: Verifier, session_start: int) -> None:
        super().__init__(verify, session_start)
        self._cursor = cursor

    def run(self, claims: Sequence[Claim]) -> list[Resolution]:
        keys = {key for claim in claims for key in claim.keys}
        self._known = dict(self._select("SELECT key, story FROM story_keys WHERE key IN ({})", keys))
        anchors = {anchor for claim in claims if not self._known_story(claim) for anchor in claim.anchors}
        for anchor, packed in self._select(
            "SELECT anchor, stories FROM anchors WHERE anchor IN ({})", anchors
        ):
            self._postings[anchor] = unpack_posting(packed)
        self._load_stories(self.candidate_stories() | set(self._known.values()))
        self._next_story = self._cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM stories").fetchone()[0]
        resolutions = self.decide(claims)
        self._cursor.executemany(
            "INSERT INTO stories (id, story_id, url, sketch) VALUES (?, ?, ?, ?)",
            [(story, *row) for story, row in self._new_stories.items()],
        )
        # Sorted, the inserts walk each B-tree once instead of jumping between its pages.
        self._cursor.executemany(
            "INSERT OR IGNORE INTO story_keys (key, story) VALUES (?, ?)", sorted(self._new_keys.items())
        )
        self._cursor.executemany(
            "INSERT OR REPLACE INTO anchors (anchor, stories) VALUES (?, ?)",
            [
                (anchor, pack_posting(posting))
                for anchor in sorted(self._grown_postings)
                if (posting := self._postings[anchor])
            ],
        )
        return resolutions

    def _select(self, query: str, values: set[int]) -> list[tuple[Any, ...]]:
        ordered = sorted(values)
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
            rows += self._cursor.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def _load_stories(self, stories: Iterable[int]) -> None:
        missing = {story for story in stories if story not in self._stories}
        query = "SELECT id, story_id, url, sketch FROM stories WHERE id IN ({})"
        for row in self._select(query, missing):
            self._stories[row[0]] = (row[1], row[2], row[3])
