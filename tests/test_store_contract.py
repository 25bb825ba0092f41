"""One suite for every state backend: SQLite (one machine) and Redis (scaled out) behave alike.

Each test gets a fresh backend and opens stores the way the crawler does, through
``open_dedup_store`` / ``open_seen_store``; reopening one is a later run.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from newscrawl.incremental import open_seen_store
from newscrawl.store import open_dedup_store
from newscrawl.store.base import Claim, DedupStore
from newscrawl.store.seen import SeenRecord, SeenStore

pytest_plugins = ("tests.redis_server",)


@dataclass
class Backend:
    name: str
    state_dir: Path
    redis_url: str | None

    def dedup(self) -> DedupStore:
        return open_dedup_store(self.state_dir, self.redis_url)

    def seen(self) -> SeenStore:
        return open_seen_store(self.state_dir, self.redis_url)


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return Backend(request.param, tmp_path / "state", url)


def claim(
    number: int, keys: tuple[int, ...] = (), anchors: tuple[int, ...] = (), sketch: bytes = b""
) -> Claim:
    return Claim(f"https://example.com/{number}", f"{number:016x}", keys or (number,), anchors, sketch)


def never_same(first: bytes, second: bytes) -> float:
    return 0.0


def always_same(first: bytes, second: bytes) -> float:
    return 0.9


# -- DedupStore ------------------------------------------------------------------------------------


def test_keys_decide_and_first_seen_wins(backend: Backend) -> None:
    store = backend.dedup()
    first, second, again = store.resolve([claim(1), claim(2, keys=(7, 1)), claim(3, keys=(7,))], never_same)
    assert (first.story_id, first.duplicate_of) == (f"{1:016x}", None)
    assert (second.story_id, second.duplicate_of, second.similarity) == (
        f"{1:016x}",
        "https://example.com/1",
        1.0,
    )
    assert again.duplicate_of == "https://example.com/1"  # key 7 was learnt from the copy
    assert store.story_count() == 1
    store.close()


def test_anchors_need_verification(backend: Backend) -> None:
    store = backend.dedup()
    store.resolve([claim(1, anchors=(5, 6), sketch=b"x")], never_same)
    (rejected,) = store.resolve([claim(2, anchors=(5,), sketch=b"y")], never_same)
    (accepted,) = store.resolve([claim(3, anchors=(6,), sketch=b"z")], always_same)
    assert rejected.duplicate_of is None
    assert (accepted.duplicate_of, accepted.similarity) == ("https://example.com/1", 0.9)
    store.close()


def test_verifier_sees_the_stored_sketch(backend: Backend) -> None:
    store = backend.dedup()
    store.resolve([claim(1, anchors=(5,), sketch=b"\x00\tbinary\nsketch")], never_same)
    compared: list[tuple[bytes, bytes]] = []

    def record(first: bytes, second: bytes) -> float:
        compared.append((first, second))
        return 0.8

    (copy,) = store.resolve([claim(2, anchors=(5,), sketch=b"mine")], record)
    assert compared == [(b"mine", b"\x00\tbinary\nsketch")]
    assert copy.duplicate_of == "https://example.com/1"
    store.close()


def test_thin_claims_never_match_by_anchor(backend: Backend) -> None:
    store = backend.dedup()
    store.resolve([claim(1, anchors=(5,), sketch=b"x")], always_same)
    (thin,) = store.resolve([claim(2, anchors=(5,), sketch=b"")], always_same)
    assert thin.duplicate_of is None
    store.close()


def test_founding_url_of_an_earlier_run_is_not_its_own_copy(backend: Backend) -> None:
    store = backend.dedup()
    store.resolve([claim(1)], never_same)
    (same_run,) = store.resolve([claim(1)], never_same)
    store.close()
    later = backend.dedup()
    (next_run,) = later.resolve([claim(1)], never_same)
    later.close()
    assert (same_run.story_id, same_run.duplicate_of) == (f"{1:016x}", "https://example.com/1")
    assert (next_run.story_id, next_run.duplicate_of) == (f"{1:016x}", None)


def test_without_repeats_as_copies_a_founding_url_fetched_again_stays_first(backend: Backend) -> None:
    """What a crawl opens: a URL comes twice in one run only when a killed worker's request was
    fetched again, and its item must stay the story's first copy."""
    store = open_dedup_store(backend.state_dir, backend.redis_url, repeats_are_copies=False)
    first, again = (store.resolve([claim(1)], never_same)[0] for _ in range(2))
    (copy,) = store.resolve([claim(2, keys=(1,))], never_same)
    store.close()
    assert (first.duplicate_of, again.duplicate_of) == (None, None)
    assert (copy.story_id, copy.duplicate_of) == (first.story_id, "https://example.com/1")


