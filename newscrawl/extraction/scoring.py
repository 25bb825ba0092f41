"""Body-extraction quality metric of the Zyte article-extraction benchmark.

Kept beside the extractor so the benchmark script and the quality test score
exactly the same way (see ``benchmarks/extraction_f1.py``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """4-token shingle multiset; a text shorter than 4 tokens is one shorter shingle."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1))


@dataclass(frozen=True)
class PageScore:
    """Per-page tp/fp/fn, each divided by tp+fp+fn so every page weighs the same."""

    tp: float
    fp: float
    fn: float
    predicted: bool
    expected: bool

    @property
    def precision(self) -> float:
        return 1.0 if self.tp + self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return 1.0 if self.tp + self.fn == 0 else self.tp / (self.tp + self.fn)


def score_page(predicted: str, expected: str) -> PageScore:
    pred, gold = shingles(predicted), shingles(expected)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0, bool(pred), bool(gold))
    return PageScore(tp / total, fp / total, fn / total, bool(pred), bool(gold))


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def summarize(scores: Iterable[PageScore]) -> Summary:
    """Mean precision over non-empty predictions, mean recall over non-empty expectations."""
    scores = list(scores)
    precisions = [s.precision for s in scores if s.predicted]
    recalls = [s.recall for s in scores if s.expected]
    return Summary(
        precision=sum(precisions) / len(precisions) if precisions else 0.0,
        recall=sum(recalls) / len(recalls) if recalls else 0.0,
    )


@dataclass(frozen=True)
class Page:
    """One page of an extraction benchmark set: raw bytes, URL and the hand-checked body."""

    page_id: str
    url: str
    html: bytes
    expected_body: str


def load_benchmark_pages(directory: Path) -> list[Page]:
    """Pages of a set laid out as ``html/<id>.html.gz`` plus ``ground-truth.json``."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            page_id,
            entry["url"],
            gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes()),
            entry.get("articleBody") or "",
        )
        for page_id, entry in sorted(truth.items())
    ]


def evaluate(pages: Iterable[Page], extract_body: Callable[[bytes, str], str]) -> dict[str, PageScore]:
    return {page.page_id: score_page(extract_body(page.html, page.url), page.expected_body) for page in pages}
