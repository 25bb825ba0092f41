"""``scrapy dedup IN.jsonl [IN2.jsonl ...] -o OUT.jsonl``: the dedup engine over existing exports.

Reads JSON Lines (our exports, or any tool's with ``url``, ``title``, ``body``), adds
``story_id``, ``duplicate_of`` and ``simhash`` to every record and passes every other field
through unchanged. Decisions go through the same persistent index as the crawl
(``--state``, default NEWSCRAWL_STATE_DIR), so copies of stories seen in earlier runs are found.

Parsing and fingerprinting run in worker processes (``--workers``); decisions are made in the
main process in input order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import itertools
import logging
import math
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, ClassVar, NamedTuple

import orjson
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from newscrawl.dedup.copies import CopiesFeed
from newscrawl.dedup.engine import Decision, DedupEngine, Document, Prepared, prepare
from newscrawl.errors import ConfigError
from newscrawl.pipelines.dedup import dedup_mode, state_dir
from newscrawl.store import open_dedup_store

logger = logging.getLogger(__name__)

BATCH_LINES = 256  # lines parsed and fingerprinted together by one worker
# Lines decided in one store transaction: each transaction rewrites the index pages it touches,
# so larger ones write far less (measured at 100,000 items: 900 MB of WAL at 256, 140 MB at 4096).
COMMIT_LINES = 4096
DEDUP_FIELDS = ("story_id", "duplicate_of", "simhash")
NEWSCRAWL_SIMHASH = re.compile(r"[0-9a-f]{16}")


def default_workers() -> int:
    """Worker processes for parsing and fingerprinting: one per core.

    Workers run below the main process's priority (``_yield_to_decisions``), so one per core
    costs the decisions nothing when the main process is the slower stage (``--assume-clean``:
    measured on 2 cores, two workers are 10 % faster than one) and keeps every core busy when the
    workers are (with the junk-line rules).
    """
    return os.cpu_count() or 2


@dataclass(frozen=True, slots=True)
class Source:
    """Where a line came from, for messages and for re-reading it."""

    path: str
    line_number: int
    offset: int


class WorkerLost(RuntimeError):
    """A worker process died (killed, or out of memory): the run stops where its decisions stop."""


class ParsedLine(NamedTuple):
    """What a worker sends back for one line (small: never the record itself unless rewritten)."""

    prepared: Prepared | None  # None for a line that is not a JSON object
    rewritten: bytes | None  # the record without old dedup fields, when it had some
    url: str | None
    outlet: str | None
    problem: str = ""


def parse_lines(
    lines: Sequence[bytes], fingerprint: bool = True, strip_junk: bool = True
) -> list[ParsedLine]:
    """Parse (and fingerprint) a batch of lines; runs in a worker process."""
    parsed: list[tuple[dict[str, Any] | None, bytes | None, str]] = []
    for line in lines:
        if not line or line.isspace():
            parsed.append((None, None, ""))  # blank: skipped without a word
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            parsed.append((None, None, f"not JSON ({error})"))
            continue
        if not isinstance(value, dict):
            parsed.append((None, None, "not a JSON object"))
            continue
        rewritten = None
        if not value.keys().isdisjoint(DEDUP_FIELDS):
            rewritten = orjson.dumps(
                {name: field for name, field in value.items() if name not in DEDUP_FIELDS}
            )
        parsed.append((value, rewritten, ""))
    documents = [_document(value) for value, _, _ in parsed if value is not None]
    prepared = iter(prepare(documents, strip_junk) if fingerprint else [])
    return [
        ParsedLine(next(prepared, None), rewritten, _text(value, "url"), _text(value, "outlet"))
        if value is not None
        else ParsedLine(None, None, None, None, problem)
        for value, rewritten, problem in parsed
    ]


def _text(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) else None


def _document(record: dict[str, Any]) -> Document:
    return Document(
        url=_text(record, "url"),
        canonical_url=_text(record, "canonical_url"),
        title=_text(record, "title"),
        body=_text(record, "body"),
        cleaned=_is_newscrawl_export(record),
    )


def _is_newscrawl_export(record: dict[str, Any]) -> bool:
    """Records of newscrawl's own crawls carry its simhash: their bodies passed the junk stage already."""
    simhash = record.get("simhash")
    return isinstance(simhash, str) and bool(NEWSCRAWL_SIMHASH.fullmatch(simhash)) and "crawled_at" in record


