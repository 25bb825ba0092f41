"""Layer (b): the outlet's own selectors from settings/ (CSS, or XPath when it starts with "/", "./" or "(").

CSS goes through parsel's translator, so ``::text`` and ``::attr(name)`` work
as in Scrapy. Compiled expressions are cached: an outlet's selectors are the
same for every page it serves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TypeAlias

from cssselect import SelectorError
from lxml.etree import XPath, XPathError, _Element
from lxml.html import HtmlElement
from parsel.csstranslator import css2xpath

SELECTOR_KEYS: frozenset[str] = frozenset(
    {
        "title",
        "body",
        "byline",
        "author",
        "published",
        "modified",
        "section",
        "tags",
        "image",
        "image_caption",
        "image_credit",
        "drop",
    }
)

SelectorSpec: TypeAlias = str | Sequence[str]
# A selector match: an element, or a string from ::text / ::attr() / XPath text() and @attr.
Match: TypeAlias = _Element | str


def is_xpath(expression: str) -> bool:
    return expression.lstrip().startswith(("/", "./", "("))


@lru_cache(maxsize=2048)
def compile_selector(expression: str) -> XPath:
    """XPath for a CSS or XPath selector; ValueError naming the selector when it is invalid."""
    text = expression.strip()
    if not text:
        raise ValueError("empty selector")
    try:
        return XPath(text if is_xpath(text) else css2xpath(text))
    except (SelectorError, XPathError) as error:
        raise ValueError(f"invalid selector {expression!r}: {error}") from error


def validate_selectors(selectors: Mapping[str, SelectorSpec]) -> None:
    """Raise ValueError naming the first invalid expression (for settings loaders)."""
    for spec in selectors.values():
        for expression in _expressions(spec):
            compile_selector(expression)


def _expressions(spec: SelectorSpec) -> list[str]:
    return [spec] if isinstance(spec, str) else [e for e in spec if isinstance(e, str)]


class OutletSelectors:
    """An outlet's selectors applied to one parsed page."""

    def __init__(self, root: HtmlElement, selectors: Mapping[str, SelectorSpec] | None) -> None:
        """Keeps the extraction keys only: an outlet's selectors also serve discovery (links, paging)."""
        self.root = root
        self.selectors = {k: v for k, v in (selectors or {}).items() if k in SELECTOR_KEYS}
        validate_selectors(self.selectors)
        self._matches: dict[str, list[Match]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.selectors

    def matches(self, key: str) -> list[Match]:
        """Every match of the first expression for ``key`` that matches anything."""
        if key not in self._matches:
            self._matches[key] = self._first_matching(key)
        return self._matches[key]

    def _first_matching(self, key: str) -> list[Match]:
        """First expression that matches; for ``drop`` the matches of every expression."""
        expressions = _expressions(self.selectors.get(key, []))
        if key == "drop":
            return [match for expression in expressions for match in compile_selector(expression)(self.root)]
        for expression in expressions:
            result = compile_selector(expression)(self.root)
            found = result if isinstance(result, list) else [result]
            found = [m for m in found if isinstance(m, _Element) or (isinstance(m, str) and m.strip())]
            if found:
                return found
        return []

    def elements(self, key: str) -> list[_Element]:
        return [m for m in self.matches(key) if isinstance(m, _Element)]
