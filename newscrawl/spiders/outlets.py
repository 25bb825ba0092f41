"""The main job: crawl every outlet defined in settings/ (or a chosen subset)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from newscrawl.errors import ConfigError
from newscrawl.outlets import Outlet, registry_from_settings
from newscrawl.spiders.base import ArticleSpider

logger = logging.getLogger(__name__)


class OutletsSpider(ArticleSpider):
    """``scrapy crawl outlets [-a outlet=NAME[,NAME]] [-a network=NAME] [-a since=YYYY-MM-DD]``."""

    name = "outlets"

    def __init__(
        self, *args: Any, outlet: str | None = None, network: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outlet_filter = outlet
        self.network_filter = network
        self.chosen: list[Outlet] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:  # fail before any request when a definition file is wrong or a name is unknown
            registry = registry_from_settings(crawler.settings)
            spider.chosen = registry.select(outlet=spider.outlet_filter, network=spider.network_filter)
        except (ConfigError, ValueError) as exc:
            logger.critical("cannot start: %s", exc)
            raise
        if not spider.chosen:
            logger.error("no outlet to crawl: the definitions under NEWSCRAWL_OUTLETS select none")
        return spider

    def outlets_to_crawl(self) -> list[Outlet]:
        logger.info("crawling %d outlet(s): %s", len(self.chosen), ", ".join(o.name for o in self.chosen))
        return self.chosen
