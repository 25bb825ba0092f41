"""The RE2 screen in front of the junk-rule regexes must never hide a match (it may propose extra ones)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import re2

from newscrawl.text.junk import default_rules, split_paragraphs
from newscrawl.text.regex_screen import PatternScreen

HERE = Path(__file__).resolve().parent
GROUND_TRUTH = HERE.parent.parent / "shared" / "data" / "extraction-dev" / "ground-truth.json"

# (pattern, flags, texts it matches in Python, texts the screen should rule out)
CASES = [
    (
        r"\b(?:AP|The\s+Associated\s+Press)\s+is\s+solely\s+responsible",
        re.I,
        ["The Associated Press is solely responsible", "ap  is solely responsible"],
        ["a story line"],
    ),
    (r"^copyright\s*(?:©|\(c\))", re.I, ["Copyright © 2026", "COPYRIGHT(c)"], ["The copyright ©"]),
    (r"^(?=.*\b(?:cookies?|consent))(?=.*embed).*", re.I, ["Accept cookies to see the embed"], ["No match"]),
    (r"^(?=.*\bdonat)(?:please\s+)?support\b", re.I, ["Please support us, donate"], ["We support it"]),
    (r"(\w+) and \1", 0, ["salt and salt"], ["nothing here"]),
    (r"(?P<x>a)?(?(x)b|c)", 0, ["ab", "c"], ["zzz"]),
    (r"(?>ab|a)c", 0, ["abc"], ["zzz"]),
    (r"x{2,2000}y", 0, ["xxy", "x" * 1500 + "y"], ["y"]),
    (r"^a{3}$", 0, ["aaa"], []),
    (r"^[^\w\s]+$", 0, ["***", "—"], ["word"]),
    (r"[\W\d]x", 0, [" x", "1x", "-x"], []),
    (r"(?-i:[A-Z])[a-z]+\s(?i:photo)", re.I, ["Jane PHOTO"], ["jane photo"]),
    (r"end$", 0, ["the end"], ["end of it"]),
    (r"\Astart\Z", 0, ["start"], ["a start"]),
    (r"(?m)^line$", 0, ["line"], ["lines"]),
    (r"(?s)a.b", 0, ["a-b"], ["ab"]),
    (r"[^a]b", 0, ["xb", " b"], ["ab"]),
    (r"\d+\s*°", 0, ["٣٤ °", "12°"], ["twelve °"]),
    (r"(?<!foo)bar", 0, ["xbar"], ["baz"]),
    (r"straße", re.I, ["STRASSE".lower().replace("ss", "ß"), "Straße"], ["strasse x"]),
]


@pytest.mark.parametrize(
    ("pattern", "flags", "matching", "ruled_out"), CASES, ids=[case[0] for case in CASES]
)
def test_screen_keeps_every_match_and_rules_out_plain_misses(
    pattern: str, flags: int, matching: list[str], ruled_out: list[str]
) -> None:
    compiled = re.compile(pattern, flags)
    screen = PatternScreen([compiled])
    for text in matching:
        assert compiled.search(text), text
        assert screen.candidates(text) == {0}, text
    for text in ruled_out:
        assert not compiled.search(text), text
        assert screen.candidates(text) == set(), text


def test_a_body_is_screened_in_one_call_line_by_line() -> None:
    """Joined by newlines, lines get a candidate exactly when one of them would alone: nothing spans lines."""
    patterns = [
        re.compile(r"^photo\s+by\s+\w+$", re.I),
        re.compile(r"\bsubscribe\b.*today"),
        re.compile(r"^[^ ]+$"),
    ]
    screen = PatternScreen(patterns)
    assert screen.screen_lines(["It was a quiet day.", "Photo by", "Jane at the park."]) == set()
    assert screen.screen_lines(["subscribe now", "today and more"]) == set()
    assert screen.screen_lines(["It was a quiet day.", "PHOTO BY JANE"]) == {0}
    assert screen.candidates("bbb") == {2}
    assert screen.screen_lines(["a bc", "c ab"]) == set()


def test_lines_matching_names_each_line_and_its_patterns() -> None:
    # An anchor inside a repeat and another at the end: both held in one line of a joined body.
    share_bar = re.compile(r"^(?:(?:share|gift|copy\s+link)(?:\s*[,|]\s*|\s+|$))+$", re.I)
    more = re.compile(r"^more\s+from\b", re.I)
    screen = PatternScreen([share_bar, more])
    lines = ["A story line.", "Gift", "Share | Copy link", "More from Bloomberg", "Gift this article"]
    found = screen.screen_lines(lines)
    assert found == {0, 1}
    located = screen.lines_matching(lines, found)
    for line, patterns in {1: {0}, 2: {0}, 3: {1}}.items():
        assert patterns <= located[line]
    assert 4 not in located  # a line next to a match may be named too (an anchor takes the newline)


@pytest.mark.parametrize(
    "lines",
    [
        ["two  spaces here"],
        [" padded"],
        ["padded "],
        ["tab\there"],
        ["no\u00a0break"],
        ["a b", "", "c d"],
        ["new\nline"],
        [""],
        ["a b", "   "],
    ],
)
def test_lines_that_need_normalizing_are_not_screened(lines: list[str]) -> None:
    screen = PatternScreen([re.compile("zzz")])
    assert screen.screen_lines(lines) is None
    assert screen.screen_lines([" ".join(line.split()) for line in lines if line.strip()] or ["x"]) == set()


def test_text_rejected_by_utf8_gets_every_pattern() -> None:
    screen = PatternScreen([re.compile("abc"), re.compile("def")])
    assert screen.candidates("lone \ud800 surrogate") == {0, 1}


CLASSES = [r"\w", r"\W", r"\d", r"\D", r"\s", r"\S", r"[\w-]", r"[^\w\s]"]


def test_unicode_classes_cover_pythons() -> None:
    """Python's \\w, \\d, \\s are Unicode-wide; the screen's spelling of them must cover every code point."""
    patterns = [re.compile(f"^{cls}$") for cls in CLASSES]
    screen = PatternScreen(patterns)
    points = [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 7)]
    for point in points:
        if 0xD800 <= point <= 0xDFFF or point == 0x0A:  # no UTF-8 form; lines hold no newline
            continue
        character = chr(point)
        expected = {index for index, pattern in enumerate(patterns) if pattern.search(character)}
        assert expected <= screen.candidates(character), (hex(point), expected)


def test_case_insensitive_letters_cover_pythons() -> None:
    letters = [chr(point) for point in range(0x20, 0x2FFF) if chr(point).isalpha()]
    patterns = [re.compile(re.escape(letter), re.IGNORECASE) for letter in letters]
    screen = PatternScreen(patterns)
    for letter, pattern in zip(letters, patterns, strict=True):
        for text in {letter, letter.upper(), letter.lower(), letter.title()}:
            if pattern.search(text):
                assert letters.index(letter) in screen.candidates(text), (letter, text)


def _sample_lines() -> list[str]:
    lines = [
        row.split("\t", 1)[1]
        for row in (HERE / "data" / "junk_lines.tsv").read_text("utf-8").splitlines()
        if row.strip() and not row.startswith("#")
    ]
    for path in sorted((HERE / "fixtures" / "junk").rglob("*.txt")):
        lines += split_paragraphs(path.read_text("utf-8"))
    if GROUND_TRUTH.exists():  # the hand-checked bodies of real articles
        for page in json.loads(GROUND_TRUTH.read_text("utf-8")).values():
            lines += split_paragraphs(page.get("articleBody") or "")
    return [" ".join(line.split()) for line in lines if line.strip()]


def test_default_rules_screen_hides_no_match_on_real_lines() -> None:
    rules = default_rules()
    lines = _sample_lines()
    assert len(lines) > 600
    matched = 0
    for line in lines:
        candidates = rules.screen.candidates(line)
        for index, (rule, pattern) in enumerate(rules.screened):
            if pattern.search(line):
                matched += 1
                assert index in candidates, (rule.name, line)
    assert matched > 300


def test_default_rules_screen_hides_no_match_on_real_bodies() -> None:
    """The path bodies take: one scan of the joined lines names the patterns, then each is searched
    over the body to find its lines (line anchors included)."""
    rules = default_rules()
    lines = _sample_lines()
    matched = 0
    for start in range(0, len(lines), 40):
        body = lines[start : start + 40]
        screened = rules.screen.screen_lines(body)
        assert screened is not None  # normalized lines
        by_line = rules.screen.lines_matching(body, screened)
        for place, line in enumerate(body):
            for index, (rule, pattern) in enumerate(rules.screened):
                if pattern.search(line):
                    matched += 1
                    assert index in by_line.get(place, set()), (rule.name, line)
    assert matched > 300


def test_case_insensitive_negated_sets_cover_pythons() -> None:
    """``[^x]`` under IGNORECASE: RE2 may exclude no character that Python lets through.

    What RE2 excludes besides x are the characters it folds together with x, so those are the
    texts to try: wherever Python's case rules differ (Python lets one through), the screen must
    still name the pattern.
    """
    letters = [chr(point) for point in range(0x20, 0x2FFF) if chr(point).isalpha()]
    universe = "".join(letters)
    tried = 0
    for start in range(0, len(letters), 400):
        chunk = letters[start : start + 400]
        patterns = [re.compile(f"[^{re.escape(letter)}]", re.IGNORECASE) for letter in chunk]
        screen = PatternScreen(patterns)
        for index, letter in enumerate(chunk):
            folded = {match.group() for match in re2.compile("(?i)" + re.escape(letter)).finditer(universe)}
            for text in folded - {letter}:
                tried += 1
                if patterns[index].search(text):
                    assert index in screen.candidates(text), (letter, text)
    assert tried > 1000  # letters with case partners in RE2's folding
