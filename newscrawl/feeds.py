"""Crash-safe local feed files: write ``FILE.part``, publish ``FILE`` on close.

Scrapy's own file storage writes straight into the target, so a killed run
leaves a truncated file that looks finished. Here a run writes ``FILE.part``
while holding a lock on it, and on close publishes it (rename for ``-O``,
append for ``-o``). A ``.part`` that nobody holds is a killed run's output:
the next run to write into that folder cuts its last incomplete line and
publishes it under a name that cannot clash, so no exported item is lost.

A scaled-out worker also leaves ``FILE.part.worker`` naming itself (the process,
not only the worker name a restarted worker takes again): when it is killed, the
requests it had not finished go back to the shared queue for other workers, so
its recovered file keeps only the lines ``scaleout`` says it may, and is always
published under a ``.recovered-<time>`` name, since a live worker of the same
name may publish ``FILE`` later.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


class FeedFileBusy(RuntimeError):
    """Another live process holds the ``.part`` this feed would write."""


PART_SUFFIX = ".part"
OWNER_SUFFIX = ".worker"
NEW_PART_MARK = ".new-"  # FILE.part.new-<pid>: a .part being created, not yet under its name
CREATE_ATTEMPTS = 50  # tries, 0.1 s apart, while another process recovers a killed run's FILE.part


@dataclass
class _ScaledOut:
    """Set by a scaled-out crawl: this process's worker incarnation, and which lines of a killed
    worker's ``.part`` to keep (``lines_to_keep(incarnation)`` returns a test for one line)."""

    worker: str | None = None
    lines_to_keep: Callable[[str], Callable[[bytes], bool]] | None = None


SCALED_OUT = _ScaledOut()
# Feed files this process is writing: flushed to disk before their items are marked seen.
_open_parts: list[IO[bytes]] = []
# The stat naming an output file a run could not open: its items are nowhere, so none is marked seen.
OUTPUT_FAILED_STAT = "newscrawl/output_failed"


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


def _cut_incomplete_tail(handle: IO[bytes]) -> None:
    """Drop a last line that a kill cut in half: JSON Lines readers would reject it."""
    handle.seek(0)
    data = handle.read()
    end = data.rfind(b"\n") + 1
    if end != len(data):
        handle.truncate(end)


def _still_named(handle: IO[bytes], path: Path) -> bool:
    """Whether ``path`` still names the file ``handle`` locked: another process may have recovered
    it between our open and our lock, and a new run may have put its own file under that name."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(handle.fileno())
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _publish(part: Path, target: Path, plain_name: bool) -> Path:
    """Give a killed run's ``.part`` a final name that no file has, without ever replacing one:
    ``target`` itself (if ``plain_name`` and free), else ``<stem>.recovered-<time>[-N]<suffix>``.

    The part is linked under the new name, then unlinked: a kill between the two leaves it with
    two names, which the next recovery sees (link count) and finishes without publishing it twice.
    """
    stamp = datetime.fromtimestamp(part.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H-%M-%S")
    names = [target] if plain_name else []
    names += [target.with_name(f"{target.stem}.recovered-{stamp}{target.suffix}")]
    names += (target.with_name(f"{target.stem}.recovered-{stamp}-{n}{target.suffix}") for n in range(2, 1000))
    for name in names:
        try:
            os.link(part, name)
        except FileExistsError:
            continue
        return name
    raise FileExistsError(f"no free name to recover {part} under")


def recover_partial_files(directory: Path, reserved: set[Path] | None = None) -> list[Path]:
    """Publish the ``.part`` files of killed runs in ``directory``; returns where they went."""
    recovered: list[Path] = []
    if not directory.is_dir():
        return recovered
    for part in sorted(directory.glob(f"*{PART_SUFFIX}")):
        target = _recover(part, reserved or set())
        if target is not None:
            logger.warning("recovered %s from a run that did not finish: now %s", part, target)
            recovered.append(target)
    _remove_abandoned_new_parts(directory)
    return recovered


def _recover(part: Path, reserved: set[Path]) -> Path | None:
    try:
        handle = part.open("rb+")
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a live run is writing it, or another one is recovering it
        if not _still_named(handle, part):
            return None
        owner = part.with_name(part.name + OWNER_SUFFIX)
        if os.fstat(handle.fileno()).st_nlink > 1:  # published already; the kill came before the cleanup
            owner.unlink(missing_ok=True)
            part.unlink()
            return None
        _cut_incomplete_tail(handle)
        scaled_out = owner.exists()
        if scaled_out:
            _drop_lines_handed_over(handle, owner)
        target = part.with_name(part.name[: -len(PART_SUFFIX)])
        target = _publish(part, target, plain_name=not scaled_out and target not in reserved)
        owner.unlink(missing_ok=True)
        part.unlink()
        _fsync_directory(part.parent)
    return target


def _drop_lines_handed_over(handle: IO[bytes], owner: Path) -> None:
    """A killed scaled-out worker's file keeps the items of the requests it finished, no others."""
    if SCALED_OUT.lines_to_keep is None:
        logger.warning("%s was written by a scaled-out worker; recovered without the shared crawl", owner)
        return
    keep = SCALED_OUT.lines_to_keep(owner.read_text(encoding="utf-8").strip())
    handle.seek(0)
    lines = [line for line in handle if keep(line)]
    handle.seek(0)
    handle.writelines(lines)
    handle.truncate()
    handle.flush()
    os.fsync(handle.fileno())


