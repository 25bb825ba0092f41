"""Incremental crawling: fetch only articles that are new or updated since they were exported.

``SeenRecorder`` (an extension) owns the seen store. It records an article
only after the feed file holding its item has been flushed to disk, so a
crash between the two repeats an item in the next run (dedup collapses it)
and never loses one. The spiders ask ``SeenFilter`` which discovered URLs
still need fetching: unknown ones, and known ones whose sitemap/feed date is
newer than the version exported (their new version keeps its ``story_id``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newscrawl.feeds import OUTPUT_FAILED_STAT, flush_open_feeds
from newscrawl.store.seen import SeenRecord, SeenStore, SQLiteSeenStore
from newscrawl.store.sqlite import SQLiteDatabase
from newscrawl.text.dates import newest_utc
from newscrawl.text.urls import page_key

logger = logging.getLogger(__name__)

# Items recorded per batch, or after this many seconds: each batch costs one fsync of the feed and one
# transaction, and a crash repeats at most one batch in the next run.
BATCH_SIZE = 50
BATCH_SECONDS = 2.0


def open_seen_store(state_dir: str | Path, redis_url: str | None = None) -> SeenStore:
    """Shared in Redis when the crawl is scaled out (NEWSCRAWL_REDIS_URL), else SQLite in ``state_dir``."""
    if redis_url:
        from newscrawl.store.redis import RedisSeenStore  # redis-py takes 30 ms to import

        return RedisSeenStore.from_url(redis_url)
    return SQLiteSeenStore(SQLiteDatabase(state_dir))


class SeenFilter:
    """The spider's view of the seen store: which discovered URLs to fetch, and why."""

    def __init__(self, store: SeenStore) -> None:
        self.store = store

    def select(self, candidates: list[tuple[str, str | None]]) -> dict[str, str]:
        """For (key, listing date) pairs: {key: "new" | "updated"} of those to fetch."""
        stored = self.store.versions([key for key, _ in candidates])
        wanted = {}
        for key, date in candidates:
            if key not in stored:
                wanted[key] = "new"
            elif date and newest_utc(date) > stored[key]:
                wanted[key] = "updated"
        return wanted


class SeenRecorder:
    """Records exported articles in the seen store once their items are safely on disk."""

    def __init__(self, crawler: Crawler, store: SeenStore) -> None:
        self.crawler = crawler
        self.store = store
        self.pending: list[SeenRecord] = []
        self.flushed_at = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRecorder:
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        state_dir = crawler.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl"
        recorder = cls(crawler, open_seen_store(state_dir, crawler.settings.get("NEWSCRAWL_REDIS_URL")))
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        self._remember(item, response)

    def item_dropped(self, item: Any, response: Response, exception: BaseException, spider: Spider) -> None:
        # Copies moved to the side feed and pages without an article are handled too: fetching them
        # again next run would only repeat that. After a parser fix, `scrapy state --forget-outlet`.
        self._remember(item, response)

    def remember_page(self, response: Response, outlet: str) -> None:
        """A fetched page that yields no item (not HTML, or a duplicate reached by a redirect)."""
        self._add(response, outlet, response.url, newest_utc(response.meta.get("listing_date")), None)

    def _remember(self, item: Any, response: Response) -> None:
        adapter = ItemAdapter(item)
        dates = (response.meta.get("listing_date"), adapter.get("modified"), adapter.get("published"))
        url = adapter.get("url") or response.url
        self._add(response, adapter.get("outlet") or "", url, newest_utc(*dates), adapter.get("story_id"))

    def _add(self, response: Response, outlet: str, url: str, version: str, story_id: str | None) -> None:
        """Record the page under every URL that led to it (the listed one, redirects, the final one)."""
        for seen_as in {*response.meta.get("redirect_urls", []), response.url, url}:
            self.pending.append(SeenRecord(page_key(seen_as), url, outlet, version, story_id))
        if len(self.pending) >= BATCH_SIZE or time.monotonic() - self.flushed_at >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.crawler.stats.get_value(OUTPUT_FAILED_STAT):  # in no file: the next run fetches them again
            self.pending = []
            return
        flush_open_feeds()
        records, self.pending = self.pending, []
        self.store.mark(records)
        self.flushed_at = time.monotonic()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.flush()
        self.store.close()

    def seen_filter(self) -> SeenFilter:
        return SeenFilter(self.store)
