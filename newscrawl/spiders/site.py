"""One-off scrape of a single site with no configuration at all."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from newscrawl.outlets import Outlet
from newscrawl.spiders.base import ArticleSpider


class SiteSpider(ArticleSpider):
    """``scrapy crawl site -a url=https://outlet.example/``.

    Sitemaps come from robots.txt, feeds from ``<link rel=alternate>``, and
    links that look like articles are followed from the start page and from
    articles, to NEWSCRAWL_SITE_DEPTH levels and NEWSCRAWL_SITE_MAX_ARTICLES pages.
    """

    name = "site"
    follow_article_links = True
    discover_feeds = True
    incremental = False  # a one-off scrape returns everything it finds, every time

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError(
                "the site spider needs a start URL: scrapy crawl site -a url=https://outlet.example/"
            )
        if "://" not in url:
            url = f"https://{url}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url={url!r}: expected an http(s) URL")
        self.start_url = url
        host = parts.netloc.lower()
        self.site = Outlet(
            name=host[4:] if host.startswith("www.") else host,
            base_url=f"{parts.scheme}://{parts.netloc}/",
            source_file="(command line)",
            sections=(url,),
            max_section_pages=1,
        )
        self.articles_requested = 0

    def outlets_to_crawl(self) -> list[Outlet]:
        return [self.site]

    def may_fetch_more_articles(self) -> bool:
        if self.articles_requested >= self.settings.getint("NEWSCRAWL_SITE_MAX_ARTICLES"):
            return False
        self.articles_requested += 1
        return True
