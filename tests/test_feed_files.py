"""Crash-safe feed files: a killed run's ``.part`` is published once, under a name no file has, and a
new run never writes into, truncates or publishes a ``.part`` another process holds."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newscrawl import feeds
from newscrawl.feeds import PART_SUFFIX, AtomicFileFeedStorage, FeedFileBusy, recover_partial_files


@pytest.fixture
def spider() -> Spider:
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    return Spider.from_crawler(crawler, name="outlets")


@pytest.fixture
def scaled_out() -> Iterator[feeds._ScaledOut]:
    """This process as a scaled-out worker that keeps the lines whose URL is not handed back."""
    feeds.SCALED_OUT.worker = "me#1"
    feeds.SCALED_OUT.lines_to_keep = lambda incarnation: lambda line: b'"handed-back"' not in line
    yield feeds.SCALED_OUT
    feeds.SCALED_OUT.worker = feeds.SCALED_OUT.lines_to_keep = None


def test_recovered_files_never_replace_one_another(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").write_text('{"url": "published"}\n')
    for url in ("first", "second", "third"):
        (tmp_path / "out.jsonl.part").write_text(f'{{"url": "{url}"}}\n')
        os.utime(tmp_path / "out.jsonl.part", (1_790_000_000, 1_790_000_000))  # killed in the same second
        recover_partial_files(tmp_path)
    contents = sorted(path.read_text() for path in tmp_path.glob("out*.jsonl"))
    assert contents == [f'{{"url": "{url}"}}\n' for url in ("first", "published", "second", "third")]
    assert {path.name for path in tmp_path.glob("out.recovered-*")} == {
        "out.recovered-2026-09-21T14-13-20.jsonl",
        "out.recovered-2026-09-21T14-13-20-2.jsonl",
        "out.recovered-2026-09-21T14-13-20-3.jsonl",
    }


def test_a_part_published_before_its_recovery_was_killed_is_not_published_twice(tmp_path: Path) -> None:
    part = tmp_path / "out.jsonl.part"
    part.write_text('{"url": "a"}\n')
    os.link(part, tmp_path / "out.recovered-2026-11-29T06-00-00.jsonl")  # then killed before the unlink
    assert recover_partial_files(tmp_path) == []
    assert [path.name for path in tmp_path.iterdir()] == ["out.recovered-2026-11-29T06-00-00.jsonl"]


def test_a_scaled_out_workers_part_is_filtered_and_never_takes_the_plain_name(
    tmp_path: Path, scaled_out: feeds._ScaledOut
) -> None:
    """A restarted worker of the same name publishes ``out.jsonl`` later: the killed one's file
    must not sit under that name."""
    (tmp_path / "out.jsonl.part").write_text('{"url": "kept"}\n{"url": "handed-back"}\n{"url": "cut')
    (tmp_path / "out.jsonl.part.worker").write_text("me#0\n")
    (recovered,) = recover_partial_files(tmp_path)
    assert recovered.name.startswith("out.recovered-")
    assert recovered.read_text() == '{"url": "kept"}\n'
    assert [path.name for path in tmp_path.iterdir()] == [recovered.name]


def test_a_workers_part_is_held_while_open_and_names_its_incarnation(
    tmp_path: Path, spider: Spider, scaled_out: feeds._ScaledOut
) -> None:
    storage = AtomicFileFeedStorage((tmp_path / "out.jsonl").as_uri())
    handle = storage.open(spider)
    handle.write(b'{"url": "mine"}\n')
    assert recover_partial_files(tmp_path) == []  # held: not a killed run's
    assert (tmp_path / "out.jsonl.part.worker").read_text() == "me#1\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl.part", "out.jsonl.part.worker"]
    storage.store(handle)
    assert [path.name for path in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_part_held_by_another_process_is_never_truncated(
    tmp_path: Path, spider: Spider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "CREATE_ATTEMPTS", 2)
    part = tmp_path / "out.jsonl.part"
    part.write_text('{"url": "theirs"}\n')
    with part.open("rb") as theirs:
        fcntl.flock(theirs, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another open file: another run, for flock
        with pytest.raises(FeedFileBusy, match=r"out\.jsonl\.part stays locked"):
            AtomicFileFeedStorage((tmp_path / "out.jsonl").as_uri()).open(spider)
    assert part.read_text() == '{"url": "theirs"}\n'
    assert [path.name for path in tmp_path.iterdir()] == ["out.jsonl.part"]


def test_a_part_killed_while_being_created_is_removed(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl.part.new-4242").write_bytes(b"")
    assert recover_partial_files(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def _write_rounds(folder: str, name: str, rounds: int) -> None:
    """One process appending a line per round to its own feed file, recovering killed parts as it opens."""
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    spider = Spider.from_crawler(crawler, name="outlets")
    for _ in range(rounds):
        storage = AtomicFileFeedStorage(
            (Path(folder) / f"{name}.jsonl").as_uri(), feed_options={"overwrite": False}
        )
        handle = storage.open(spider)
        handle.write(f'{{"url": "{name}"}}\n'.encode())
        storage.store(handle)


def test_processes_opening_feeds_together_recover_each_killed_part_once(tmp_path: Path) -> None:
    killed = [f"killed-{n}" for n in range(40)]
    for name in killed:
        (tmp_path / f"{name}.jsonl.part").write_text(f'{{"url": "{name}"}}\n')
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_rounds, args=(str(tmp_path), f"w{n}", 15)) for n in range(4)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0
    lines = Counter(line for path in tmp_path.iterdir() for line in path.read_text().splitlines())
    assert lines == Counter(
        {f'{{"url": "{name}"}}': 1 for name in killed} | {f'{{"url": "w{n}"}}': 15 for n in range(4)}
    )
    assert not [path for path in tmp_path.iterdir() if PART_SUFFIX in path.name]
