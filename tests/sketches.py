"""Sketches as numpy rows, for tests that look inside what the index keeps of a story.

The crawler itself only packs sketches (``fingerprint.SketchColumns``) and reads them back as
``verify.ParsedSketch``; this view checks both ends against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newscrawl.dedup.fingerprint import MAX_TITLE_WORDS, SENTENCE_ROW, SketchColumns
from newscrawl.dedup.verify import ParsedSketch, serialized_similarity


@dataclass(frozen=True)
class Sketch:
    rows: np.ndarray  # SENTENCE_ROW
    shapes: tuple[int, ...]  # of the first sentences
    headline: np.ndarray  # SENTENCE_ROW, at most one
    headline_shape: int
    title_words: np.ndarray  # uint32

    def to_bytes(self) -> bytes:
        words = self.title_words[:MAX_TITLE_WORDS].astype("<u4", copy=False)
        headline = next(((*row, self.headline_shape) for row in self.headline[:1].tolist()), None)
        rows = self.rows  # SENTENCE_ROW's fields are little-endian already
        columns = SketchColumns(
            rows["sentence"].tobytes(), rows["skeleton"].tobytes(), rows["weight"].tobytes(), words.tobytes()
        )
        return columns.pack(0, len(self.rows), self.shapes, headline, 0, len(words))

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        parsed = ParsedSketch.parse(data)
        rows = np.empty(len(parsed.sentences), dtype=SENTENCE_ROW)
        rows["sentence"], rows["skeleton"], rows["weight"] = (
            parsed.sentences,
            parsed.skeletons,
            parsed.weights,
        )
        headline = np.array([parsed.headline[:3]] if parsed.headline else [], dtype=SENTENCE_ROW)
        headline_shape = parsed.headline[3] if parsed.headline else 0
        title_words = np.array(sorted(parsed.title_words), dtype=np.uint32)
        return cls(rows, parsed.shapes, headline, headline_shape, title_words)


def similarity(first: Sketch, second: Sketch) -> float:
    return serialized_similarity(first.to_bytes(), second.to_bytes())
