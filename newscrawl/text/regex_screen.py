"""Which of many regular expressions can match a line, decided in one pass of RE2.

Junk rules are dozens of Python regexes tried on every body line, and almost every story line
matches none of them; trying them one by one cost most of the junk stage's time. A
``PatternScreen`` translates each pattern into RE2 syntax and compiles them all into one RE2
set (an automaton that reports every pattern matching a text in one linear scan). The screen
answers "which patterns *may* match": the translation only ever widens a pattern (an assertion
RE2 lacks is dropped or loosened, never guessed), so a pattern the screen rules out cannot
match, and Python's ``re`` still decides every candidate. A pattern that cannot be translated
is always a candidate.

Texts are lines without newlines. The translation keeps every pattern inside one line (``^``
and ``$`` become line anchors, nothing matches a newline), so a whole body, its lines joined by
newlines, is screened in one call too: no candidate there means none on any of its lines.

Why the translation is a superset:

* Lookarounds, ``\\b``, ``\\B``, possessive and atomic groups only restrict a match, so they
  are dropped (a lookahead followed only by ``.*`` becomes its own content instead, which is
  both a necessary condition and selective). A back-reference becomes "any text".
* RE2's ``\\w``, ``\\d`` and ``\\s`` are ASCII; Python's are Unicode, so they are spelled out as
  the code point ranges this Python's own ``re`` gives them (RE2's Unicode tables may be of
  another Unicode version): exactly in the Basic Multilingual Plane; above it, a class that may
  match takes every code point and a class whose complement is taken none.
* RE2 ignores case by Unicode's case-folding orbits, Python by simple lowercase: letters Python
  also matches (it takes "İ" for "i") are added.
* A class RE2 cannot express exactly (a negated category inside a set) becomes "any character".
"""

from __future__ import annotations

import re
import sys
from _sre import unicode_tolower as sre_lower  # the simple lowercase ``re`` compares under IGNORECASE
from collections.abc import Collection, Sequence
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from re._casefix import _EXTRA_CASES
from typing import Any, Literal

import re2

_ANY_CHARACTER = r"[^\n]"
_ANY_TEXT = r"[^\n]*"
# A line starts after a newline or at the text's start, and ends before a newline or at its end;
# spelled with the newline itself because RE2's automaton is many times slower with (?m) anchors.
_LINE_START, _LINE_END = r"(?:\A|\n)", r"(?:\n|\z)"
_STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_BEGINNING_LINE)
_ENDS = (sre.AT_END, sre.AT_END_STRING, sre.AT_END_LINE)
_BMP_LAST = 0xFFFF
_EXACT_REPEAT = 1  # counted repeats up to this stay exact
_RANGE_FOLD_LIMIT = 4096  # a longer range under IGNORECASE gets every extra case letter
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
# The DFA's memory: generous, because a set that runs out of it reports no match at all.
_MAX_MEMORY = 256 << 20


@cache
def _python_class(category: str, outside_bmp: Literal["exact", "all", "none"] = "exact") -> str:
    """The code points Python's ``re`` puts in ``category`` (``\\w``, ``\\d``, ``\\s``) as RE2 ranges.

    Exact in the Basic Multilingual Plane, where text is. Above it, ``outside_bmp="all"`` takes every
    code point (for a class that may match more than Python's) and ``"none"`` none (for a class
    whose complement is taken): hundreds of ranges of historic scripts fewer make the RE2 set
    compile in half the time.
    """
    characters = _every_character() if outside_bmp == "exact" else _every_character()[: _BMP_LAST + 1]
    runs = []
    for match in re.finditer(category + "+", characters):
        low, high = match.start(), match.end() - 1
        runs.append(_char(low) if low == high else f"{_char(low)}-{_char(high)}")
    if outside_bmp == "all":
        runs.append(f"{_char(_BMP_LAST + 1)}-{_char(sys.maxunicode)}")
    return "".join(runs)


