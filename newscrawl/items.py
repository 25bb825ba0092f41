"""The article record: one Scrapy item class, exported as one JSON Lines row.

The field list is the export contract (see ``newscrawl/schema/article.schema.json``);
``EXPORT_FIELDS`` fixes the column order so every export has the same shape.
Fields whose names start with ``_`` are working data for the pipelines and are
never exported.
"""

from __future__ import annotations

import scrapy

EXPORT_FIELDS: tuple[str, ...] = (
    "url",
    "canonical_url",
    "outlet",
    "network",
    "title",
    "authors",
    "organization",
    "byline_raw",
    "published",
    "modified",
    "section",
    "tags",
    "language",
    "image",
    "body",
    "word_count",
    "original_source",
    "story_id",
    "duplicate_of",
    "simhash",
    "crawled_at",
    "spider",
)


class Article(scrapy.Item):
    """A news article as extracted, then cleaned by the item pipelines."""

    url = scrapy.Field()
    canonical_url = scrapy.Field()
    outlet = scrapy.Field()
    network = scrapy.Field()
    title = scrapy.Field()
    authors = scrapy.Field()
    organization = scrapy.Field()
    byline_raw = scrapy.Field()
    published = scrapy.Field()
    modified = scrapy.Field()
    section = scrapy.Field()
    tags = scrapy.Field()
    language = scrapy.Field()
    image = scrapy.Field()
    body = scrapy.Field()
    word_count = scrapy.Field()
    original_source = scrapy.Field()
    story_id = scrapy.Field()
    duplicate_of = scrapy.Field()
    simhash = scrapy.Field()
    crawled_at = scrapy.Field()
    spider = scrapy.Field()
    # Working data, not exported: every raw author value found on the page,
    # as {"value": str, "source": "jsonld" | "meta" | "byline" | "url"}, in
    # order of trust; the byline pipeline turns them into authors/organization.
    author_candidates = scrapy.Field()
