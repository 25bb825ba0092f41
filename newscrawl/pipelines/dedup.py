"""Last pipeline stage: marks syndicated copies and, in drop mode, moves them to a side feed.

Settings:
  DEDUP_MODE           "drop" (default): copies leave the main feed and are appended to the side
                       feed; "tag": every item stays in the main feed, copies carry duplicate_of.
  NEWSCRAWL_STATE_DIR  where the dedup index lives across runs (default ".newscrawl/"); with
                       NEWSCRAWL_REDIS_URL set, it lives in that Redis instead (scaled-out crawls).
  DEDUP_COPIES_FEED    the side feed file (default "<NEWSCRAWL_STATE_DIR>/copies.jsonl"); written
                       by this pipeline, not by FEEDS, so ``-O file`` on the command line keeps it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

from newscrawl.dedup.copies import CopiesFeed
from newscrawl.dedup.engine import DedupEngine, Document
from newscrawl.errors import ConfigError
from newscrawl.store import DEFAULT_STATE_DIR, open_dedup_store

logger = logging.getLogger(__name__)

MODES = ("drop", "tag")
COPIES_FEED_NAME = "copies.jsonl"


def dedup_mode(value: Any, source: str) -> str:
    """The validated dedup mode, or a ConfigError naming where it came from."""
    mode = str(value).strip().lower()
    if mode not in MODES:
        raise ConfigError(source, "DEDUP_MODE", f"expected one of {', '.join(MODES)}, got {value!r}")
    return mode


def state_dir(settings: BaseSettings) -> Path:
    return Path(settings.get("NEWSCRAWL_STATE_DIR") or DEFAULT_STATE_DIR)


class DedupPipeline:
    """Gives every item story_id, duplicate_of and simhash, deciding against the persistent index."""

    def __init__(self, crawler: Crawler, engine: DedupEngine, mode: str, copies: CopiesFeed) -> None:
        self.stats = crawler.stats
        self.engine = engine
        self.mode = mode
        self.copies = copies

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        settings = crawler.settings
        mode = dedup_mode(settings.get("DEDUP_MODE", "drop"), "settings")
        directory = state_dir(settings)
        copies = CopiesFeed(settings.get("DEDUP_COPIES_FEED") or directory / COPIES_FEED_NAME)
        store = open_dedup_store(directory, settings.get("NEWSCRAWL_REDIS_URL"), repeats_are_copies=False)
        return cls(crawler, DedupEngine(store), mode, copies)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        document = Document(
            url=adapter.get("url"),
            canonical_url=adapter.get("canonical_url"),
            title=adapter.get("title"),
            body=adapter.get("body"),
        )
        # The junk pipeline (order 400) has cleaned the body already: no second pass over its lines.
        decision = self.engine.decide([document], strip_junk=False)[0]
        adapter["story_id"] = decision.story_id
        adapter["duplicate_of"] = decision.duplicate_of
        adapter["simhash"] = decision.simhash
        if not decision.is_copy:
            self.stats.inc_value("newscrawl/dedup/stories")
            return item
        self.stats.inc_value("newscrawl/dedup/copies")
        self.stats.inc_value(f"newscrawl/outlet/{adapter.get('outlet') or '?'}/copies")
        if self.mode == "tag":
            return item
        assert decision.duplicate_of is not None
        self.copies.write(
            adapter.get("url"),
            adapter.get("outlet"),
            decision.duplicate_of,
            decision.story_id,
            decision.similarity,
        )
        self.copies.flush()
        raise DropItem(f"copy of {decision.duplicate_of}", log_level="DEBUG")

    def close_spider(self) -> None:
        if self.copies.count:
            logger.info("%d syndicated copies written to %s", self.copies.count, self.copies.path)
        self.copies.close()
        self.engine.close()