@cache
def _every_character() -> str:
    """Every code point at its own position, but NUL in place of the surrogates (no UTF-8 form) and
    the newline (which separates lines): no class of ours holds NUL, so no run spans them.
    Built through numpy in milliseconds (a join of a million ``chr`` calls took a tenth of a second
    in every worker process)."""
    import numpy as np  # here: importing the junk rules should not cost numpy's import

    points = np.arange(sys.maxunicode + 1, dtype="<u4")
    points[0xD800:0xE000] = 0
    points[ord("\n")] = 0
    return points.tobytes().decode("utf-32-le")


_CATEGORIES = {
    sre.CATEGORY_WORD: (r"\w", False),
    sre.CATEGORY_NOT_WORD: (r"\w", True),
    sre.CATEGORY_DIGIT: (r"\d", False),
    sre.CATEGORY_NOT_DIGIT: (r"\d", True),
    sre.CATEGORY_SPACE: (r"\s", False),
    sre.CATEGORY_NOT_SPACE: (r"\s", True),
}


class Untranslatable(ValueError):
    """A construct the translation does not know: the pattern stays unscreened."""


def translate(pattern: re.Pattern[str]) -> str:
    """An RE2 pattern that matches a line wherever ``pattern`` does, and never across a newline."""
    parsed = list(sre_parser.parse(pattern.pattern, pattern.flags))
    flags = _case_flag(pattern.flags)  # dot-all and multi-line mean nothing in one line
    fold = bool(pattern.flags & re.IGNORECASE)
    if len(parsed) == 1 and parsed[0][0] is sre.BRANCH:
        body = "(?:" + "|".join(_edges(list(branch), fold) for branch in parsed[0][1][1]) + ")"
    else:
        body = _edges(parsed, fold)
    return (f"(?{flags})" if flags else "") + body


def _edges(items: list[tuple[Any, Any]], fold: bool) -> str:
    """A whole pattern (or one of its top-level branches): a leading ``^`` and a trailing ``$`` become
    line anchors, which take the newline next to them; an anchor anywhere else is dropped, since
    two taking one newline could not both match (a wider pattern is allowed, a narrower is not)."""
    start = end = ""
    if items and items[0][0] is sre.AT and items[0][1] in _STARTS:
        start, items = _LINE_START, items[1:]
    if items and items[-1][0] is sre.AT and items[-1][1] in _ENDS:
        end, items = _LINE_END, items[:-1]
    return start + _sequence(items, fold) + end


def _sequence(items: list[tuple[Any, Any]], fold: bool) -> str:
    """``fold``: case is ignored here (the IGNORECASE flag, or a scoped ``(?i:...)``)."""
    parts: list[str] = []
    for position, (op, argument) in enumerate(items):
        if op is sre.ASSERT and argument[0] == 1 and _matches_anything(items[position + 1 :]):
            # "(?=X).*": nothing else constrains the match, so X itself is the condition.
            return "".join(parts) + _sequence(list(argument[1]), fold)
        parts.append(_item(op, argument, fold))
    return "".join(parts)


def _matches_anything(items: list[tuple[Any, Any]]) -> bool:
    """True for a tail that any text satisfies (only further lookaheads and ``.*``)."""
    for op, argument in items:
        if op is sre.ASSERT and argument[0] == 1:
            continue
        if op in _REPEATS and argument[0] == 0 and [entry[0] for entry in argument[2]] == [sre.ANY]:
            continue
        return False
    return True


def _item(op: Any, argument: Any, fold: bool) -> str:
    if op is sre.LITERAL:
        extras = _case_extras(argument) if fold else ""
        return f"[{_char(argument)}{extras}]" if extras else _char(argument)
    if op is sre.NOT_LITERAL:
        return f"[^{_char(argument)}\\n]"
    if op is sre.ANY:
        return _ANY_CHARACTER
    if op is sre.IN:
        return _char_set(argument, fold)
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(list(branch), fold) for branch in argument[1]) + ")"
    if op is sre.SUBPATTERN:
        _, added, removed, body = argument
        inner = _sequence(list(body), (fold or bool(added & re.I)) and not removed & re.I)
        added, removed = _case_flag(added), _case_flag(removed)
        return f"(?{added}{'-' + removed if removed else ''}:{inner})"
    if op is sre.ATOMIC_GROUP:
        return f"(?:{_sequence(list(argument), fold)})"
    if op in _REPEATS:
        minimum, maximum, body = argument
        return _repeat(minimum, maximum, body, fold)
    if op is sre.AT:
        return ""  # see _edges; \\b and \\B too: Python's are Unicode-aware, RE2's ASCII-only
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return ""
    if op is sre.GROUPREF:
        return _ANY_TEXT
    if op is sre.GROUPREF_EXISTS:
        _, yes, no = argument
        return f"(?:{_sequence(list(yes), fold)}|{_sequence(list(no), fold) if no else ''})"
    raise Untranslatable(f"no RE2 form for {op}")


