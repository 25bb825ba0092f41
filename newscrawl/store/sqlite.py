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
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newscrawl.store.base import Claim, Resolution, Verifier

DATABASE_NAME = "state.sqlite3"
SCHEMA_VERSION = 2
# An anchor shared by this many stories is boilerplate or a template sentence: it stops growing
# and no longer nominates candidates.
POSTINGS_PER_ANCHOR = 16
CANDIDATES_PER_CLAIM = 8
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
# A posting list (the stories under one anchor) is stored packed in one row: one B-tree probe
# per anchor instead of a range scan, and 4 bytes per entry.
_POSTING = "<{}I"


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

    def __init__(self, database: SQLiteDatabase) -> None:
        self._database = database
        # Stories with a larger id were founded by this session (this run).
        self._session_start = database.connection.execute(
            "SELECT coalesce(max(id), 0) FROM stories"
        ).fetchone()[0]

    def resolve(self, claims: Sequence[Claim], verify: Verifier) -> list[Resolution]:
        with self._database.transaction() as cursor:
            return _BatchResolver(cursor, verify, self._session_start).run(claims)

    def story_count(self) -> int:
        return self._database.connection.execute("SELECT count(*) FROM stories").fetchone()[0]

    def close(self) -> None:
        self._database.close()


class _BatchResolver:
    """Decides a batch of claims in order inside one transaction.

    Reads everything the batch could hit in a few queries, then decides claim by claim,
    adding each new story to the in-memory view so later claims of the batch see it.
    """

    def __init__(self, cursor: sqlite3.Cursor, verify: Verifier, session_start: int) -> None:
        self._cursor = cursor
        self._verify = verify
        self._session_start = session_start
        self._known: dict[int, int] = {}
        self._postings: dict[int, list[int]] = {}
        self._stories: dict[int, tuple[str, str, bytes]] = {}
        self._new_stories: list[tuple[int, str, str, bytes]] = []
        self._new_keys: list[tuple[int, int]] = []
        self._grown_postings: set[int] = set()
        self._next_row = 0

    def run(self, claims: Sequence[Claim]) -> list[Resolution]:
        keys = {key for claim in claims for key in claim.keys}
        self._known = dict(self._select("SELECT key, story FROM story_keys WHERE key IN ({})", keys))
        anchors = {anchor for claim in claims if not self._known_story(claim) for anchor in claim.anchors}
        for anchor, packed in self._select(
            "SELECT anchor, stories FROM anchors WHERE anchor IN ({})", anchors
        ):
            self._postings[anchor] = list(struct.unpack(_POSTING.format(len(packed) // 4), packed))
        candidates = {
            story
            for posting in self._postings.values()
            if len(posting) < POSTINGS_PER_ANCHOR
            for story in posting
        }
        self._load_stories(candidates | set(self._known.values()))
        self._next_row = self._cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM stories").fetchone()[0]
        resolutions = [self._resolve(claim) for claim in claims]
        self._cursor.executemany(
            "INSERT INTO stories (id, story_id, url, sketch) VALUES (?, ?, ?, ?)", self._new_stories
        )
        # Sorted, the inserts walk each B-tree once instead of jumping between its pages.
        self._cursor.executemany(
            "INSERT OR IGNORE INTO story_keys (key, story) VALUES (?, ?)", sorted(self._new_keys)
        )
        self._cursor.executemany(
            "INSERT OR REPLACE INTO anchors (anchor, stories) VALUES (?, ?)",
            [
                (anchor, struct.pack(_POSTING.format(len(posting)), *posting))
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

    def _known_story(self, claim: Claim) -> int | None:
        for key in claim.keys:
            story = self._known.get(key)
            if story is not None:
                return story
        return None

    def _resolve(self, claim: Claim) -> Resolution:
        story = self._known_story(claim)
        similarity = 1.0
        if story is None and claim.sketch:
            story, similarity = self._best_candidate(claim)
        if story is None:
            return self._found(claim)
        story_id, first_url, _ = self._story(story)
        self._remember_keys(claim.keys, story)
        if first_url == claim.url and story <= self._session_start:
            # The first copy of a story from an earlier run, met again (a re-run over the same
            # export): still the first copy. Within one run, the same URL twice is a duplicate.
            return Resolution(story_id, None, similarity)
        return Resolution(story_id, first_url, similarity)

    def _best_candidate(self, claim: Claim) -> tuple[int | None, float]:
        """The first candidate, by shared anchors then age, that passes verification."""
        votes: dict[int, int] = {}
        for anchor in claim.anchors:
            posting = self._postings.get(anchor)
            if posting and len(posting) < POSTINGS_PER_ANCHOR:
                for story in posting:
                    votes[story] = votes.get(story, 0) + 1
        if not votes:
            return None, 0.0
        ranked = sorted(votes, key=lambda story: (-votes[story], story))[:CANDIDATES_PER_CLAIM]
        self._load_stories(ranked)
        for story in ranked:
            score = self._verify(claim.sketch, self._stories[story][2])
            if score > 0.0:
                return story, score
        return None, 0.0

    def _found(self, claim: Claim) -> Resolution:
        story = self._next_row
        self._next_row += 1
        self._new_stories.append((story, claim.story_id, claim.url, claim.sketch))
        self._stories[story] = (claim.story_id, claim.url, claim.sketch)
        self._remember_keys(claim.keys, story)
        if claim.sketch:
            for anchor in dict.fromkeys(claim.anchors):
                posting = self._postings.setdefault(anchor, [])
                if len(posting) < POSTINGS_PER_ANCHOR:
                    posting.append(story)
                    self._grown_postings.add(anchor)
        return Resolution(claim.story_id, None, 1.0)

    def _remember_keys(self, keys: tuple[int, ...], story: int) -> None:
        for key in keys:
            if key not in self._known:
                self._known[key] = story
                self._new_keys.append((key, story))

    def _load_stories(self, stories: Iterable[int]) -> None:
        missing = {story for story in stories if story not in self._stories}
        query = "SELECT id, story_id, url, sketch FROM stories WHERE id IN ({})"
        for row in self._select(query, missing):
            self._stories[row[0]] = (row[1], row[2], row[3])

    def _story(self, story: int) -> tuple[str, str, bytes]:
        if story not in self._stories:
            self._load_stories([story])
        return self._stories[story]
