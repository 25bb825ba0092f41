"""Junk lines in article bodies: tell story lines from captions, credits, widgets and promos.

``strip_junk`` is pure: lines in, labelled lines out. Each line is first checked
against the rules (``settings/junk/``, see ``junk_rules``); then context rules look
at position and shape: short link lines under a widget heading belong to the widget
(a rule's ``block``); lines above a byline or dateline near the top are the page
header; and fragments (no sentence end) before the first or after the last story
sentence are page chrome when other junk sits among them (the headline above a
caption, the link list under a footer). The passes repeat until nothing more is
removed, so the result is a fixed point: stripping it again changes nothing, which
the dedup layer relies on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newscrawl.text.junk_rules import (
    KINDS,
    JunkRules,
    Rule,
    combine_rules,
    default_rules,
    exact_key,
    load_rules,
    load_rules_file,
)

__all__ = [
    "KINDS",
    "JunkResult",
    "JunkRules",
    "LineLabel",
    "combine_rules",
    "default_rules",
    "load_rules",
    "load_rules_file",
    "split_caption",
    "split_paragraphs",
    "strip_junk",
]

STORY = "story"
# Caption lines describe an image; the lead image is the one whose caption comes
# before this many story lines (extractors often put the figure after the first paragraph).
LEAD_IMAGE_WINDOW = 3
SENTENCE_END = frozenset(".!?…:;。！？")
# Kinds that only page headers carry (a byline, a dateline): whatever stands above one of
# them near the top (a headline, a dek) is header too.
HEADER_KINDS = frozenset({"byline", "meta"})
HEADER_WINDOW = 6
CLOSING_MARKS = "\"'”’»)]}*_ \t"
BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
SOURCE_TRIM = " \t.,;:\"'“”‘’"


@dataclass(frozen=True)
class LineLabel:
    """One input line and what it was taken for; ``rule`` is None for story lines."""

    index: int
    text: str
    kind: str
    rule: str | None = None
    caption: str | None = None
    credit: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class JunkResult:
    """The story lines kept, every removed line with its reason, and what removed lines told us."""

    kept: list[str]
    body: str
    removed: list[LineLabel]
    labels: list[LineLabel]
    caption: str | None
    credit: str | None
    original_source: str | None


@dataclass(frozen=True)
class _Line:
    """A line's text and the features every rule needs, computed once."""

    index: int
    text: str
    flat: str
    key: str
    words: int
    ends_sentence: bool
    has_words: bool
    folded: str

    @classmethod
    def of(cls, index: int, text: str) -> _Line:
        flat = " ".join(text.split())
        tail = flat.rstrip(CLOSING_MARKS)
        return cls(
            index=index,
            text=text,
            flat=flat,
            key=exact_key(flat),
            words=len(flat.split()),
            ends_sentence=bool(tail) and tail[-1] in SENTENCE_END,
            has_words=any(character.isalnum() for character in flat),
            folded=flat.casefold(),
        )


def split_paragraphs(text: str) -> list[str]:
    """Split a body on blank lines, the way bodies are stored; surrounding whitespace dropped."""
    return [part.strip() for part in BLANK_LINES.split(text) if part.strip()]


def strip_junk(lines: list[str], rules: JunkRules | None = None, *, title: str | None = None) -> JunkResult:
    """Classify a body's lines and keep the story.

    ``rules`` defaults to the built-in rules; pass ``combine_rules(defaults, network,
    outlet)`` for an item from a known outlet. A line equal to ``title`` is the
    headline repeated in the body. Kept lines are returned as given (``split_paragraphs``
    trims them); blank ones are skipped.
    """
    rules = rules if rules is not None else default_rules()
    title_key = exact_key(title) if title else None
    remaining = [_Line.of(index, text) for index, text in enumerate(lines) if text.strip()]
    labels: dict[int, LineLabel] = {}
    hits: dict[int, list[_Hit]] = {}  # pattern matches do not depend on position: run them once a line
    while True:
        found = _classify(remaining, rules, title_key, hits)
        if not found:
            break
        labels.update(found)
        remaining = [line for line in remaining if line.index not in found]
    for line in remaining:
        labels[line.index] = LineLabel(line.index, line.text, STORY)
    ordered = [labels[index] for index in sorted(labels)]
    kept = [label.text for label in ordered if label.kind == STORY]
    removed = [label for label in ordered if label.kind != STORY]
    caption, credit = _lead_image(ordered)
    return JunkResult(
        kept=kept,
        body="\n\n".join(kept),
        removed=removed,
        labels=ordered,
        caption=caption,
        credit=credit,
        original_source=next((label.source for label in removed if label.source), None),
    )


