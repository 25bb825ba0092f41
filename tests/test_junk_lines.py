"""Table-driven: every labelled line of tests/data/junk_lines.tsv gets its kind from the default rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.text.junk import strip_junk

DATA = Path(__file__).resolve().parent / "data" / "junk_lines.tsv"


def _rows() -> list[tuple[str, str]]:
    rows = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            kind, line = raw.split("\t", 1)
            rows.append((kind, line))
    return rows


ROWS = _rows()


def test_the_table_covers_every_kind_and_enough_story_look_alikes() -> None:
    kinds = {kind for kind, _ in ROWS}
    assert len(ROWS) >= 300
    assert kinds >= {"caption", "credit", "widget", "related", "promo", "ad", "share", "consent",
                     "copyright", "wire", "attribution", "story"}
    assert sum(kind == "story" for kind, _ in ROWS) >= 100


@pytest.mark.parametrize(("kind", "line"), ROWS, ids=[f"{k}:{line[:50]}" for k, line in ROWS])
def test_line_kind(kind: str, line: str) -> None:
    label = strip_junk([line]).labels[0]
    assert label.kind == kind, f"rule {label.rule} fired"
