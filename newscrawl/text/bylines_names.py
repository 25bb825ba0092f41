"""Person-name helpers for byline normalization: casing, name-shape checks, surname sharing."""

from __future__ import annotations

import re

from newscrawl.text.bylines_rules import BylineRules

APOSTROPHES = "'’ʼ`"
_INITIALS_RE = re.compile(r"^(?:[^\W\d_]\.)+(?:[^\W\d_]\.?)?$|^[^\W\d_]$")
_ROMAN_RE = re.compile(r"^(?:II|III|IV|VI{0,3}|IX|X)$")
_WORD_PIECE_RE = re.compile(r"([-‐])")


def is_initials(token: str) -> bool:
    """``J.``, ``J.R.R.``, ``A``: kept exactly as printed."""
    return bool(_INITIALS_RE.match(token))


def has_case(text: str) -> bool:
    return text.lower() != text.upper()


def is_upper_word(token: str) -> bool:
    """Two or more letters, all capitals (``SMITH``, ``O'NEIL``; not ``A.``)."""
    if not token.isupper():
        return False
    return (token.isalpha() and len(token) > 1) or sum(ch.isalpha() for ch in token) >= 2


def is_lower_word(token: str) -> bool:
    return token.islower()


def _capitalize_piece(piece: str) -> str:
    """``o'connor`` -> ``O'Connor``, ``mcdonald`` -> ``McDonald``; "mac" names stay ``Macdonald``."""
    if not piece:
        return piece
    lowered = piece.lower().replace("i\u0307", "i")  # Turkish "İ" lowercases to "i" + a combining dot
    for mark in APOSTROPHES:
        head, found, tail = lowered.partition(mark)
        if found and 1 <= len(head) <= 2 and tail:
            return head.capitalize() + found + _capitalize_piece(tail)
    if lowered.startswith("mc") and len(lowered) > 3:
        return "Mc" + lowered[2:].capitalize()
    return ("İ" if piece[0] == "İ" else lowered[:1].upper()) + lowered[1:]


def proper_case_token(token: str) -> str:
    return "".join(
        _capitalize_piece(part) if i % 2 == 0 else part for i, part in enumerate(_WORD_PIECE_RE.split(token))
    )


def fix_name_case(tokens: list[str], rules: BylineRules) -> list[str]:
    """Give proper case to names printed in capitals or lowercase; mixed case stays as printed.

    A name entirely in one case is re-cased with its particles lowercased (``Luis de la Cruz``); in a
    mixed-case name only family names in capitals change (``André Oliver KLEIN``).
    """
    if all(token.istitle() and not token.isupper() for token in tokens):
        return tokens
    uncased_name = all(
        is_upper_word(t) or is_lower_word(t) or is_initials(t) or not has_case(t) for t in tokens
    ) and not all(is_initials(t) or not has_case(t) for t in tokens)
    result = []
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        lowered = token.casefold()
        if is_initials(token) or not has_case(token):
            result.append(token)
        elif _ROMAN_RE.match(token.upper()) and index > 0 and lowered in rules.generational:
            result.append(token.upper())
        elif uncased_name and 0 < index < last and lowered in rules.particles:
            result.append(lowered)
        elif uncased_name and (is_upper_word(token) or is_lower_word(token)):
            result.append(_keep_consonant_acronym(token) or proper_case_token(token))
        elif is_upper_word(token) and len(token) > 2:
            result.append(proper_case_token(token))
        else:
            result.append(token)
    return result


def _keep_consonant_acronym(token: str) -> str | None:
    """``TJ``, ``JD``: two capitals without a vowel are initials, not a word to re-case."""
    if len(token) == 2 and token.isupper() and not any(ch in "AEIOUY" for ch in token):
        return token
    return None


def surname_of(tokens: list[str], rules: BylineRules) -> list[str]:
    """The family name at the end of a name, with its particles (``de la Cruz``) and without ``Jr.``."""
    end = len(tokens)
    while end > 1 and tokens[end - 1].casefold() in rules.generational:
        end -= 1
    start = end - 1
    while start > 1 and tokens[start - 1].casefold() in rules.particles:
        start -= 1
    return tokens[start:end]
