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
from typing import Any, NamedTuple

from newscrawl.text.junk_rules import (
    EXACT_TRIM,
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
    "story_lines",
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


@dataclass(slots=True)
class LineLabel:
    """One input line and what it was taken for; ``rule`` is None for story lines. Never changed
    after it is made, but not frozen: a frozen dataclass takes several times longer to build, and
    bodies with junk get a label for every junk line."""

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


_Hit = tuple[Rule, re.Match[str]]


class _Line(NamedTuple):
    """A body line: where it stands, its text, its normalized form and what it is made of."""

    number: int  # its place among the input lines
    text: str
    flat: str  # " ".join(text.split()): what rules are written for
    hits: tuple[_Hit, ...]  # pattern rules firing on it wherever it stands, in rule order
    bare_length: int  # its exact key is never shorter, so longer lines need no key at all


def _has_words(flat: str) -> bool:
    return any(character.isalnum() for character in flat)


def _word_count(flat: str) -> int:
    return flat.count(" ") + 1 if flat else 0


def _ends_sentence(flat: str) -> bool:
    tail = flat.rstrip(CLOSING_MARKS)
    return bool(tail) and tail[-1] in SENTENCE_END


def _bare_length(flat: str) -> int:
    return len(flat.strip(EXACT_TRIM))


# Distinct line texts whose pattern hits are kept per rule set (a few MB at most).
LINE_MEMO_SIZE = 50_000


def _memo_hits(
    text: str, flat: str, rules: JunkRules, candidates: list[tuple[JunkRules, set[int]]]
) -> tuple[_Hit, ...]:
    """``_pattern_hits``, remembered by line text (the hits do not depend on which screen named them)."""
    memo = rules.line_memo
    hits = memo.get(text)
    if hits is None:
        if len(memo) >= LINE_MEMO_SIZE:
            memo.clear()  # a bounded memo: clearing now and then keeps the hot lines cheaply
        hits = memo[text] = _pattern_hits(flat, rules, candidates)
    return hits


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
    story, labels = _label_junk(lines, rules, title)
    for index, text in story:
        labels[index] = LineLabel(index, text, STORY)
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


def story_lines(lines: list[str], rules: JunkRules | None = None, *, title: str | None = None) -> list[str]:
    """The lines ``strip_junk`` keeps, without labelling every line (what fingerprinting needs)."""
    return [text for _, text in _label_junk(lines, rules, title)[0]]


def _label_junk(
    lines: list[str], rules: JunkRules | None, title: str | None
) -> tuple[list[tuple[int, str]], dict[int, LineLabel]]:
    """The story lines left (index, text) and a label for every junk line.

    Most bodies hold no junk at all; one RE2 scan of the whole body and a length test per line
    prove that before any per-line work. Otherwise the passes repeat to a fixed point.
    """
    rules = rules if rules is not None else default_rules()
    title_key = exact_key(title) if title else None
    present, flats = list(enumerate(lines)), lines
    screened = _screen(lines, rules)
    if screened is None:  # not normalized: normalize (dropping blank lines) and screen again
        present = [(index, text) for index, text in enumerate(lines) if text.strip()]
        flats = [" ".join(text.split()) for _, text in present]
        screened = _screen(flats, rules)
    title_length = len(title_key) if title_key else -1
    # Lines longer than this are neither an exact rule's line nor the headline.
    plain_above = max(rules.longest_exact, title_length)
    bare_lengths = [_bare_length(flat) for flat in flats]
    if not screened and not _may_be_exact(flats, bare_lengths, rules, title_key, plain_above):
        return present, {}
    # Which lines the patterns found somewhere may match: only those lines run regexes.
    by_line: dict[int, list[tuple[JunkRules, set[int]]]] = {}
    for layer, patterns in screened or ():
        for place, candidates in layer.screen.lines_matching(flats, patterns).items():
            by_line.setdefault(place, []).append((layer, candidates))
    remaining = [
        _Line(
            index,
            text,
            flat,
            _memo_hits(text, flat, rules, by_line[place]) if place in by_line else (),
            bare_lengths[place],
        )
        for place, ((index, text), flat) in enumerate(zip(present, flats, strict=True))
    ]
    labels: dict[int, LineLabel] = {}
    # A pass labels nothing unless some line has a pattern hit or is short enough to be an exact
    # rule's line or the headline: context rules only act around labelled lines.
    while any(line.hits or line.bare_length <= plain_above for line in remaining):
        found = _classify(remaining, rules, title_key, plain_above)
        if not found:
            break
        labels.update(found)
        remaining = [line for line in remaining if line.number not in found]
    return [(line.number, line.text) for line in remaining], labels


def _screen(lines: list[str], rules: JunkRules) -> list[tuple[JunkRules, frozenset[int]]] | None:
    """Per rule layer, the patterns that may fire somewhere in ``lines`` (layers with none left out;
    None: the lines need normalizing first)."""
    found: list[tuple[JunkRules, frozenset[int]]] = []
    if not lines:
        return found
    for layer in rules.screens:
        candidates = layer.screen.screen_lines(lines)
        if candidates is None:
            return None
        if candidates:
            found.append((layer, candidates))
    return found


def _may_be_exact(
    flats: list[str], bare_lengths: list[int], rules: JunkRules, title_key: str | None, plain_above: int
) -> bool:
    """Whether a line is an exact-rule line or the headline (the only other ways a line is junk
    before the context rules, which act only around junk).

    A line's exact key is its trimmed text case-folded: as long as the trimmed text if that is
    ASCII, at least as long otherwise, so most lines are ruled out by length alone.
    """
    title_length = len(title_key) if title_key else -1
    for flat, bare in zip(flats, bare_lengths, strict=True):
        if bare > plain_above:
            continue
        if bare in rules.exact_lengths or bare == title_length or not flat.isascii():
            key = exact_key(flat)
            if key in rules.exact_index or key == title_key:
                return True
    return False


def split_caption(text: str, rules: JunkRules | None = None) -> tuple[str | None, str | None]:
    """Split an image caption into (caption, credit), e.g. ``"Jane Doe | Facebook/Jane Doe"``.

    For captions found outside the body (a figcaption); text no credit rule recognises
    is all caption.
    """
    rules = rules if rules is not None else default_rules()
    flat = " ".join(text.split())
    line = _Line(0, text.strip(), flat, _pattern_hits(flat, rules), _bare_length(flat))
    if not line.flat:
        return None, None
    label = _match_rules(line, exact_key(flat), 0, 1, rules)
    if label is None or label.kind not in ("caption", "credit"):
        return line.text, None
    return label.caption, label.credit


def _classify(
    lines: list[_Line], rules: JunkRules, title_key: str | None, plain_above: int
) -> dict[int, LineLabel]:
    """One pass over the current lines: rule matches, then widget blocks, then lead and tail chrome.

    ``plain_above``: lines longer than this (trimmed) are neither an exact rule's nor the headline.
    """
    total = len(lines)
    found: list[LineLabel | None] = []
    for position, line in enumerate(lines):
        key = exact_key(line.flat) if line.bare_length <= plain_above else None
        if not line.hits and key is None:
            found.append(None)  # the common story line: nothing to look up
        elif key is not None and key == title_key:
            found.append(LineLabel(line.number, line.text, "headline", "title"))
        else:
            found.append(_match_rules(line, key, position, total, rules))
    _claim_blocks(lines, found, rules)
    if rules.lead_chrome:
        _claim_header(lines, found)
        _claim_chrome(lines, found, rules, range(total), "headline", "lead-chrome", outward_only=False)
    if rules.tail_chrome:
        _claim_chrome(
            lines, found, rules, range(total - 1, -1, -1), "widget", "tail-chrome", outward_only=True
        )
    return {label.index: label for label in found if label is not None}


def _match_rules(
    line: _Line, key: str | None, position: int, total: int, rules: JunkRules
) -> LineLabel | None:
    """``key``: the line's exact key (None: too long to be an exact rule's line)."""
    if key is not None and line.bare_length <= rules.longest_exact:
        exact = rules.exact_index.get(key)
        if exact is not None and _applies(exact, line.flat, position, total):
            return LineLabel(line.number, line.text, exact.kind, exact.name)
    for rule, match in line.hits:
        if rule.where_allowed(position, total):
            return _label_from_match(line, rule, match)
    return None


def _pattern_hits(
    flat: str, rules: JunkRules, screened: list[tuple[JunkRules, set[int]]] | None = None
) -> tuple[_Hit, ...]:
    """Every pattern rule that fires on the line wherever it stands, in rule order.

    The RE2 screens name the few patterns that may match (``screened``: per layer, found for
    this line already); only those run. Of a rule's patterns the first that matches decides (its
    ``unless`` may still veto the rule).
    """
    found: list[_Hit] = []
    words, fragment = _word_count(flat), not _ends_sentence(flat)
    if screened is None:
        screened = [(layer, set(layer.screen.candidates(flat))) for layer in rules.screens]
    for layer, candidates in screened:
        if not candidates:
            continue
        decided: set[str] = set()
        for index in sorted(candidates):
            rule, pattern = layer.screened[index]
            if rule.name in decided or rules.by_name.get(rule.name) is not rule:
                continue  # decided already, or disabled / replaced in this combination
            if not rule.shape_allowed(words, fragment):
                continue
            match = pattern.search(flat)
            if match is None:
                continue
            decided.add(rule.name)
            if rule.unless is None or not rule.unless.search(flat):
                found.append((rule, match))
    if len(found) > 1 and len(rules.screens) > 1:
        found.sort(key=lambda hit: rules.order[hit[0].name])
    return tuple(found)


def _applies(rule: Rule, flat: str, position: int, total: int) -> bool:
    fragment = not _ends_sentence(flat)
    return rule.where_allowed(position, total) and rule.shape_allowed(_word_count(flat), fragment)


def _label_from_match(line: _Line, rule: Rule, match: re.Match[str]) -> LineLabel:
    groups = {name: _clean(value) for name, value in match.groupdict().items()}
    caption, credit = groups.get("caption"), groups.get("credit")
    if rule.kind == "caption" and caption is None and credit is None:
        caption = line.text.strip()
    elif rule.kind == "credit" and credit is None:
        credit = line.text.strip()
    source = groups.get("source")
    return LineLabel(
        line.number,
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
    return not _ends_sentence(line.flat) and _word_count(line.flat) <= rules.fragment_max_words


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
            found[following] = LineLabel(lines[following].number, lines[following].text, rule.kind, rule.name)
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
            found[position] = LineLabel(line.number, line.text, "headline", "lead-chrome")


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
        if found[position] is None and (step < reach or not _has_words(lines[position].flat)):
            found[position] = LineLabel(lines[position].number, lines[position].text, kind, rule_name)


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
