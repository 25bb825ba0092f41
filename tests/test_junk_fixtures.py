"""Article bodies from three network templates (tests/fixtures/junk/<template>/<case>/) come out clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.text.junk import (
    JunkRules,
    combine_rules,
    default_rules,
    load_rules_file,
    split_paragraphs,
    strip_junk,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "junk"
CASES = sorted(path for path in FIXTURES.glob("*/*") if path.is_dir())


def _rules(template: Path) -> JunkRules:
    network = template / "rules.toml"
    return combine_rules(default_rules(), load_rules_file(network)) if network.exists() else default_rules()


def test_fixtures_cover_three_templates() -> None:
    assert len({case.parent.name for case in CASES}) >= 3


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture_body(case: Path) -> None:
    lines = split_paragraphs((case / "body.txt").read_text(encoding="utf-8"))
    result = strip_junk(lines, _rules(case.parent))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert result.body == (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert (result.caption, result.credit, result.original_source) == (
        expected["caption"],
        expected["credit"],
        expected["original_source"],
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_stripping_twice_changes_nothing(case: Path) -> None:
    rules = _rules(case.parent)
    once = strip_junk(split_paragraphs((case / "body.txt").read_text(encoding="utf-8")), rules)
    twice = strip_junk(once.kept, rules)
    assert twice.kept == once.kept
    assert twice.removed == []
