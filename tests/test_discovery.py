"""Pure discovery parsers: robots.txt, sitemaps (plain, index, news, gzipped, broken), feeds, URL guesses."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newscrawl.spiders.discovery import (
    TooLarge,
    inflate,
    looks_like_article,
    parse_listing,
    robots_sitemaps,
)
from newscrawl.text.urls import url_key

URL_CASES = [
    line.split("\t")
    for line in (Path(__file__).parent / "data" / "article_urls.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_looks_like_article(url: str, expected: str) -> None:
    assert looks_like_article(url) is (expected == "true")


def test_robots_sitemaps_are_made_absolute() -> None:
    text = "User-agent: *\nDisallow: /x\nSitemap: /news.xml\nsitemap: https://cdn.example/s.xml.gz\n"
    assert robots_sitemaps(text, "https://a.example/robots.txt") == [
        "https://a.example/news.xml",
        "https://cdn.example/s.xml.gz",
    ]


def test_news_sitemap_keeps_publication_date_title_and_lastmod() -> None:
    body = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://a.example/2024/05/31/x-y-z/</loc><lastmod>2024-05-31T12:00:00+02:00</lastmod>
<news:news><news:publication><news:name>A</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-05-31T10:00:00+02:00</news:publication_date><news:title>Council &amp; budget</news:title>
</news:news></url></urlset>"""
    listing = parse_listing(body, "https://a.example/sitemap-news.xml")
    assert listing.kind == "urlset"
    (entry,) = listing.entries
    assert entry.published == "2024-05-31T10:00:00+02:00"
    assert entry.lastmod == "2024-05-31T12:00:00+02:00"
    assert entry.title == "Council & budget"
    assert entry.hints() == {
        "title": "Council & budget",
        "published": entry.published,
        "modified": entry.lastmod,
    }


def test_sitemap_index_and_gzip() -> None:
    body = gzip.compress(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/post-sitemap.xml</loc><lastmod>2024-01-02</lastmod></sitemap></sitemapindex>"
    )
    listing = parse_listing(inflate(body, 10_000), "https://a.example/sitemap_index.xml")
    assert listing.kind == "sitemapindex"
    assert [s.url for s in listing.sitemaps] == ["https://a.example/post-sitemap.xml"]
    assert listing.sitemaps[0].lastmod == "2024-01-02T00:00:00+00:00"


def test_gzip_bomb_is_refused() -> None:
    with pytest.raises(TooLarge):
        inflate(gzip.compress(b"<urlset>" + b" " * 200_000), 10_000)


def test_truncated_sitemap_still_yields_its_complete_entries() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/a-b-c-d</loc></url><url><loc>https://a.example/e-f-g-h</loc></url><url><lo"
    )
    assert [e.url for e in parse_listing(body, "https://a.example/s.xml").entries] == [
        "https://a.example/a-b-c-d",
        "https://a.example/e-f-g-h",
    ]


@pytest.mark.parametrize("body", [b"", b"<html><body>Not found</body></html>", b"\x00\x01garbage", b"{}"])
def test_non_listing_is_unknown(body: bytes) -> None:
    assert parse_listing(body, "https://a.example/feed").kind == "unknown"


def test_rss_feed() -> None:
    body = b"""<rss version="2.0"><channel><title>A</title>
<item><title>One</title><link>https://a.example/one-two-three-four?utm_source=rss</link>
<pubDate>Fri, 31 May 2024 10:00:00 -0400</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://a.example/2024/05/two/</guid></item>
<item><title>No link</title></item></channel></rss>"""
    listing = parse_listing(body, "https://a.example/feed/")
    assert listing.kind == "rss"
    assert [e.url for e in listing.entries] == [
        "https://a.example/one-two-three-four?utm_source=rss",
        "https://a.example/2024/05/two/",
    ]
    assert listing.entries[0].published == "2024-05-31T10:00:00-04:00"


def test_atom_feed_prefers_the_html_alternate_link() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link rel="self" href="https://a.example/api/1"/>
<link rel="alternate" type="text/html" href="/artikel/1"/><updated>2024-05-31T08:00:00Z</updated></entry></feed>"""
    listing = parse_listing(body, "https://a.example/atom.xml")
    assert listing.kind == "atom"
    assert [e.url for e in listing.entries] == ["https://a.example/artikel/1"]
    assert listing.entries[0].lastmod == "2024-05-31T08:00:00+00:00"


def test_url_key_folds_variants() -> None:
    assert url_key("https://www.a.example/x/") == url_key("http://a.example/x")
    assert url_key("https://a.example/x?id=1") != url_key("https://a.example/x?id=2")