def _case_flag(flags: int) -> str:
    """The inline flag RE2 needs for ``flags``: only case-insensitivity matters within one line."""
    return "i" if flags & re.I else ""


def _repeat(minimum: int, maximum: Any, body: Any, fold: bool) -> str:
    """Counted repeats are loosened: ``x{3,80}`` becomes ``x{2,}``.

    Each count is a copy of its body in RE2's automaton, and copies active from many start
    positions at once multiply its states until its cache thrashes (measured: ten times slower).
    """
    inner = f"(?:{_sequence(list(body), fold)})"
    if maximum is not sre.MAXREPEAT and maximum <= _EXACT_REPEAT:
        return inner + f"{{{minimum},{maximum}}}"
    least = min(minimum, _EXACT_REPEAT)
    return inner + ("*" if least == 0 else "+" if least == 1 else f"{{{least},}}")


def _char(code: int) -> str:
    character = chr(code)
    return character if character.isascii() and character.isalnum() else f"\\x{{{code:x}}}"


def _char_set(items: list[tuple[Any, Any]], fold: bool) -> str:
    negated = bool(items) and items[0][0] is sre.NEGATE
    members = items[1:] if negated else items
    if len(members) == 1 and members[0][0] is sre.CATEGORY and members[0][1] in _CATEGORIES:
        category, complement = _CATEGORIES[members[0][1]]
        if complement != negated:
            return f"[^{_python_class(category, 'none')}\\n]"
        return f"[{_python_class(category, 'all')}]"
    parts = []
    for op, argument in members:
        if op is sre.LITERAL:
            parts.append(_char(argument) + (_case_extras(argument) if fold and not negated else ""))
        elif op is sre.RANGE:
            low, high = argument
            parts.append(f"{_char(low)}-{_char(high)}")
            if fold and not negated:
                parts.append(_range_case_extras(low, high))
        elif op is sre.CATEGORY and argument in _CATEGORIES and not _CATEGORIES[argument][1]:
            parts.append(_python_class(_CATEGORIES[argument][0], "none" if negated else "all"))
        else:
            return _ANY_CHARACTER  # e.g. [\W\d]: wider is allowed, narrower is not
    return f"[^{''.join(parts)}\\n]" if negated else f"[{''.join(parts)}]"


@cache
def _case_groups() -> dict[int, frozenset[int]]:
    """Python's IGNORECASE classes: code points with the same simple lowercase, plus ``re``'s extra cases.

    RE2 folds case by Unicode's case-folding orbits, which differ for a few letters (Python
    matches "İ" to "i", RE2 does not), so the translation adds what Python would match.
    """
    members: dict[int, set[int]] = {}
    for point in range(0x110000):
        lower = sre_lower(point)
        if lower != point:
            members.setdefault(lower, {lower}).add(point)
    for lower, others in _EXTRA_CASES.items():
        for other in others:
            joined = members.setdefault(lower, {lower}) | members.setdefault(other, {other})
            for point in joined:
                if point in members:
                    members[point] = joined
    groups: dict[int, frozenset[int]] = {}
    for lower, group in members.items():
        for point in group | {lower}:
            groups[point] = frozenset(group | {lower})
    return groups


@cache
def _case_extras(code: int) -> str:
    """Characters Python's IGNORECASE matches to ``code`` that RE2's ``(?i)`` does not, as class members."""
    group = _case_groups().get(sre_lower(code), frozenset())
    needed = [
        point
        for point in sorted(group)
        if point != code and not re2.fullmatch(f"(?i){_char(code)}", chr(point))
    ]
    return "".join(_char(point) for point in needed)


