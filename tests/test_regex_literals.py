"""The literal gate in front of junk-rule regexes must never hide a match."""

from __future__ import annotations

import re

import pytest

from newscrawl.text.junk import default_rules
from newscrawl.text.regex_literals import required_literals

CASES = [
    (r"\b(?:AP|The\s+Associated\s+Press)\s+is\s+solely\s+responsible", ("responsible",)),
    (r"^copyright\s*(?:©|\(c\))", ("copyright",)),
    (r"^(?=.*\b(?:cookies?|consent))(?=.*embed)", ("embed",)),
    (r"foo|ba", None),
    (r"(?:abc)?def", ("def",)),
    (r"x{2}abcd", ("abcd",)),
    (r"^(?P<caption>[^|]*?\S)\s+[|]\s+(?P<credit>\w+)", ("|",)),
    (r"^(?P<caption>.*\S)\s*\(\s*(?P<credit>\w+)\)$", ("(",)),
    (r"(?:a|b)*", None),
]


@pytest.mark.parametrize(("pattern", "expected"), CASES)
def test_required_literals(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(pattern, re.IGNORECASE)) == expected


def test_no_default_rule_is_gated_away_from_its_own_matches() -> None:
    """Every line a rule's regex matches contains one of the literals its gate asks for."""
    samples = [
        "AP is solely responsible for all content.",
        "Copyright 2026 The Associated Press. All rights reserved.",
        "© 2026 Lakeside Ledger",
        "U.S. Secretary of State Antony J. Blinken | Facebook/Antony J. Blinken",
        "Protesters gather outside City Hall (AP Photo/Jane Doe)",
        "View this post on Instagram",
        "This content is blocked because you have not accepted cookies. Click to view the embed.",
        "READ MORE: Council approves budget",
        "Sign up for our newsletter",
        "This article originally appeared on The Texas Tribune.",
    ]
    for rule in default_rules().pattern_rules:
        for pattern, needs in zip(rule.patterns, rule.needs, strict=True):
            for line in samples:
                if needs is not None and pattern.search(line):
                    assert any(text in line.casefold() for text in needs), (rule.name, line)