def test_failed_batch_leaves_no_trace(backend: Backend) -> None:
    store = backend.dedup()
    store.resolve([claim(1, anchors=(5,), sketch=b"x")], never_same)

    def broken(first: bytes, second: bytes) -> float:
        raise ValueError("verifier failed")

    with pytest.raises(ValueError, match="verifier failed"):
        store.resolve([claim(2), claim(3, anchors=(5,), sketch=b"y")], broken)
    assert store.story_count() == 1
    store.close()


def test_large_batch_with_extreme_keys(backend: Backend) -> None:
    store = backend.dedup()
    keys = [-(2**63), 2**63 - 1, 0, *range(1, 2500)]
    resolutions = store.resolve([claim(n, keys=(key,)) for n, key in enumerate(keys)], never_same)
    assert all(resolution.duplicate_of is None for resolution in resolutions)
    copies = store.resolve([claim(10_000 + n, keys=(key,)) for n, key in enumerate(keys)], never_same)
    assert [copy.duplicate_of for copy in copies] == [f"https://example.com/{n}" for n in range(len(keys))]
    assert store.story_count() == len(keys)
    store.close()


STORIES = 40


def resolve_shuffled(opener: Callable[[], DedupStore], seed: int) -> list[tuple[int, str | None]]:
    """One worker: every story's copy, in its own order, one claim per batch (as the pipeline does)."""
    store = opener()
    order = list(range(STORIES))
    random.Random(seed).shuffle(order)
    decided = []
    for story in order:
        copy = Claim(f"https://worker{seed}.example/{story}", f"{seed:08x}{story:08x}", (story,), (), b"")
        (resolution,) = store.resolve([copy], never_same)
        decided.append((story, resolution.duplicate_of))
    store.close()
    return decided


def test_concurrent_workers_found_each_story_once(backend: Backend) -> None:
    backend.dedup().close()  # create the state before the workers race
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        runs = pool.starmap(resolve_shuffled, [(backend.dedup, seed) for seed in range(4)])
    founders = [story for run in runs for story, duplicate_of in run if duplicate_of is None]
    assert sorted(founders) == list(range(STORIES))
    store = backend.dedup()
    assert store.story_count() == STORIES
    store.close()


# -- SeenStore -------------------------------------------------------------------------------------


def record(key: str, version: str = "", outlet: str = "ledger", story_id: str | None = None) -> SeenRecord:
    return SeenRecord(key, f"https://{outlet}.example/{key}", outlet, version, story_id)


def test_seen_versions_only_grow(backend: Backend) -> None:
    store = backend.seen()
    store.mark([record("a", "2026-11-01T00:00:00+00:00", story_id="s1"), record("b")])
    store.mark([record("a", "2026-10-01T00:00:00+00:00")])  # older: a slow worker, a re-export
    assert store.versions(["a", "b", "unknown"]) == {"a": "2026-11-01T00:00:00+00:00", "b": ""}
    store.mark([record("a", "2026-11-02T00:00:00+00:00"), record("b", "2026-11-03T00:00:00+00:00")])
    assert store.versions(["a", "b"]) == {
        "a": "2026-11-02T00:00:00+00:00",
        "b": "2026-11-03T00:00:00+00:00",
    }
    store.close()


def test_seen_state_survives_reopening(backend: Backend) -> None:
    store = backend.seen()
    store.mark([record(f"k{n}", outlet="ledger" if n % 3 else "gazette") for n in range(1200)])
    store.close()
    reopened = backend.seen()
    keys = [f"k{n}" for n in range(1300)]
    assert set(reopened.versions(keys)) == {f"k{n}" for n in range(1200)}
    assert reopened.counts_by_outlet() == {"gazette": 400, "ledger": 800}
    reopened.close()


def test_seen_forget_outlet(backend: Backend) -> None:
    store = backend.seen()
    store.mark([record("a", outlet="ledger"), record("b", outlet="ledger"), record("c", outlet="gazette")])
    store.mark([record("b", outlet="gazette")])  # the URL moved to another outlet
    assert store.counts_by_outlet() == {"gazette": 2, "ledger": 1}
    assert store.forget_outlet("ledger") == 1
    assert store.forget_outlet("nobody") == 0
    assert store.counts_by_outlet() == {"gazette": 2}
    assert store.versions(["a", "b", "c"]) == {"b": "", "c": ""}
    store.close()


def test_seen_forget_older_than(backend: Backend) -> None:
    store = backend.seen()
    store.mark([record("a"), record("b", outlet="gazette")])
    assert store.forget_older_than(1) == 0
    assert store.forget_older_than(-1) == 2  # a cutoff in the future: everything is older
    assert store.versions(["a", "b"]) == {}
    assert store.counts_by_outlet() == {}
    store.close()