def split_caption(text: str, rules: JunkRules | None = None) -> tuple[str | None, str | None]:
    """Split an image caption into (caption, credit), e.g. ``"Jane Doe | Facebook/Jane Doe"``.

    For captions found outside the body (a figcaption); text no credit rule recognises
    is all caption.
    """
    line = _Line.of(0, text.strip())
    if not line.flat:
        return None, None
    label = _match_rules(line, 0, 1, rules if rules is not None else default_rules(), {})
    if label is None or label.kind not in ("caption", "credit"):
        return line.text, None
    return label.caption, label.credit


def _classify(
    lines: list[_Line], rules: JunkRules, title_key: str | None, hits: dict[int, list[_Hit]]
) -> dict[int, LineLabel]:
    """One pass over the current lines: rule matches, then widget blocks, then lead and tail chrome."""
    total = len(lines)
    found: list[LineLabel | None] = []
    for position, line in enumerate(lines):
        if title_key and line.key == title_key:
            found.append(LineLabel(line.index, line.text, "headline", "title"))
        else:
            found.append(_match_rules(line, position, total, rules, hits))
    _claim_blocks(lines, found, rules)
    if rules.lead_chrome:
        _claim_header(lines, found)
        _claim_chrome(lines, found, rules, range(total), "headline", "lead-chrome", outward_only=False)
    if rules.tail_chrome:
        _claim_chrome(
            lines, found, rules, range(total - 1, -1, -1), "widget", "tail-chrome", outward_only=True
        )
    return {label.index: label for label in found if label is not None}


_Hit = tuple[Rule, re.Match[str]]
# Distinct lines whose pattern results are kept (about 20 MB at most).
LINE_MEMO_SIZE = 50_000


def _match_rules(
    line: _Line, position: int, total: int, rules: JunkRules, hits: dict[int, list[_Hit]]
) -> LineLabel | None:
    exact = rules.exact_index.get(line.key)
    if exact is not None and _applies(exact, line, position, total):
        return LineLabel(line.index, line.text, exact.kind, exact.name)
    if line.index not in hits:
        hits[line.index] = _pattern_hits(line, rules)
    for rule, match in hits[line.index]:
        if rule.where_allowed(position, total):
            return _label_from_match(line, rule, match)
    return None


def _pattern_hits(line: _Line, rules: JunkRules) -> list[_Hit]:
    """Every pattern rule that fires on the line wherever it stands, in rule order (memoized by text)."""
    memo = rules.line_memo
    key = f"{line.words}|{line.ends_sentence}|{line.flat}"
    found = memo.get(key)
    if found is None:
        if len(memo) >= LINE_MEMO_SIZE:
            memo.clear()  # a bounded memo: clearing now and then keeps the hot lines cheaply
        found = memo[key] = _search_patterns(line, rules)
    return found


def _search_patterns(line: _Line, rules: JunkRules) -> list[_Hit]:
    found = []
    fragment = not line.ends_sentence
    by_length = rules.rules_by_length
    for rule in by_length[min(line.words, len(by_length) - 1)]:
        if rule.fragment is not None and rule.fragment != fragment:
            continue
        for pattern, needs in zip(rule.patterns, rule.needs, strict=True):
            if needs is not None and not _contains_any(line.folded, needs):
                continue
            match = pattern.search(line.flat)
            if match is None:
                continue
            if rule.unless is None or not rule.unless.search(line.flat):
                found.append((rule, match))
            break
    return found


def _contains_any(text: str, parts: tuple[str, ...]) -> bool:
    for part in parts:  # noqa: SIM110 - a plain loop is measurably cheaper than any() over a generator
        if part in text:
            return True
    return False


