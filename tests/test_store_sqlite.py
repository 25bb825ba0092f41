"""SQLite-only behaviour of the state store (the shared rules are in test_store_contract.py):
state survives runs, the schema is guarded, a killed writer corrupts nothing."""

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
from newscrawl.store.sqlite import DATABASE_NAME, SQLiteDatabase
from tests.dedup_corpus import generate
from tests.test_store_contract import claim, never_same

REPO = Path(__file__).resolve().parents[1]






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
