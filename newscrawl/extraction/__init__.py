"""Article extraction: pure functions from HTML (+ outlet selectors) to raw article fields."""

from newscrawl.extraction.article import extract_article

__all__ = ["extract_article"]
