"""Literal text a regular expression cannot match without: a cheap gate before running it.

Junk rules are many regexes tried on every body line, and almost every story
line matches none of them. A plain substring test for the words a pattern
requires ("responsible" for "AP is solely responsible for ...") rules most
lines out at a fraction of the cost of the search. The literals are read from
the parsed pattern, so a rule author writes only the regex.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

# Shorter literals occur in almost every line, and testing many alternatives costs more than the
# search it would save: such requirements are not worth a gate.
MIN_LITERAL_LENGTH = 3
MAX_ALTERNATIVES = 40
# Punctuation found in nearly every sentence: no use as a gate.
COMMON_MARKS = frozenset(".,:;!?'\"-")
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Case-folded strings of which every match contains at least one; None when none can be named."""
    try:
        parsed = sre_parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a private parser: any surprise means "no gate", never a wrong one
        return None
    found = _sequence(list(parsed))
    if not found or len(found) > MAX_ALTERNATIVES:
        return None
    return tuple(sorted(found))


def _sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Every item of a sequence must match, so any one item's requirement holds: keep the most selective."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, argument in items:
        if op is sre_constants.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            options.append(frozenset({"".join(run).casefold()}))
            run = []
        need = _item(op, argument)
        if need is not None:
            options.append(need)
    if run:
        options.append(frozenset({"".join(run).casefold()}))
    useful = [option for option in options if all(_selective(text) for text in option)]
    if not useful:
        return None
    # Fewer alternatives first (each is a substring test), then longer ones (rarer in story text).
    return min(useful, key=lambda option: (len(option), -min(len(text) for text in option)))


def _selective(text: str) -> bool:
    """Worth testing: a word of some length, or a mark that story text rarely holds (©, |, ()."""
    if not text.strip() or text in COMMON_MARKS:
        return False
    return len(text) >= MIN_LITERAL_LENGTH or not (text.isascii() and text.isalnum())


def _item(op: Any, argument: Any) -> frozenset[str] | None:
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(argument[3]))
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence(list(argument))
    if op in _REPEATS:
        minimum, _, body = argument
        return _sequence(list(body)) if minimum >= 1 else None
    if op is sre_constants.ASSERT and argument[0] == 1:  # a positive lookahead must match too
        return _sequence(list(argument[1]))
    if op is sre_constants.BRANCH:
        branches = [_sequence(list(branch)) for branch in argument[1]]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]
    return None
