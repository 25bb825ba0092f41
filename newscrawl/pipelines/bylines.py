"""Byline stage: turn an item's raw author values into ``authors`` (people) and ``organization``.

The extractor leaves ``author_candidates`` (``{"value", "source"}`` in order of trust: JSON-LD, meta tags,
the visible byline, author links) and ``byline_raw``; this stage merges them with
:func:`newscrawl.text.bylines_merge.merge_bylines`, keeps ``byline_raw`` for audits and drops the working
field. The word lists come from ``settings/bylines/`` or the folder named by ``NEWSCRAWL_BYLINE_RULES``.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from newscrawl.text.bylines import BylineRules, load_byline_rules
from newscrawl.text.bylines_merge import merge_bylines
from newscrawl.text.bylines_rules import RULES_SETTING

logger = logging.getLogger(__name__)


def candidate_values(candidates: Any, byline_raw: Any) -> list[tuple[str, str]]:
    """``(value, source)`` pairs in order of trust: the item's candidates, with ``byline_raw`` (when no
    candidate already holds it) after the text sources and before author-page URLs.

    Malformed entries (not a dict, no string value) are logged and skipped.
    """
    if candidates is not None and not isinstance(candidates, list | tuple):
        logger.warning("author_candidates should be a list, got %s; ignored", type(candidates).__name__)
        candidates = []
    texts: list[tuple[str, str]] = []
    urls: list[tuple[str, str]] = []
    for candidate in candidates or []:
        if isinstance(candidate, dict) and isinstance(candidate.get("value"), str):
            value, source = candidate["value"], str(candidate.get("source") or "byline")
        elif isinstance(candidate, str):
            value, source = candidate, "byline"
        else:
            logger.warning("author candidate %r is not {'value': str, 'source': str}; skipped", candidate)
            continue
        (urls if source == "url" else texts).append((value, source))
    raw = byline_raw.strip() if isinstance(byline_raw, str) else ""
    if raw and all(value.strip() != raw for value, _ in texts):
        texts.append((byline_raw, "byline"))
    return texts + urls


class BylinePipeline:
    """Fills ``authors`` and ``organization`` from the raw author values; never drops an item."""

    def __init__(self, rules: BylineRules) -> None:
        self.rules = rules

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BylinePipeline:
        # A bad rules file raises ConfigError here, before the crawl starts.
        return cls(load_byline_rules(crawler.settings.get(RULES_SETTING) or None))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        candidates = adapter.get("author_candidates")
        try:
            result = merge_bylines(candidate_values(candidates, adapter.get("byline_raw")), self.rules)
            adapter["authors"] = result.authors
            adapter["organization"] = result.organization
        except Exception:  # the record is still worth keeping without clean authors
            logger.exception("byline normalization failed for %s", adapter.get("url"))
            adapter["authors"] = []
            adapter["organization"] = None
        if "author_candidates" in adapter:
            del adapter["author_candidates"]
        return item
