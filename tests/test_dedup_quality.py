"""Pairwise precision/recall of the dedup engine on the generated syndication corpus.

Run with ``-s`` to see the report. The thresholds are the issue's acceptance targets; the real-text
variant builds the corpus from the article bodies of the shared extraction set (skipped without it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.dedup.engine import DedupEngine, Document
from newscrawl.store import open_dedup_store
from tests.dedup_corpus import evaluate, generate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GROUND_TRUTH = SHARED / "data" / "extraction-dev" / "ground-truth.json"


def run(records: list[dict], state: Path) -> dict[str, float]:
    engine = DedupEngine(open_dedup_store(state))
    decisions = engine.decide(
        [Document(r["url"], r["canonical_url"], r["title"], r["body"]) for r in records]
    )
    engine.close()
    for record, decision in zip(records, decisions, strict=True):
        record["story_id"] = decision.story_id
    report = evaluate(records)
    print(report)
    return report


def check(report: dict[str, float]) -> None:
    assert report["f1"] >= 0.95
    assert report["templated_wrongly_merged"] <= 0.01
    assert report["boilerplate_wrongly_merged"] == 0
    assert report["heavy_trimmed_found"] >= 0.85


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_corpus(seed: int, tmp_path: Path) -> None:
    check(run(generate(seed=seed, stories=200, outlets=40), tmp_path))


def test_real_text_corpus(tmp_path: Path) -> None:
    if not GROUND_TRUTH.exists():
        pytest.skip(f"{GROUND_TRUTH} not available")
    bodies = [page["articleBody"] for page in json.loads(GROUND_TRUTH.read_text(encoding="utf-8")).values()]
    check(run(generate(seed=4, outlets=40, real_bodies=[b for b in bodies if len(b.split()) > 80]), tmp_path))
