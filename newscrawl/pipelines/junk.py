"""Junk-line stage: clean every item's body with the default, network and outlet rules.

Removed captions and credits fill the lead image's caption and credit when the
extractor found none, "originally appeared on X" lines fill ``original_source``,
and every removal is counted per rule in the crawl stats (``junk/removed/<rule>``)
so a rule that fires too often shows up in the crawl summary.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.outlets import Outlet, Registry, registry_from_settings
from newscrawl.text.junk import (
    JunkResult,
    JunkRules,
    combine_rules,
    default_rules,
    load_rules,
    split_paragraphs,
    strip_junk,
)

logger = logging.getLogger(__name__)

STATS_PREFIX = "junk/removed/"


def layered_rules(
    registry: Registry, outlet: Outlet | None, networks: dict[str, JunkRules] | None = None
) -> JunkRules:
    """The defaults, then the outlet's network's rules, then the outlet's own (validated here).

    ``networks`` keeps each network's loaded rules for its next outlet: the outlets of a network
    then share one compiled set and its RE2 screen.
    """
    defaults = default_rules()
    layers = [defaults]
    if outlet is not None:
        network = registry.networks.get(outlet.network) if outlet.network else None
        if network is not None and network.junk:
            loaded = networks.get(network.name) if networks is not None else None
            if loaded is None:
                prefix = f"network.{network.name}.junk"
                loaded = load_rules(network.junk, network.source_file, defaults, prefix)
                if networks is not None:
                    networks[network.name] = loaded
            layers.append(loaded)
        if outlet.junk:
            prefix = f"outlet.{outlet.name}.junk"
            layers.append(load_rules(outlet.junk, outlet.source_file, defaults, prefix))
    return combine_rules(*layers)


class JunkPipeline:
    """Strips junk lines from ``body``; items of outlets unknown to the registry get the defaults."""

    def __init__(self, crawler: Crawler, registry: Registry) -> None:
        self.stats = crawler.stats
        self.registry = registry
        self.defaults = layered_rules(registry, None)
        # Every outlet's rules are compiled up front, so a bad rule stops the crawl before it starts.
        networks: dict[str, JunkRules] = {}
        self.rules = {
            name: layered_rules(registry, outlet, networks) for name, outlet in registry.outlets.items()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JunkPipeline:
        return cls(crawler, registry_from_settings(crawler.settings))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        body = adapter.get("body") or ""
        rules = self.rules.get(adapter.get("outlet") or "", self.defaults)
        result = strip_junk(split_paragraphs(body), rules, title=adapter.get("title"))
        adapter["body"] = result.body
        adapter["word_count"] = len(result.body.split())
        adapter["original_source"] = result.original_source or adapter.get("original_source")
        _fill_image(adapter, result)
        for label in result.removed:
            self.stats.inc_value(f"{STATS_PREFIX}{label.rule}")
        if body.strip() and not result.kept:
            outlet = adapter.get("outlet") or "?"
            self.stats.inc_value(f"newscrawl/outlet/{outlet}/no_body")
            logger.warning(
                "%s: every body line looked like junk on %s; page skipped", outlet, adapter.get("url")
            )
            raise DropItem(f"no story lines on {adapter.get('url')}", log_level="INFO")
        return item


def _fill_image(adapter: ItemAdapter, result: JunkResult) -> None:
    """Caption and credit from the body go to the image unless the extractor already set them."""
    if result.caption is None and result.credit is None:
        return
    image = {"url": None, "caption": None, "credit": None, **(adapter.get("image") or {})}
    if not image.get("caption"):
        image["caption"] = result.caption
    if not image.get("credit"):
        image["credit"] = result.credit
    adapter["image"] = image