def _applies(rule: Rule, line: _Line, position: int, total: int) -> bool:
    return rule.where_allowed(position, total) and rule.shape_allowed(line.words, not line.ends_sentence)


def _label_from_match(line: _Line, rule: Rule, match: re.Match[str]) -> LineLabel:
    groups = {name: _clean(value) for name, value in match.groupdict().items()}
    caption, credit = groups.get("caption"), groups.get("credit")
    if rule.kind == "caption" and caption is None and credit is None:
        caption = line.text.strip()
    elif rule.kind == "credit" and credit is None:
        credit = line.text.strip()
    source = groups.get("source")
    return LineLabel(
        line.index,
        line.text,
        rule.kind,
        rule.name,
        caption=caption,
        credit=credit,
        source=source.strip(SOURCE_TRIM) if source else None,
    )


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _is_fragment(line: _Line, rules: JunkRules) -> bool:
    return not line.ends_sentence and line.words <= rules.fragment_max_words


def _claim_blocks(lines: list[_Line], found: list[LineLabel | None], rules: JunkRules) -> None:
    """Short link lines right under a widget heading belong to the widget."""
    for position, label in enumerate(found):
        rule = rules.by_name.get(label.rule) if label is not None and label.rule else None
        if rule is None or not rule.block:
            continue
        claimed = 0
        for following in range(position + 1, len(lines)):
            if claimed >= rule.block:
                break
            if found[following] is not None:
                continue
            if not _is_fragment(lines[following], rules):
                break
            found[following] = LineLabel(lines[following].index, lines[following].text, rule.kind, rule.name)
            claimed += 1


def _claim_header(lines: list[_Line], found: list[LineLabel | None]) -> None:
    """Lines above a byline or dateline near the top are the page header (headline, dek)."""
    marks = [
        position
        for position, label in enumerate(found[:HEADER_WINDOW])
        if label is not None and label.kind in HEADER_KINDS
    ]
    for position in range(marks[-1] if marks else 0):
        if found[position] is None:
            line = lines[position]
            found[position] = LineLabel(line.index, line.text, "headline", "lead-chrome")


def _claim_chrome(
    lines: list[_Line],
    found: list[LineLabel | None],
    rules: JunkRules,
    order: range,
    kind: str,
    rule_name: str,
    *,
    outward_only: bool,
) -> None:
    """Fragments between a page edge and the story are chrome when junk sits among them.

    The zone runs from the edge (in ``order``) to the first story sentence. With
    ``outward_only`` only fragments on the edge's side of a junk line go: at the foot
    of a page a story may end in short lines (a tweet's signature, a sign-off) that
    sit above the footer junk, while the link lists of widgets sit below it. Lines of
    bare symbols (``___``, ``* * *``) in the zone go either way: they end no story.
    """
    zone: list[int] = []
    for position in order:
        if found[position] is None and not _is_fragment(lines[position], rules):
            break
        zone.append(position)
    junk_positions = [step for step, position in enumerate(zone) if found[position] is not None]
    if not junk_positions:
        return
    reach = len(zone) if not outward_only else junk_positions[-1]
    for step, position in enumerate(zone):
        if found[position] is None and (step < reach or not lines[position].has_words):
            found[position] = LineLabel(lines[position].index, lines[position].text, kind, rule_name)


def _lead_image(labels: list[LineLabel]) -> tuple[str | None, str | None]:
    """Caption and credit of the first image, if its caption comes before the story is well under way."""
    stories_seen = 0
    for position, label in enumerate(labels):
        if label.kind == STORY:
            stories_seen += 1
            if stories_seen >= LEAD_IMAGE_WINDOW:
                return None, None
            continue
        if label.caption is None and label.credit is None:
            continue
        caption, credit = label.caption, label.credit
        following = labels[position + 1] if position + 1 < len(labels) else None
        if following is not None and following.index == label.index + 1:
            if credit is None and following.caption is None:
                credit = following.credit
            elif caption is None and following.credit is None:
                caption = following.caption
        return caption, credit
    return None, None
