"""Crash-safe local feed files: write ``FILE.part``, publish ``FILE`` on close.

Scrapy's own file storage writes straight into the target, so a killed run
leaves a truncated file that looks finished. Here a run writes ``FILE.part``
while holding a lock on it, and on close publishes it (rename for ``-O``,
append for ``-o``). A ``.part`` that nobody holds is a killed run's output:
the next run to write into that folder cuts its last incomplete line and
publishes it under a name that cannot clash, so no exported item is lost.

A scaled-out worker also leaves ``FILE.part.worker`` naming itself: when it is
killed, the requests it had not finished go back to the shared queue for other
workers, so its recovered file keeps only the lines ``scaleout`` says it may.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
OWNER_SUFFIX = ".worker"


@dataclass
class _ScaledOut:
    """Set by a scaled-out crawl: this process's worker id, and which lines of a killed worker's
    ``.part`` to keep (``lines_to_keep(worker)`` returns a test for one line)."""

    worker: str | None = None
    lines_to_keep: Callable[[str], Callable[[bytes], bool]] | None = None


SCALED_OUT = _ScaledOut()
# Feed files this process is writing: flushed to disk before their items are marked seen.
_open_parts: list[IO[bytes]] = []


def flush_open_feeds() -> None:
    """Make every item exported so far durable (called before the seen store records them)."""
    for handle in _open_parts:
        if not handle.closed:
            handle.flush()
            os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _cut_incomplete_tail(path: Path) -> None:
    """Drop a last line that a kill cut in half: JSON Lines readers would reject it."""
    with path.open("rb+") as handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            handle.truncate(end)


def recover_partial_files(directory: Path, reserved: set[Path] | None = None) -> list[Path]:
    """Publish the ``.part`` files of killed runs in ``directory``; returns where they went."""
    recovered: list[Path] = []
    reserved = reserved or set()
    if not directory.is_dir():
        return recovered
    for part in sorted(directory.glob(f"*{PART_SUFFIX}")):
        try:
            handle = part.open("rb+")
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run is still writing it
            target = part.with_name(part.name[: -len(PART_SUFFIX)])
            if target.exists() or target in reserved:
                stamp = datetime.fromtimestamp(part.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H-%M-%S")
                target = target.with_name(f"{target.stem}.recovered-{stamp}{target.suffix}")
            _cut_incomplete_tail(part)
            _drop_lines_handed_over(part)
            os.replace(part, target)
            _fsync_directory(directory)
        logger.warning("recovered %s from a run that did not finish: now %s", part, target)
        recovered.append(target)
    return recovered


def _drop_lines_handed_over(part: Path) -> None:
    """A killed scaled-out worker's file keeps the items of the requests it finished, no others."""
    owner = part.with_name(part.name + OWNER_SUFFIX)
    if not owner.exists():
        return
    if SCALED_OUT.lines_to_keep is not None:
        keep = SCALED_OUT.lines_to_keep(owner.read_text(encoding="utf-8").strip())
        with part.open("rb") as source:
            lines = [line for line in source if keep(line)]
        with part.open("wb") as destination:
            destination.writelines(lines)
            destination.flush()
            os.fsync(destination.fileno())
    else:
        logger.warning("%s was written by a scaled-out worker; recovered without the shared crawl", part)
    owner.unlink()


class AtomicFileFeedStorage(FileFeedStorage):
    """FileFeedStorage that never leaves a half-written file under the final name."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.target = Path(self.path)
        self.part = self.target.with_name(self.target.name + PART_SUFFIX)

    def open(self, spider: Spider) -> IO[bytes]:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        recover_partial_files(self.target.parent, reserved={self.target})
        self.owner = self.part.with_name(self.part.name + OWNER_SUFFIX) if SCALED_OUT.worker else None
        if self.owner is not None:  # named before the first item is written
            self.owner.write_text(f"{SCALED_OUT.worker}\n", encoding="utf-8")
        handle = self.part.open("wb")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        spider.crawler.stats.set_value("newscrawl/output_file", str(self.target))
        _open_parts.append(handle)
        return handle

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        if self.write_mode == "wb" or not self.target.exists():
            os.replace(self.part, self.target)
        else:
            with self.part.open("rb") as source, self.target.open("ab") as destination:
                while chunk := source.read(1 << 20):
                    destination.write(chunk)
                destination.flush()
                os.fsync(destination.fileno())
            self.part.unlink()
        if self.owner is not None:
            self.owner.unlink(missing_ok=True)
        _fsync_directory(self.target.parent)
        file.close()
        if file in _open_parts:
            _open_parts.remove(file)
