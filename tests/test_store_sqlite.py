"""The SQLite state store: first seen wins, state survives runs, a killed writer corrupts nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newscrawl.dedup.engine import DedupEngine, Document
from newscrawl.store import open_dedup_store
from newscrawl.store.base import Claim
from newscrawl.store.sqlite import DATABASE_NAME, SQLiteDatabase, SQLiteDedupStore
from tests.dedup_corpus import generate

REPO = Path(__file__).resolve().parents[1]


def claim(
    number: int, keys: tuple[int, ...] = (), anchors: tuple[int, ...] = (), sketch: bytes = b""
) -> Claim:
    return Claim(f"https://example.com/{number}", f"{number:016x}", keys or (number,), anchors, sketch)


def never_same(first: bytes, second: bytes) -> float:
    return 0.0


def always_same(first: bytes, second: bytes) -> float:
    return 0.9


def test_keys_decide_and_first_seen_wins(tmp_path: Path) -> None:
    store = open_dedup_store(tmp_path)
    first, second, again = store.resolve([claim(1), claim(2, keys=(7, 1)), claim(3, keys=(7,))], never_same)
    assert (first.story_id, first.duplicate_of) == (f"{1:016x}", None)
    assert (second.story_id, second.duplicate_of, second.similarity) == (
        f"{1:016x}",
        "https://example.com/1",
        1.0,
    )
    assert again.duplicate_of == "https://example.com/1"  # key 7 was learnt from the copy
    assert store.story_count() == 1


def test_anchors_need_verification(tmp_path: Path) -> None:
    store = open_dedup_store(tmp_path)
    store.resolve([claim(1, anchors=(5, 6), sketch=b"x")], never_same)
    (rejected,) = store.resolve([claim(2, anchors=(5,), sketch=b"y")], never_same)
    (accepted,) = store.resolve([claim(3, anchors=(6,), sketch=b"z")], always_same)
    assert rejected.duplicate_of is None
    assert (accepted.duplicate_of, accepted.similarity) == ("https://example.com/1", 0.9)


def test_thin_claims_never_match_by_anchor(tmp_path: Path) -> None:
    store = open_dedup_store(tmp_path)
    store.resolve([claim(1, anchors=(5,), sketch=b"x")], always_same)
    (thin,) = store.resolve([claim(2, anchors=(5,), sketch=b"")], always_same)
    assert thin.duplicate_of is None


def test_founding_url_of_an_earlier_run_is_not_its_own_copy(tmp_path: Path) -> None:
    store = open_dedup_store(tmp_path)
    store.resolve([claim(1)], never_same)
    (same_run,) = store.resolve([claim(1)], never_same)
    store.close()
    (next_run,) = open_dedup_store(tmp_path).resolve([claim(1)], never_same)
    assert (same_run.story_id, same_run.duplicate_of) == (f"{1:016x}", "https://example.com/1")
    assert (next_run.story_id, next_run.duplicate_of) == (f"{1:016x}", None)


def test_state_survives_reopening(tmp_path: Path) -> None:
    store = open_dedup_store(tmp_path)
    store.resolve([claim(1)], never_same)
    store.close()
    reopened = open_dedup_store(tmp_path)
    assert reopened.resolve([claim(2, keys=(1,))], never_same)[0].duplicate_of == "https://example.com/1"
    assert (tmp_path / DATABASE_NAME).exists()
    mode = sqlite3.connect(tmp_path / DATABASE_NAME).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    open_dedup_store(tmp_path).close()
    with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    with pytest.raises(RuntimeError, match="schema version 99"):
        SQLiteDatabase(tmp_path)


def test_failed_batch_leaves_no_trace(tmp_path: Path) -> None:
    store = SQLiteDedupStore(SQLiteDatabase(tmp_path))
    store.resolve([claim(1, anchors=(5,), sketch=b"x")], never_same)

    def broken(first: bytes, second: bytes) -> float:
        raise ValueError("verifier failed")

    with pytest.raises(ValueError, match="verifier failed"):
        store.resolve([claim(2), claim(3, anchors=(5,), sketch=b"y")], broken)
    assert store.story_count() == 1


def documents(records: list[dict]) -> list[Document]:
    return [Document(r["url"], r["canonical_url"], r["title"], r["body"]) for r in records]


def test_second_run_recognises_copies_of_first_run_stories(tmp_path: Path) -> None:
    records = generate(seed=3, stories=40, outlets=10)
    originals = [record for record in records if record["kind"] == "original"]
    copies = [record for record in records if record["kind"] == "copy"]
    first_run = DedupEngine(open_dedup_store(tmp_path))
    founded = {
        record["truth"]: (decision.story_id, record["url"])
        for record, decision in zip(originals, first_run.decide(documents(originals)), strict=True)
    }
    first_run.close()
    second_run = DedupEngine(open_dedup_store(tmp_path))
    decisions = second_run.decide(documents(copies))
    found = [
        (decision.story_id, decision.duplicate_of) == founded[record["truth"]]
        for record, decision in zip(copies, decisions, strict=True)
    ]
    assert sum(found) / len(found) >= 0.95


def test_decisions_are_deterministic_for_one_input_order(tmp_path: Path) -> None:
    records = generate(seed=5, stories=30, outlets=10)
    runs = []
    for name in ("a", "b"):
        engine = DedupEngine(open_dedup_store(tmp_path / name))
        runs.append([(d.story_id, d.duplicate_of, d.simhash) for d in engine.decide(documents(records))])
        engine.close()
    assert runs[0] == runs[1]


WRITER = textwrap.dedent(
    """
    import sys
    from newscrawl.store import open_dedup_store
    from newscrawl.store.base import Claim
    store = open_dedup_store(sys.argv[1])
    number = 0
    print("ready", flush=True)
    while True:
        claims = []
        for _ in range(50):
            number += 1
            claims.append(Claim(f"https://example.com/{number}", f"{number:016x}", (number,), (number,), b"s"))
        store.resolve(claims, lambda first, second: 0.0)
    """
)


def test_kill_9_during_writes_leaves_a_consistent_store(tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stories = connection.execute("SELECT count(*) FROM stories").fetchone()[0]
    keys = connection.execute("SELECT count(*) FROM story_keys").fetchone()[0]
    connection.close()
    assert stories > 0 and stories % 50 == 0 and keys == stories  # whole batches only
    store = open_dedup_store(tmp_path)
    (again,) = store.resolve([claim(1)], never_same)
    assert again.story_id == f"{1:016x}"
