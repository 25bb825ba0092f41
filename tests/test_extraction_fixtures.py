"""Stored article pages: every folder under tests/fixtures/pages/<template>/<case>/ is one case.

``page.html`` is the page as downloaded (bytes), ``meta.json`` gives its url and
optionally the outlet's ``selectors`` and feed ``hints``, ``expected.json`` the
fields extract_article must produce (every field listed is compared exactly).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscrawl.extraction import extract_article

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CASES = sorted(path.parent for path in PAGES.glob("*/*/expected.json"))
RECORD_FIELDS = {
    "url", "canonical_url", "title", "byline_raw", "author_candidates", "published", "modified",
    "section", "tags", "language", "image", "body", "word_count", "selector_misses",
}


def _load(case: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    actual = extract_article(
        (case / "page.html").read_bytes(), meta["url"], meta.get("selectors"), meta.get("hints")
    )
    return meta, expected, actual


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_page_fixture(case: Path) -> None:
    _, expected, actual = _load(case)
    assert set(actual) == RECORD_FIELDS
    for field, value in expected.items():
        assert actual[field] == value, f"{field} differs"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_body_shape(case: Path) -> None:
    """Paragraphs joined by exactly one blank line, no stray whitespace, word count of the body."""
    _, _, actual = _load(case)
    body = actual["body"]
    assert "\n\n\n" not in body
    assert all(p == p.strip() and p and "\n" not in p for p in body.split("\n\n")) or body == ""
    assert actual["word_count"] == len(body.split())
    assert actual["title"] is None or actual["title"] not in body.split("\n\n")


def test_fixture_set_covers_the_required_templates() -> None:
    templates = {case.parent.name for case in CASES}
    article_cases = [c for c in CASES if c.parent.name != "bad-input"]
    assert len(templates) >= 4
    assert len(article_cases) >= 12
