"""`scrapy dedup` end to end, as a subprocess over JSON Lines files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.dedup_corpus import evaluate, generate

REPO = Path(__file__).resolve().parents[1]
STORY = "\n\n".join(
    f"Paragraph {n}: the council of Riverside discussed item {n} of the budget, worth {n * 7} thousand dollars."
    for n in range(12)
)


def write_lines(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    return path


def read_lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def dedup(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy.cmdline", "dedup", *map(str, args)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    return write_lines(folder / "in.jsonl", generate(seed=21, stories=80, outlets=20))


def test_tag_mode_groups_copies_and_passes_fields_through(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = dedup(corpus, "-o", out, "--mode", "tag", "--state", tmp_path / "state")
    assert result.returncode == 0, result.stderr
    records, originals = read_lines(out), read_lines(corpus)
    assert [record["url"] for record in records] == [record["url"] for record in originals]
    for record, original in zip(records, originals, strict=True):
        assert {name: record[name] for name in original} == original
        assert re.fullmatch(r"[0-9a-f]{16}", record["story_id"])
        assert re.fullmatch(r"[0-9a-f]{16}", record["simhash"])
    report = evaluate(records)
    print(report)
    assert report["f1"] >= 0.95
    assert report["templated_wrongly_merged"] <= 0.01
    assert report["boilerplate_wrongly_merged"] == 0
    assert report["heavy_trimmed_found"] >= 0.85


def test_drop_mode_moves_copies_to_the_side_feed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = dedup(corpus, "-o", out, "--state", tmp_path / "state", "--workers", "0")
    assert result.returncode == 0, result.stderr
    kept, copies = read_lines(out), read_lines(tmp_path / "out.copies.jsonl")
    assert len(kept) + len(copies) == len(read_lines(corpus))
    assert all(record["duplicate_of"] is None for record in kept)
    assert all(set(copy) == {"url", "outlet", "duplicate_of", "story_id", "similarity"} for copy in copies)
    kept_ids = {record["story_id"] for record in kept}
    assert all(copy["story_id"] in kept_ids for copy in copies)


def test_other_tools_records_and_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        orjson.dumps({"url": "https://a.example/story", "title": "Budget", "body": STORY, "extra": [1, 2]})
        + b"\nnot json\n[1, 2]\n\n"
        + orjson.dumps(
            {"url": "https://www.b.example/copy?utm_medium=rss", "title": "Budget news", "body": STORY}
        )
        + b"\n"
    )
    out = tmp_path / "out.jsonl"
    result = dedup(source, "-o", out, "--mode", "tag", "--state", tmp_path / "state")
    assert result.returncode == 0, result.stderr
    first, second = read_lines(out)
    assert first["extra"] == [1, 2] and first["duplicate_of"] is None
    assert second["duplicate_of"] == "https://a.example/story"
    assert second["story_id"] == first["story_id"]
    assert "in.jsonl:2: skipped, not JSON" in result.stderr
    assert "in.jsonl:3: skipped, not a JSON object" in result.stderr


def test_records_keep_their_bytes_and_gain_the_dedup_fields(tmp_path: Path) -> None:
    """Odd but valid lines: padding, an empty object, braces inside strings, non-ASCII, CRLF endings."""
    source = tmp_path / "in.jsonl"
    padded = orjson.dumps({"url": "https://a.example/x", "title": "T }", "body": 'café {"a"} \u2028'})
    records = [b"  " + padded + b"  \r\n", b"{}\n", b"{ }\n", b'{"url":"https://a.example/y","n":[{}]}']
    source.write_bytes(b"".join(records))
    out = tmp_path / "out.jsonl"
    assert dedup(source, "-o", out, "--mode", "tag", "--state", tmp_path / "state").returncode == 0
    lines = out.read_bytes().splitlines()
    assert len(lines) == 4
    for line, original in zip(lines, records, strict=True):
        record, expected = orjson.loads(line), orjson.loads(original)
        assert {name: record[name] for name in expected} == expected
        assert set(record) - set(expected) == {"story_id", "duplicate_of", "simhash"}
        assert line.startswith(original.strip()[:-1])  # the record's own bytes, unchanged


def test_rerun_replaces_dedup_fields(tmp_path: Path) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        [{"url": "https://a.example/s", "title": "T", "body": STORY, "story_id": "old", "simhash": "x"}],
    )
    out = tmp_path / "out.jsonl"
    assert dedup(source, "-o", out, "--mode", "tag", "--state", tmp_path / "state").returncode == 0
    (record,) = read_lines(out)
    assert record["story_id"] != "old" and len(record["simhash"]) == 16


def test_earliest_published_copy_becomes_canonical(tmp_path: Path) -> None:
    later = {
        "url": "https://a.example/late",
        "title": "T",
        "body": STORY,
        "published": "2024-05-02T12:00:00+02:00",
    }
    earlier = {
        "url": "https://b.example/early",
        "title": "T",
        "body": STORY,
        "published": "2024-05-02T08:30:00+00:00",
    }
    undated = {"url": "https://c.example/undated", "title": "T", "body": STORY}
    source = write_lines(tmp_path / "in.jsonl", [later, undated, earlier])
    out = tmp_path / "out.jsonl"
    result = dedup(source, "-o", out, "--mode", "tag", "--earliest-published", "--state", tmp_path / "state")
    assert result.returncode == 0, result.stderr
    records = read_lines(out)
    assert [record["url"] for record in records] == [later["url"], undated["url"], earlier["url"]]
    assert [record["duplicate_of"] for record in records] == [earlier["url"], earlier["url"], None]


def test_usage_errors(tmp_path: Path) -> None:
    assert dedup(tmp_path / "missing.jsonl", "-o", tmp_path / "out.jsonl").returncode != 0
    source = write_lines(tmp_path / "in.jsonl", [{"url": "https://a.example/s", "body": STORY}])
    assert dedup(source).returncode != 0
    assert "also an input" in dedup(source, "-o", source).stderr
    assert dedup(source, "-o", source, "--mode", "merge").returncode != 0
    assert source.read_bytes()  # never truncated


def test_output_folder_is_created(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", [{"url": "https://a.example/s", "title": "T", "body": STORY}])
    out = tmp_path / "new" / "folder" / "out.jsonl"
    assert dedup(source, "-o", out, "--state", tmp_path / "state").returncode == 0
    assert len(read_lines(out)) == 1


def _die_in_worker(*_: object) -> None:
    os._exit(3)  # what the kernel's out-of-memory killer leaves behind: no exception, no result


def test_a_worker_that_dies_stops_the_run_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A killed worker used to leave the run waiting forever; now it ends with an error naming what is done."""
    from newscrawl.commands import dedup as command
    from newscrawl.dedup.copies import CopiesFeed
    from newscrawl.dedup.engine import DedupEngine
    from newscrawl.store import open_dedup_store

    source = write_lines(tmp_path / "in.jsonl", [{"url": "https://a.example/s", "title": "T", "body": STORY}])
    monkeypatch.setattr(command, "parse_file_slice", _die_in_worker)  # forked workers inherit the patch
    engine = DedupEngine(open_dedup_store(tmp_path / "state"))
    copies = CopiesFeed(tmp_path / "copies.jsonl")
    with open(tmp_path / "out.jsonl", "wb") as output:
        deduplicator = command.Deduplicator(engine, output, copies, "tag", strip_junk=True)
        with pytest.raises(command.WorkerLost, match=r"worker process died .* after 0 records"):
            deduplicator.run_in_order([str(source)], workers=2)
    copies.close()
    engine.close()
