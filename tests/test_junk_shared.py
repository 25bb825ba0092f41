"""Checks against the shared data: the README's example, and precision on hand-cleaned real bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.text.junk import split_paragraphs, strip_junk

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "syndicated-article.txt"
GROUND_TRUTH = SHARED / "data" / "extraction-dev" / "ground-truth.json"
# Acceptance: at most 0.2 % of real story paragraphs may be taken for junk.
MAX_REMOVED_SHARE = 0.002


def test_shared_example_comes_out_as_its_readme_says() -> None:
    if not EXAMPLE.exists():
        pytest.skip(f"shared example not found at {EXAMPLE}")
    lines = split_paragraphs(EXAMPLE.read_text(encoding="utf-8"))
    result = strip_junk(lines)
    story_start = next(i for i, line in enumerate(lines) if line.startswith("Government officials in China"))
    story_end = next(i for i, line in enumerate(lines) if line.endswith("“transnational repression.”"))
    assert result.kept == lines[story_start : story_end + 1]
    assert result.body == "\n\n".join(lines[story_start : story_end + 1])
    assert result.caption == "U.S. Secretary of State Antony J. Blinken"
    assert result.credit == "Facebook/Antony J. Blinken"
    assert result.original_source is None
    dropped = [label.text for label in result.removed]
    assert dropped.count("ORGANIZATIONS IN THIS STORY") == 2
    assert "More News" in dropped
    assert any(text.startswith("Blinken joins chorus") for text in dropped)
    assert strip_junk(result.kept).kept == result.kept


def test_shared_example_raw_lines_come_back_unchanged() -> None:
    if not EXAMPLE.exists():
        pytest.skip(f"shared example not found at {EXAMPLE}")
    raw = EXAMPLE.read_text(encoding="utf-8").splitlines()
    result = strip_junk(raw)
    story = [line for line in raw if line.strip()][3:17]
    assert result.kept == story
    assert result.body == "\n\n".join(story)


def test_precision_on_hand_cleaned_real_bodies() -> None:
    if not GROUND_TRUTH.exists():
        pytest.skip(f"shared ground truth not found at {GROUND_TRUTH}")
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    paragraphs = removed = 0
    removed_lines = []
    for page_id, record in truth.items():
        lines = split_paragraphs(record["articleBody"])
        result = strip_junk(lines)
        paragraphs += len(lines)
        removed += len(result.removed)
        removed_lines += [f"{page_id[:8]} {label.rule}: {label.text[:80]}" for label in result.removed]
    assert paragraphs > 1000
    assert removed / paragraphs <= MAX_REMOVED_SHARE, "\n".join(removed_lines)


def test_stripping_real_bodies_twice_changes_nothing() -> None:
    if not GROUND_TRUTH.exists():
        pytest.skip(f"shared ground truth not found at {GROUND_TRUTH}")
    for record in json.loads(GROUND_TRUTH.read_text(encoding="utf-8")).values():
        once = strip_junk(split_paragraphs(record["articleBody"]))
        assert strip_junk(once.kept).kept == once.kept
