"""The side feed of syndicated copies: one JSON line per copy left out of the main feed."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import orjson

COPY_FIELDS = ("url", "outlet", "duplicate_of", "story_id", "similarity")


class CopiesFeed:
    """Appends copy records to a JSON Lines file, opened on the first copy."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None
        self.count = 0

    def write(
        self, url: str | None, outlet: str | None, duplicate_of: str, story_id: str, similarity: float
    ) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
        record: dict[str, Any] = dict(
            zip(COPY_FIELDS, (url, outlet, duplicate_of, story_id, round(similarity, 4)), strict=True)
        )
        self._file.write(orjson.dumps(record) + b"\n")
        self.count += 1

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