def _range_case_extras(low: int, high: int) -> str:
    if high - low > _RANGE_FOLD_LIMIT:
        return "".join(_case_extras(point) for point in sorted(_case_groups()) if point > 0x7F)
    return "".join(_case_extras(point) for point in range(low, high + 1))


_IRREGULAR = -1  # the owner of the set's spacing check


@cache
def _irregular_spacing() -> str:
    """What ``" ".join(line.split())`` would change, in RE2: a blank, padded or oddly spaced line."""
    space = _python_class(r"\s")  # newline excluded
    other = _python_class(r"[^\S ]")
    return (
        f"{_LINE_START}{_LINE_END}|{_LINE_START}[{space}]|[{space}]{_LINE_END}|[{space}][{space}]|[{other}]"
    )


class PatternScreen:
    """Candidates among ``patterns`` for a line: a superset of the ones that match it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        options = re2.Options()
        options.max_mem = _MAX_MEMORY
        options.log_errors = False
        self._set = re2.Set.SearchSet(options)
        self._owners: list[int] = []
        self._translated: dict[int, str] = {}
        self._single: dict[int, Any] = {}  # pattern index -> its own compiled RE2 (see lines_matching)
        self._options = options
        always = []
        for index, pattern in enumerate(patterns):
            try:
                text = translate(pattern)
                self._set.Add(text)
            except (Untranslatable, re2.error):
                always.append(index)
                continue
            self._translated[index] = text
            self._owners.append(index)
        self._set.Add(_irregular_spacing())
        self._owners.append(_IRREGULAR)
        self._set.Compile()
        self.unscreened = frozenset(always)
        self.everything = frozenset(range(len(patterns)))

    def candidates(self, line: str) -> frozenset[int]:
        """Indexes of the patterns that may match ``line`` (as ``re.search`` would)."""
        try:
            encoded = line.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not UTF-8, so RE2 cannot judge the text
            return self.everything
        hits = self._set.Match(encoded)
        if not hits:
            return self.unscreened
        return self.unscreened | {self._owners[hit] for hit in hits if self._owners[hit] != _IRREGULAR}

    def screen_lines(self, lines: Sequence[str]) -> frozenset[int] | None:
        """The patterns that may match one of ``lines`` somewhere, found in one scan of them all.

        None when the lines are not normalized (a blank or padded line, a newline inside one,
        whitespace other than single spaces): patterns are written for ``" ".join(line.split())``,
        so normalize the lines and ask again. The same scan answers both questions.
        """
        joined = "\n".join(lines)
        if not joined or joined.count("\n") != len(lines) - 1:
            return None
        try:
            hits = self._set.Match(joined.encode("utf-8"))
        except UnicodeEncodeError:
            return self.everything
        if not hits:
            return self.unscreened
        owners = {self._owners[hit] for hit in hits}
        if _IRREGULAR in owners:
            return None
        return self.unscreened | owners

    def lines_matching(self, lines: Sequence[str], patterns: Collection[int]) -> dict[int, set[int]]:
        """For each line (normalized) that one of ``patterns`` may match: which of them.

        Each pattern is searched on its own over the joined lines, a line at a time: a single
        pattern's automaton is small and fast, where screening each line with the whole set
        scanned every line again with the set's large one.
        """
        found: dict[int, set[int]] = {}
        try:
            encoded = "\n".join(lines).encode("utf-8")
        except UnicodeEncodeError:
            encoded = None
        for index in patterns:
            text = self._translated.get(index)
            if text is None or encoded is None:  # unscreened: it may match anywhere
                for line in range(len(lines)):
                    found.setdefault(line, set()).add(index)
                continue
            regex = self._single.get(index)
            if regex is None:
                regex = self._single[index] = re2.compile(text, self._options)
            position, line, counted = 0, 0, 0
            while (match := regex.search(encoded, position)) is not None:
                start = match.start()
                line += encoded.count(b"\n", counted, start)  # newlines before the match, counted once
                counted = start
                found.setdefault(line, set()).add(index)
                if encoded[start : start + 1] == b"\n":  # begun by a line anchor: the next line's
                    found.setdefault(line + 1, set()).add(index)
                    start += 1
                position = encoded.find(b"\n", start)
                if position < 0:
                    break
        return found