def _remove_abandoned_new_parts(directory: Path) -> None:
    """A run killed while it created its ``.part`` leaves the empty file it was about to name."""
    for fresh in directory.glob(f"*{PART_SUFFIX}{NEW_PART_MARK}*"):
        try:
            with fresh.open("rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _still_named(handle, fresh):
                    fresh.unlink()
        except OSError:
            continue  # being created right now, or gone already


class AtomicFileFeedStorage(FileFeedStorage):
    """FileFeedStorage that never leaves a half-written file under the final name."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.target = Path(self.path)
        self.part = self.target.with_name(self.target.name + PART_SUFFIX)

    def open(self, spider: Spider) -> IO[bytes]:
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            handle = self._create_part()
        except (OSError, FeedFileBusy) as error:
            self._fail(spider, error)
            raise
        self.owner = self.part.with_name(self.part.name + OWNER_SUFFIX) if SCALED_OUT.worker else None
        if self.owner is not None:  # named before the first item is written
            self.owner.write_text(f"{SCALED_OUT.worker}\n", encoding="utf-8")
        spider.crawler.stats.set_value("newscrawl/output_file", str(self.target))
        _open_parts.append(handle)
        return handle

    def _fail(self, spider: Spider, error: Exception) -> None:
        """Scrapy opens the file at the first item and only logs a failure: stop the run instead."""
        stats = spider.crawler.stats
        if stats.get_value(OUTPUT_FAILED_STAT):
            return
        stats.set_value(OUTPUT_FAILED_STAT, str(self.target))
        message = "cannot write the output file %s (%s): the run stops; nothing is marked seen"
        logger.error(message, self.target, error)
        if spider.crawler.crawling:
            deferred_from_coro(spider.crawler.engine.close_spider_async(reason="output_failed"))

    def _create_part(self) -> IO[bytes]:
        """A new ``FILE.part``, locked from the moment it has that name: a recovery running in another
        process at the same time can never take it for a killed run's file, nor can we truncate one."""
        fresh = self.part.with_name(f"{self.part.name}{NEW_PART_MARK}{os.getpid()}")
        for _ in range(CREATE_ATTEMPTS):
            recover_partial_files(self.target.parent, reserved={self.target})
            handle = fresh.open("wb")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.link(fresh, self.part)
            except (FileExistsError, BlockingIOError, FileNotFoundError):
                # FILE.part is being recovered by another process (or written by another run), or a
                # recovery took our new file for an abandoned one before we locked it: try again.
                handle.close()
                fresh.unlink(missing_ok=True)
                time.sleep(0.1)
                continue
            fresh.unlink()
            return handle
        raise FeedFileBusy(f"{self.part} stays locked by another process: is {self.target} another run's?")

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