def write_extended(output: IO[bytes], record: bytes, decision: Decision) -> None:
    """Write ``record`` (one serialized JSON object, surrounding whitespace allowed) with the dedup
    fields appended, and a newline: the record itself is copied once, into the output's buffer."""
    start = 0 if record[:1] == b"{" else len(record) - len(record.lstrip())
    end = record.rindex(b"}")
    fields = orjson.dumps(
        {"story_id": decision.story_id, "duplicate_of": decision.duplicate_of, "simhash": decision.simhash}
    )
    separator = b"," if record.find(b'"', start, end) >= 0 else b""  # an empty object has no key
    output.write(memoryview(record)[start:end])
    output.write(separator + fields[1:] + b"\n")


def read_lines(paths: Sequence[str]) -> Iterator[tuple[Source, bytes]]:
    """Every non-blank line with where it came from (for random access)."""
    for path in paths:
        with open(path, "rb") as stream:
            offset = 0
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield Source(path, number, offset), line
                offset += len(line)


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive lines of one input file, blank ones included (they are skipped when parsed)."""

    path: str
    first_line: int
    lines: list[bytes]
    offset: int = 0  # where the lines start in the file, and how many bytes they take
    size: int = 0

    def where(self, index: int) -> str:
        return f"{self.path}:{self.first_line + index}"


class Parsed(NamedTuple):
    """A batch of lines and what the workers made of them."""

    batch: Batch
    results: list[ParsedLine]

    def where(self, index: int) -> str:
        return self.batch.where(index)


def read_batches(paths: Sequence[str], size: int = BATCH_LINES) -> Iterator[Batch]:
    """The input files in batches of ``size`` lines, read without a Python step per line."""
    for path in paths:
        with open(path, "rb", buffering=1 << 20) as stream:
            first_line, offset = 1, 0
            while lines := list(itertools.islice(stream, size)):
                length = sum(map(len, lines))
                yield Batch(path, first_line, lines, offset, length)
                first_line += len(lines)
                offset += length


# How much lower the workers' scheduling priority is than the main process's (see _yield_to_decisions).
WORKER_NICENESS = 5


def _yield_to_decisions() -> None:
    """Run a worker below the main process's priority.

    Decisions are made in one process, in input order: when it has to wait for a core, the
    workers soon run out of submitted batches and wait too, and at the end they sit idle while it
    catches up. Given the core first whenever it has work, it keeps pace and the workers use the
    rest (measured on 2 cores: 4 % faster overall).
    """
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def parse_file_slice(path: str, offset: int, size: int, strip_junk: bool) -> list[ParsedLine]:
    """``parse_lines`` for the lines in bytes [offset, offset + size) of ``path``; runs in a worker.

    Workers read their batch from the file (the page cache) instead of receiving it through a
    pipe: passing every record to a worker cost more CPU than reading it twice (measured: about
    15 µs an item of 3.4 KB).
    """
    with open(path, "rb") as stream:
        stream.seek(offset)
        data = stream.read(size)
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    return parse_lines(lines, True, strip_junk)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _published_order(line: bytes) -> float:
    """Sort key of a line for --earliest-published: its publication time, undated lines last."""
    try:
        published = orjson.loads(line).get("published")
        return datetime.fromisoformat(published).timestamp()
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        return math.inf


class Deduplicator:
    """Runs batches of lines through parsing, the engine and the outputs."""

    def __init__(
        self, engine: DedupEngine, output: IO[bytes], copies: CopiesFeed, mode: str, strip_junk: bool
    ) -> None:
        self.engine = engine
        self.strip_junk = strip_junk
        self.output = output
        self.copies = copies
        self.mode = mode
        self.counts = {"read": 0, "stories": 0, "copies": 0, "skipped": 0}

    def decide(self, groups: Sequence[Parsed]) -> list[tuple[Parsed, int, ParsedLine, Decision]]:
        """Decisions for the good lines of ``groups`` in one store transaction; bad lines are logged."""
        good = []
        for group in groups:
            for index, result in enumerate(group.results):
                if result.prepared is not None:
                    good.append((group, index, result, result.prepared))
                elif result.problem:
                    self.counts["skipped"] += 1
                    logger.warning("%s: skipped, %s", group.where(index), result.problem)
        self.counts["read"] += len(good)
        decisions = self.engine.commit([prepared for *_, prepared in good])
        return [
            (group, index, result, decision)
            for (group, index, result, _), decision in zip(good, decisions, strict=True)
        ]

    def emit(self, line: bytes, result: ParsedLine, decision: Decision) -> None:
        if decision.duplicate_of is None:
            self.counts["stories"] += 1
        else:
            self.counts["copies"] += 1
            if self.mode == "drop":
                self.copies.write(
                    result.url, result.outlet, decision.duplicate_of, decision.story_id, decision.similarity
                )
                return
        write_extended(self.output, result.rewritten or line, decision)

    def run_in_order(self, paths: Sequence[str], workers: int) -> None:
        """Decide lines in input order, parsing ahead in ``workers`` processes."""
        batches = read_batches(paths)
        waiting: list[Parsed] = []
        if workers <= 0:
            for batch in batches:
                self._collect(waiting, Parsed(batch, parse_lines(batch.lines, True, self.strip_junk)))
        else:
            try:
                self._parse_ahead(batches, waiting, workers)
            except BrokenProcessPool as error:
                raise WorkerLost(
                    f"a worker process died (killed, or out of memory?) after {self.counts['read']} "
                    "records were decided: they are in the output and the index; run the command again "
                    "(same --state) to finish"
                ) from error
        self._finish(waiting)

    def _parse_ahead(self, batches: Iterable[Batch], waiting: list[Parsed], workers: int) -> None:
        # fork: workers start at once with the modules already imported; they never touch the store.
        # Not multiprocessing.Pool: its worker-handler thread wakes on every result waiting in the
        # pipe and spins until another thread reads it, taking a tenth of the main process's CPU
        # (measured); the executor's one manager thread reads results as they come.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_yield_to_decisions) as pool:
            pending: deque[tuple[Batch, Future[list[ParsedLine]]]] = deque()
            for batch in batches:
                task = (batch.path, batch.offset, batch.size, self.strip_junk)
                pending.append((batch, pool.submit(parse_file_slice, *task)))
                if len(pending) > COMMIT_LINES // BATCH_LINES + 2 * workers:  # parse on during commits
                    done, result = pending.popleft()
                    self._collect(waiting, Parsed(done, result.result()))
            while pending:
                done, result = pending.popleft()
                self._collect(waiting, Parsed(done, result.result()))

    def _collect(self, waiting: list[Parsed], parsed: Parsed) -> None:
        if len(parsed.results) != len(parsed.batch.lines):
            raise RuntimeError(f"{parsed.batch.path} changed while it was being read")
        waiting.append(parsed)
        if sum(len(group.results) for group in waiting) >= COMMIT_LINES:
            self._finish(waiting)

    def _finish(self, waiting: list[Parsed]) -> None:
        for group, index, result, decision in self.decide(waiting):
            self.emit(group.batch.lines[index], result, decision)
        waiting.clear()

    def run_earliest_first(self, paths: Sequence[str]) -> None:
        """Decide lines from the earliest ``published`` on, then write them in input order.

        Keeps a sort key and a decision per line in memory (about 200 bytes), never records.
        """
        order = sorted(
            (_published_order(line), index, source) for index, (source, line) in enumerate(read_lines(paths))
        )
        decisions: dict[tuple[str, int], Decision] = {}
        with _LineReader() as reader:
            for sources in batched((source for _, _, source in order), COMMIT_LINES):
                lines = [reader.read(source) for source in sources]
                results = parse_lines(lines, True, self.strip_junk)
                groups = [
                    Parsed(Batch(source.path, source.line_number, [line]), [result])
                    for source, line, result in zip(sources, lines, results, strict=True)
                ]
                for group, _, _, decision in self.decide(groups):
                    decisions[(group.batch.path, group.batch.first_line)] = decision
        for batch in read_batches(paths):
            for index, result in enumerate(parse_lines(batch.lines, fingerprint=False)):
                key = (batch.path, batch.first_line + index)
                if key in decisions:
                    self.emit(batch.lines[index], result, decisions[key])


class _LineReader:
    """Random access to lines of the input files by offset."""

    def __init__(self) -> None:
        self._files: dict[str, IO[bytes]] = {}

    def __enter__(self) -> _LineReader:
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in self._files.values():
            stream.close()

    def read(self, source: Source) -> bytes:
        stream = self._files.get(source.path)
        if stream is None:
            stream = self._files[source.path] = open(source.path, "rb")  # noqa: SIM115
        stream.seek(source.offset)
        return stream.readline()


def tune_for_batch_run() -> None:
    """Process settings for a long batch run that allocates much and keeps little.

    * glibc keeps freed memory instead of returning it to the kernel at once: fingerprinting
      allocates and frees arrays of a few MB per batch, and each round trip cost page faults
      (a fifth of the CPU time). No-op on other C libraries.
    * The cyclic garbage collector runs less often and skips everything loaded at start-up: the
      run creates many short-lived containers but hardly any reference cycles, and collections
      cost a quarter of the main process's time at 100,000 items.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim_threshold, mmap_threshold = -1, -3  # mallopt parameter numbers (malloc.h)
        libc.mallopt(mmap_threshold, 256 << 20)
        libc.mallopt(trim_threshold, 512 << 20)
    except (OSError, AttributeError):
        pass
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def default_copies_path(output: str) -> Path:
    path = Path(output)
    return path.with_name(f"{path.stem}.copies.jsonl")


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--mode tag|drop] [--state DIR]"

    def short_desc(self) -> str:
        return "Mark syndicated copies in JSON Lines exports (story_id, duplicate_of, simhash)"

    def long_desc(self) -> str:
        return (
            "Runs the dedup engine over existing JSON Lines exports, passing every other field through. "
            "In drop mode (default, or DEDUP_MODE) copies go to a side feed instead of OUT; in tag mode "
            "every record is written. The index lives in --state (default NEWSCRAWL_STATE_DIR), so later "
            "runs recognise copies of stories seen before."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="OUT.jsonl", help="where to write the records")
        parser.add_argument("--mode", choices=("tag", "drop"), help="tag copies, or drop them to a side feed")
        parser.add_argument("--state", metavar="DIR", help="state directory (default: NEWSCRAWL_STATE_DIR)")
        parser.add_argument(
            "--copies", metavar="FILE", help="side feed of copies in drop mode (default: OUT.copies.jsonl)"
        )
        parser.add_argument(
            "--earliest-published",
            action="store_true",
            help="make the earliest published copy of each story the canonical one (reads inputs twice)",
        )
        parser.add_argument(
            "--assume-clean",
            action="store_true",
            help="skip the junk-line rules for every record (newscrawl's own exports, recognised by their "
            "simhash, skip them anyway)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="processes parsing and fingerprinting ahead (0: none; default: one per core)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        configure_logging(self.settings)
        tune_for_batch_run()
        if not args:
            raise UsageError("give at least one input JSON Lines file")
        if not opts.output:
            raise UsageError("give the output file with -o OUT.jsonl")
        missing = [path for path in args if not Path(path).is_file()]
        if missing:
            raise UsageError(f"input not found: {', '.join(missing)}")
        if any(Path(path).resolve() == Path(opts.output).resolve() for path in args):
            raise UsageError(f"the output {opts.output} is also an input: write it elsewhere")
        Path(opts.output).parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = dedup_mode(opts.mode or self.settings.get("DEDUP_MODE", "drop"), "settings")
        except ConfigError as error:
            raise UsageError(str(error)) from error
        directory = Path(opts.state) if opts.state else state_dir(self.settings)
        copies = CopiesFeed(opts.copies or default_copies_path(opts.output))
        redis_url = None if opts.state else self.settings.get("NEWSCRAWL_REDIS_URL")
        engine = DedupEngine(open_dedup_store(directory, redis_url))
        try:
            with open(opts.output, "wb", buffering=1 << 20) as output:
                strip_junk = not opts.assume_clean
                deduplicator = Deduplicator(engine, output, copies, mode, strip_junk)
                if opts.earliest_published:
                    deduplicator.run_earliest_first(args)
                else:
                    workers = default_workers() if opts.workers is None else opts.workers
                    deduplicator.run_in_order(args, workers)
        except WorkerLost as error:
            logger.error("%s", error)
            self.exitcode = 1
            return
        finally:
            copies.close()
            engine.close()
        counts = deduplicator.counts
        logger.info(
            "dedup: %(read)d records, %(stories)d stories, %(copies)d copies, %(skipped)d skipped", counts
        )
        if mode == "drop" and counts["copies"]:
            logger.info("copies written to %s", copies.path)
