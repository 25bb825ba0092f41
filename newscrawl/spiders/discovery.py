"""Pure parsers for the documents that list article URLs: robots.txt, sitemaps, feeds, link lists.

They take bytes or text and return plain data, so they are tested without a
crawl and reused by every spider. Broken input gives fewer entries, never an
exception: a half-written sitemap still yields the URLs it holds.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from protego import Protego

from newscrawl.text.dates import newest_utc, normalize_date

GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(ValueError):
    """A compressed document inflates past the size we accept (a zip bomb or a runaway sitemap)."""


@dataclass(frozen=True)
class Entry:
    """One article URL with what the listing said about it."""

    url: str
    lastmod: str | None = None
    published: str | None = None
    title: str | None = None

    @property
    def newest_date(self) -> str | None:
        """The latest date the listing gives: what ``since`` and revisits compare against."""
        return newest_utc(self.published, self.lastmod) or None

    def hints(self) -> dict[str, str]:
        """Fields a page may lack that the listing already knows."""
        hints = {"title": self.title, "published": self.published, "modified": self.lastmod}
        return {key: value for key, value in hints.items() if value}


@dataclass(frozen=True)
class Listing:
    """A parsed sitemap or feed: article entries, or further sitemaps to read."""

    kind: str  # "urlset", "sitemapindex", "rss", "atom" or "unknown"
    entries: tuple[Entry, ...] = ()
    sitemaps: tuple[Entry, ...] = ()


def inflate(body: bytes, max_size: int) -> bytes:
    """Gunzip a ``.gz`` sitemap that came without Content-Encoding; other bodies pass through."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_size + 1 if max_size else 0)
    except zlib.error:
        return b""
    if max_size and len(data) > max_size:
        raise TooLarge(f"gzipped document inflates past {max_size} bytes")
    return data


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, made absolute."""
    try:
        found = Protego.parse(text).sitemaps
        return [urljoin(base_url, url.strip()) for url in found if url.strip()]
    except Exception:  # protego is lenient, but a robots.txt is untrusted input
        return []


_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(element: etree._Element, *path: str) -> str | None:
    """Text of the first descendant reached by local tag names, ignoring namespaces."""
    current: list[etree._Element] = [element]
    for name in path:
        current = [child for node in current for child in node if _local(child.tag) == name]
        if not current:
            return None
    text = (current[0].text or "").strip()
    return text or None


def parse_listing(body: bytes, base_url: str) -> Listing:
    """Parse a sitemap, sitemap index, Google News sitemap, RSS 2.0/1.0 or Atom document."""
    body = body.lstrip()
    if not body:
        return Listing("unknown")
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return Listing("unknown")
    if root is None:
        return Listing("unknown")
    kind = _local(root.tag)
    if kind == "urlset":
        return Listing("urlset", entries=tuple(_sitemap_entries(root, "url", base_url)))
    if kind == "sitemapindex":
        return Listing("sitemapindex", sitemaps=tuple(_sitemap_entries(root, "sitemap", base_url)))
    if kind in ("rss", "rdf"):
        return Listing("rss", entries=tuple(_rss_entries(root, base_url)))
    if kind == "feed":
        return Listing("atom", entries=tuple(_atom_entries(root, base_url)))
    return Listing("unknown")


def _sitemap_entries(root: etree._Element, item_tag: str, base_url: str) -> list[Entry]:
    entries = []
    for node in root:
        if _local(node.tag) != item_tag:
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        entries.append(
            Entry(
                url=urljoin(base_url, loc),
                lastmod=normalize_date(_child_text(node, "lastmod") or ""),
                published=normalize_date(_child_text(node, "news", "publication_date") or ""),
                title=_child_text(node, "news", "title"),
            )
        )
    return entries


def _rss_entries(root: etree._Element, base_url: str) -> list[Entry]:
    entries = []
    for node in root.iter():
        if _local(node.tag) != "item":
            continue
        link = _child_text(node, "link") or _rss_permalink(node)
        if not link:
            continue
        published = _child_text(node, "pubdate") or _child_text(node, "date")
        entries.append(
            Entry(
                url=urljoin(base_url, link),
                published=normalize_date(published or ""),
                lastmod=normalize_date(_child_text(node, "updated") or ""),
                title=_child_text(node, "title"),
            )
        )
    return entries


def _rss_permalink(item: etree._Element) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true").lower() != "false":
            text = (child.text or "").strip()
            if text.startswith(("http://", "https://", "/")):
                return text
    return None


def _atom_entries(root: etree._Element, base_url: str) -> list[Entry]:
    entries = []
    for node in root:
        if _local(node.tag) != "entry":
            continue
        link = _atom_link(node)
        if not link:
            continue
        entries.append(
            Entry(
                url=urljoin(base_url, link),
                published=normalize_date(_child_text(node, "published") or ""),
                lastmod=normalize_date(_child_text(node, "updated") or ""),
                title=_child_text(node, "title"),
            )
        )
    return entries


def _atom_link(entry: etree._Element) -> str | None:
    fallback = None
    for child in entry:
        if _local(child.tag) != "link" or not child.get("href"):
            continue
        rel = child.get("rel", "alternate")
        if rel == "alternate" and child.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
            return child.get("href")
        fallback = fallback or (child.get("href") if rel == "alternate" else None)
    return fallback


# Paths that are listings, not articles, on nearly every news CMS.
_NON_ARTICLE_PATH = re.compile(
    r"/(?:tags?|topics?|category|categories|section|sections|authors?|people|staff|search|page|feed|rss|"
    r"newsletters?|subscribe|login|logout|register|account|about(?:-us)?|contact(?:-us)?|privacy(?:-policy)?|"
    r"terms(?:-of-(?:use|service))?|cookies?|advertise|careers|jobs|wp-admin|wp-login\.php|cdn-cgi|"
    r"comments|events|classifieds|obituaries/search)(?:/|$|\?)",
    re.IGNORECASE,
)
_STATIC_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|json|xml|gz|pdf|zip|mp3|mp4|m3u8|woff2?|ttf|txt|rss|atom)$",
    re.IGNORECASE,
)
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/|-)|/(?:19|20)\d{2}-\d{2}-\d{2}")
_LONG_ID = re.compile(r"(?:^|[/_.-])\d{5,}(?:$|[/_.-])|[/-][a-z]{1,3}\d{4,}")
_ID_QUERY = re.compile(r"(?:^|&)(?:p|id|story|article|articleid|story_id|newsid)=\d+", re.IGNORECASE)
_SLUG_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def is_listing_or_static(url: str) -> bool:
    """True for a home, section, tag, utility page or static file: never an article, whatever lists it."""
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return not _ID_QUERY.search(parts.query)
    return bool(_STATIC_FILE.search(parts.path) or _NON_ARTICLE_PATH.search(parts.path))


def looks_like_article(url: str) -> bool:
    """Guess from the URL alone whether it is an article rather than a listing or a static file.

    Used where an outlet gives no allow patterns and for one-off site scrapes.
    Article URLs on news sites carry a date, a numeric id, or a slug of several
    words; section, tag and utility pages carry none of these.
    """
    if is_listing_or_static(url):
        return False
    parts = urlsplit(url)
    if _DATE_IN_PATH.search(parts.path) or _LONG_ID.search(parts.path) or _ID_QUERY.search(parts.query):
        return True
    segments = [segment for segment in parts.path.split("/") if segment]
    slug = re.sub(r"\.(?:html?|php|aspx?|shtml)$", "", segments[-1], flags=re.IGNORECASE) if segments else ""
    words = [word for word in re.split(r"[-_+]", slug) if _SLUG_WORD.search(word)]
    return len(words) >= 4


def same_site(url: str, base_url: str) -> bool:
    """True when the URL is on the outlet's host (``www.`` or not, any port the base uses)."""

    def host(value: str) -> str:
        netloc = urlsplit(value).netloc.lower()
        return netloc[4:] if netloc.startswith("www.") else netloc

    return host(url) == host(base_url)
