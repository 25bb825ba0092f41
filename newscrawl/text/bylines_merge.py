"""One author list from every raw author value a page offers (JSON-LD, meta tags, byline text, author links).

Values come in order of trust; each is normalized with its source, then names are merged so that one person
named in several places (``John Smith`` in JSON-LD, ``JOHN SMITH`` in the byline, ``/author/john-smith`` in a
link, ``J. Smith`` in a meta tag) is listed once, in the spelling of the most trusted source.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from newscrawl.text.bylines import SOURCES, Byline, BylineRules, load_byline_rules, name_key, normalize_byline

logger = logging.getLogger(__name__)


def same_person(first: str, second: str) -> bool:
    """Names match ignoring case, diacritics and dots, a missing middle name, or an initial for a name."""
    a, b = name_key(first).split(), name_key(second).split()
    if not a or not b:
        return False
    if a == b:
        return True
    if a[-1] != b[-1] or len(a) == 1 or len(b) == 1:
        return "".join(a) == "".join(b)
    given_a, given_b = a[0], b[0]
    if given_a != given_b and not (
        (len(given_a) == 1 and given_b.startswith(given_a))
        or (len(given_b) == 1 and given_a.startswith(given_b))
    ):
        return False
    middle_a, middle_b = a[1:-1], b[1:-1]
    return not middle_a or not middle_b or [m[0] for m in middle_a] == [m[0] for m in middle_b]


def merge_bylines(values: Iterable[tuple[str, str]], rules: BylineRules | None = None) -> Byline:
    """Normalize ``(value, source)`` pairs given in order of trust and merge them into one result.

    The most trusted source that names people sets the list; a later source adds the people it names
    only when it also names someone already listed (so a byline element that caught a headline or a
    related story adds nothing), and author-page URLs only count when no text names anyone. Each
    person is kept once, in the most trusted spelling. The organization is the first one credited.
    A value that cannot be read is logged and skipped.
    """
    rules = rules or load_byline_rules()
    authors: list[str] = []
    organization: str | None = None
    for value, source in values:
        if not isinstance(value, str) or not value.strip():
            continue
        if source not in SOURCES:
            logger.debug("byline value %r has unknown source %r; read as visible byline text", value, source)
            source = "byline"
        try:
            result = normalize_byline(value, source, rules)
        except Exception:  # one odd value must not cost the item its other authors
            logger.warning("could not normalize byline value %r (source %s)", value, source, exc_info=True)
            continue
        if organization is None and result.organization:
            organization = result.organization
        if authors and (source == "url" or not _names_someone_of(result.authors, authors)):
            continue
        for name in result.authors:
            if not any(same_person(name, known) for known in authors):
                authors.append(name)
    return Byline(authors, organization)


def _names_someone_of(names: list[str], known: list[str]) -> bool:
    return any(same_person(name, person) for name in names for person in known)
