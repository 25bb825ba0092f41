"""Body quality of the generic path on the development pages (../shared/data/extraction-dev)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.scoring import evaluate, load_benchmark_pages, score_page, summarize

DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-dev"
TARGET_F1 = 0.96


def test_body_f1_on_development_pages_reaches_target() -> None:
    if not (DEV_SET / "ground-truth.json").is_file():
        pytest.skip(f"development set not available at {DEV_SET}")
    pages = load_benchmark_pages(DEV_SET)
    scores = evaluate(pages, lambda html, url: str(extract_article(html, url)["body"]))
    summary = summarize(scores.values())
    assert summary.f1 >= TARGET_F1, f"F1 {summary.f1:.4f} (P {summary.precision:.4f}, R {summary.recall:.4f})"


@pytest.mark.parametrize(
    ("predicted", "expected", "precision", "recall"),
    [
        ("one two three four five", "one two three four five", 1.0, 1.0),
        ("", "", 1.0, 1.0),
        ("one two three four", "five six seven eight", 0.0, 0.0),
        ("a b", "a b", 1.0, 1.0),  # shorter than a shingle: one short shingle
        ("one two three four five", "one two three four", 0.5, 1.0),
    ],
)
def test_metric_counts_four_token_shingles(predicted: str, expected: str, precision: float, recall: float) -> None:
    score = score_page(predicted, expected)
    assert (score.precision, score.recall) == (precision, recall)
