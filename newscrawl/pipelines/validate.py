"""First pipeline stage: every item leaves with every record field, or is dropped with a reason."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.items import EXPORT_FIELDS

logger = logging.getLogger(__name__)

LIST_FIELDS = frozenset({"authors", "tags"})


class ValidatePipeline:
    """Drops pages that carry no article, and fills absent fields so exports keep one shape."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        # Below this many words a "body" is a placeholder ("Loading story…", "Enable JavaScript").
        self.min_words = crawler.settings.getint("NEWSCRAWL_MIN_BODY_WORDS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        outlet = adapter.get("outlet") or "?"
        if not adapter.get("url"):
            raise DropItem("item without url")
        if len((adapter.get("body") or "").split()) < self.min_words:
            self.stats.inc_value(f"newscrawl/outlet/{outlet}/no_body")
            logger.warning("%s: no article body found on %s; page skipped", outlet, adapter["url"])
            raise DropItem(f"no article body on {adapter['url']}", log_level="INFO")
        for name in EXPORT_FIELDS:
            if adapter.get(name) is None:
                adapter[name] = [] if name in LIST_FIELDS else None
        if not adapter.get("word_count"):
            adapter["word_count"] = len(adapter["body"].split())
        return item
