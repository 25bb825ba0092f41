"""Discovery and fetching shared by every newscrawl spider.

A spider here only finds article URLs and routes responses: robots.txt and
sitemaps, feeds, section pages, then the article pages themselves, whose HTML
goes to the pure extractor. One code path serves configured outlets and
one-off scrapes, so both get the same fixes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from newscrawl import rendering, scaleout
from newscrawl.extraction import extract_article
from newscrawl.extraction.selectors import is_xpath
from newscrawl.incremental import SeenFilter, SeenRecorder
from newscrawl.items import Article
from newscrawl.outlets import Outlet
from newscrawl.spiders.discovery import (
    Entry,
    TooLarge,
    inflate,
    is_listing_or_static,
    looks_like_article,
    parse_listing,
    robots_sitemaps,
    same_site,
)
from newscrawl.text.urls import page_key, strip_tracking

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
NEXT_PAGE_XPATH = (
    "//link[@rel='next']/@href | //a[@rel='next']/@href"
    " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href"
    " | //li[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/a/@href"
    " | //a[normalize-space(.)='Next' or normalize-space(.)='Next page' or normalize-space(.)='Older posts'"
    " or normalize-space(.)='›' or normalize-space(.)='»' or normalize-space(.)='Next ›'"
    " or normalize-space(.)='Next »']/@href"
)
FEED_LINK_XPATH = (
    "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')"
    " or contains(@type, 'application/feed+json')]/@href"
)


def parse_since(value: str | None) -> datetime | None:
    """``-a since=YYYY-MM-DD`` (or a full ISO timestamp) as an aware datetime; naive means UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"since={value!r}: expected a date such as 2024-05-31") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class ArticleSpider(scrapy.Spider):
    """Finds article URLs for a set of outlets and turns article pages into items."""

    # Follow links found on article pages (one-off scrapes of unknown sites).
    follow_article_links: ClassVar[bool] = False
    # Read <link rel=alternate> feeds advertised on section pages.
    discover_feeds: ClassVar[bool] = False
    # Skip articles exported by earlier runs unless updated (the seen store; NEWSCRAWL_INCREMENTAL).
    incremental: ClassVar[bool] = True

    def __init__(self, *args: Any, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since = parse_since(since)
        self.seen_articles: set[str] = set()
        self.fetched_articles: set[str] = set()
        self.seen_listings: set[str] = set()
        self.outlets_by_name: dict[str, Outlet] = {}
        self.seen_filter: SeenFilter | None = None
        self.recorder: SeenRecorder | None = None
        # Scaled out (NEWSCRAWL_REDIS_URL): claims shared by all workers replace the two sets above.
        self.run_claims: scaleout.RunClaims | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        state_dir = settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl"
        # Everything kept between runs lives in the one state folder; an explicit -s still wins.
        settings.set("HTTPCACHE_DIR", f"{state_dir.rstrip('/')}/httpcache", priority="spider")
        contact = settings.get("NEWSCRAWL_CONTACT") or "contact not configured"
        agent = settings.get("USER_AGENT") or ""
        if "{contact}" in agent:
            priority = settings.getpriority("USER_AGENT") or 0
            settings.set("USER_AGENT", agent.format(contact=contact), priority=priority)
        rendering.configure(settings)
        scaleout.configure(settings)

    # -- what to crawl ------------------------------------------------------------------------------

    def outlets_to_crawl(self) -> list[Outlet]:
        raise NotImplementedError

    async def start(self) -> AsyncIterator[Any]:
        outlets = self.outlets_to_crawl()
        rendering.check(outlets, self.settings)
        self.recorder = self.crawler.get_extension(SeenRecorder) if self.incremental else None
        if self.recorder is not None:
            self.seen_filter = self.recorder.seen_filter()
        self.run_claims = scaleout.claims_for(self)
        for outlet in outlets:
            self.outlets_by_name[outlet.name] = outlet
            self.crawler.stats.set_value(f"newscrawl/outlet/{outlet.name}/discovered", 0)
            if self.run_claims is None:  # on one machine; scaled out, `scrapy seed` queued them
                for request in self.discovery_requests(outlet):
                    yield request

    def discovery_requests(self, outlet: Outlet) -> Iterator[scrapy.Request]:
        if outlet.robots_txt:
            yield self._request(
                outlet,
                outlet.absolute("/robots.txt"),
                self.parse_robots,
                priority=30,
                handle_httpstatus_all=True,
            )
        for url in outlet.sitemaps + outlet.feeds:
            yield self._request(outlet, outlet.absolute(url), self.parse_listing, priority=20)
        for url in outlet.sections:
            yield self._request(outlet, outlet.absolute(url), self.parse_section, priority=10, page=1)
        if not outlet.robots_txt and not (outlet.sitemaps or outlet.feeds or outlet.sections):
            yield self._request(outlet, outlet.base_url, self.parse_section, priority=10, page=1)

    def _request(
        self, outlet: Outlet, url: str, callback: Any, priority: int = 0, **meta: Any
    ) -> scrapy.Request:
        request = scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            meta={"outlet": outlet.name, **meta},
            # Articles are de-duplicated by the spider itself (URL variants included); leaving them
            # out of Scrapy's filter lets a redirect loop run into REDIRECT_MAX_TIMES and be logged
            # instead of vanishing silently.
            dont_filter=callback == self.parse_article,
        )
        if outlet.render and callback in (self.parse_article, self.parse_section):
            request = rendering.prepare(outlet, request, listing=callback == self.parse_section)
        return request

    def outlet_of(self, response: Response) -> Outlet:
        return self.outlets_by_name[response.meta["outlet"]]

    def count(self, outlet: Outlet, what: str, by: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/outlet/{outlet.name}/{what}", by)

    # -- listings -----------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        outlet = self.outlet_of(response)
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        sitemaps = robots_sitemaps(text, response.url) if response.status == 200 else []
        for url in sitemaps:
            yield self._request(outlet, url, self.parse_listing, priority=20)
        if not sitemaps and not (outlet.sitemaps or outlet.feeds or outlet.sections):
            logger.info("%s: robots.txt names no sitemap; reading the home page for links", outlet.name)
            yield self._request(outlet, outlet.base_url, self.parse_section, priority=10, page=1)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        outlet = self.outlet_of(response)
        try:
            body = inflate(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except TooLarge as exc:
            logger.warning("%s: skipped %s: %s", outlet.name, response.url, exc)
            self.count(outlet, "errors")
            return
        listing = parse_listing(body, response.url)
        if listing.kind == "unknown":
            logger.warning(
                "%s: %s is not a sitemap or feed (or is broken); skipped", outlet.name, response.url
            )
            self.count(outlet, "errors")
            return
        for child in listing.sitemaps:
            if self._older_than_since(child):
                continue
            yield self._request(outlet, child.url, self.parse_listing, priority=20)
        yield from self.article_requests(outlet, listing.entries, from_links_of=None)

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        outlet = self.outlet_of(response)
        if not self._is_html(response):
            logger.warning("%s: section page %s is not HTML; skipped", outlet.name, response.url)
            return
        assert isinstance(response, TextResponse)
        yield from self.article_requests(
            outlet,
            self.article_links(outlet, response),
            from_links_of=response.meta.get("section", response.url),
        )
        if self.discover_feeds:
            for href in response.xpath(FEED_LINK_XPATH).getall():
                yield self._request(outlet, response.urljoin(href), self.parse_listing, priority=20)
        page = response.meta.get("page", 1)
        if page < outlet.max_section_pages:
            next_url = self.next_page(outlet, response)
            if next_url and (next_key := page_key(next_url)) not in self.seen_listings:
                self.seen_listings.add(next_key)
                section = response.meta.get("section", response.url)
                yield self._request(
                    outlet, next_url, self.parse_section, priority=10, page=page + 1, section=section
                )

    def article_links(self, outlet: Outlet, response: TextResponse) -> list[Entry]:
        selectors = outlet.selectors.get("article_links")
        if selectors:
            hrefs = [h for selector in selectors for h in self._select(response, selector)]
        else:
            hrefs = response.xpath("//a/@href").getall()
        return [Entry(url=response.urljoin(href.strip())) for href in hrefs if href.strip()]

    @staticmethod
    def _select(response: TextResponse, selector: str) -> list[str]:
        if is_xpath(selector):
            return response.xpath(selector).getall()
        return response.css(selector).getall()

    def next_page(self, outlet: Outlet, response: TextResponse) -> str | None:
        candidates: list[str] = []
        for selector in outlet.selectors.get("next_page", ()):
            candidates.extend(self._select(response, selector))
        candidates.extend(response.xpath(NEXT_PAGE_XPATH).getall())
        for href in candidates:
            url = response.urljoin(href.strip())
            if href.strip() and same_site(url, outlet.base_url) and page_key(url) != page_key(response.url):
                return url
        return None

    def article_requests(
        self, outlet: Outlet, entries: Iterable[Entry], from_links_of: str | None, depth: int = 0
    ) -> Iterator[scrapy.Request]:
        """One request per new article URL, however many listings name it.

        Sitemaps and feeds list articles; the links of a page (``from_links_of``) are
        articles only when they match the outlet's allow patterns or, without
        patterns, look like articles or sit below the section's own path.
        """
        candidates: dict[str, tuple[str, Entry]] = {}
        for entry in entries:
            url = strip_tracking(entry.url)
            if not url.startswith(("http://", "https://")) or not same_site(url, outlet.base_url):
                continue
            if is_listing_or_static(url) or not outlet.accepts_article(url):
                continue
            if from_links_of and not outlet.allow and not self._linked_article(url, from_links_of):
                continue
            key = page_key(url)
            if key in self.seen_articles or key in candidates:
                continue
            if self._older_than_since(entry):
                self.seen_articles.add(key)
                self.count(outlet, "skipped_old")
                continue
            candidates[key] = (url, entry)
        if self.run_claims is not None:  # another worker may have found some first
            mine = self.run_claims.discovered(list(candidates))
            self.seen_articles.update(key for key in candidates if key not in mine)
            candidates = {key: value for key, value in candidates.items() if key in mine}
        if not candidates:
            return
        self.count(outlet, "discovered", len(candidates))
        if self.seen_filter is None:
            wanted = dict.fromkeys(candidates, "new")
        else:
            wanted = self.seen_filter.select(
                [(key, entry.newest_date) for key, (_, entry) in candidates.items()]
            )
        for key, (url, entry) in candidates.items():
            self.seen_articles.add(key)
            reason = wanted.get(key)
            if reason is None:
                self.count(outlet, "skipped_seen")
                continue
            if not self.may_fetch_more_articles():
                return
            self.count(outlet, reason)
            yield self._request(
                outlet,
                url,
                self.parse_article,
                priority=0,
                hints=entry.hints(),
                article_depth=depth,
                listing_date=entry.newest_date,
            )

    def _linked_article(self, url: str, page_url: str) -> bool:
        if looks_like_article(url):
            return True
        section_path = urlsplit(page_url).path.rstrip("/") + "/"
        path = urlsplit(url).path
        return section_path != "/" and path.startswith(section_path) and len(path) > len(section_path) + 1

    def may_fetch_more_articles(self) -> bool:
        return True

    def _older_than_since(self, entry: Entry) -> bool:
        newest = entry.newest_date
        if self.since is None or newest is None:
            return False
        try:
            return datetime.fromisoformat(newest) < self.since
        except ValueError:
            return False

    # -- articles -----------------------------------------------------------------------------------

    @staticmethod
    def _is_html(response: Response) -> bool:
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if content_type:
            return any(kind in content_type for kind in HTML_TYPES)
        return b"<html" in response.body[:2048].lower()

    def parse_article(self, response: Response) -> Iterator[Any]:
        outlet = self.outlet_of(response)
        if not self._is_html(response):
            logger.warning(
                "%s: %s is not an HTML page (%s); skipped",
                outlet.name,
                response.url,
                (response.headers.get(b"Content-Type") or b"?").decode("latin-1"),
            )
            self.count(outlet, "skipped_not_html")
            self._handled_without_item(response, outlet)
            return
        final = page_key(response.url)
        if not self._first_fetch(final, response):  # two listed URLs redirected to one page
            logger.info("%s: %s was already fetched under another URL; skipped", outlet.name, response.url)
            self._handled_without_item(response, outlet)
            return
        self.seen_articles.add(final)
        html = response.text if isinstance(response, TextResponse) else response.body
        try:
            fields = extract_article(
                html, response.url, selectors=outlet.selectors, hints=response.meta.get("hints")
            )
        except Exception:
            logger.exception("%s: extraction failed on %s; page skipped", outlet.name, response.url)
            self.count(outlet, "errors")
            return
        self.count(outlet, "pages")
        misses = fields.pop("selector_misses")
        if "body" in outlet.selectors:
            self.count(outlet, "body_selector_pages")
            if "body" in misses:
                self.count(outlet, "body_selector_misses")
        yield Article(
            **fields,
            outlet=outlet.name,
            network=outlet.network,
            crawled_at=datetime.now(UTC).isoformat(timespec="seconds"),
            spider=self.name,
        )
        if self.follow_article_links and isinstance(response, TextResponse):
            depth = response.meta.get("article_depth", 0) + 1
            if depth <= self.settings.getint("NEWSCRAWL_SITE_DEPTH"):
                links = self.article_links(outlet, response)
                yield from self.article_requests(outlet, links, from_links_of=response.url, depth=depth)

    def _first_fetch(self, key: str, response: Response) -> bool:
        if self.run_claims is not None:
            requested = (response.meta.get("redirect_urls") or [response.url])[0]
            return self.run_claims.first_fetch(key, page_key(requested))
        if key in self.fetched_articles:
            return False
        self.fetched_articles.add(key)
        return True

    def _handled_without_item(self, response: Response, outlet: Outlet) -> None:
        if self.recorder is not None:
            self.recorder.remember_page(response, outlet.name)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        outlet_name = request.meta.get("outlet", "?")
        self.crawler.stats.inc_value(f"newscrawl/outlet/{outlet_name}/errors")
        if request.url.endswith("/robots.txt"):
            logger.error(
                "%s: outlet unreachable? robots.txt failed: %s", outlet_name, failure.getErrorMessage()
            )
        else:
            logger.error("%s: %s failed: %s", outlet_name, request.url, failure.getErrorMessage())
