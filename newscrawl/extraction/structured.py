"""Layer (a): what the page states about itself — JSON-LD, OpenGraph, meta tags, microdata, <time>.

Values are returned raw (strings as published, dates unparsed) so the caller
decides precedence against the outlet's selectors and feed hints.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import _Element
from lxml.html import HtmlElement

from newscrawl.extraction.document import Page
from newscrawl.extraction.text import normalize_space

# schema.org types that describe a news story, most specific first.
ARTICLE_TYPES: tuple[str, ...] = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "SocialMediaPosting",
    "Report",
    "TechArticle",
    "ScholarlyArticle",
)
PAGE_TYPES: tuple[str, ...] = ("WebPage", "ItemPage", "CollectionPage")

# Meta names, by field, in order of trust (keys are lowercased property/name/itemprop).
META_TITLE = ("og:title", "twitter:title", "headline", "dc.title", "parsely-title", "sailthru.title")
META_PUBLISHED = (
    "article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "og:published_time",
    "article.published",
    "cxenseparse:recs:publishtime",
)
META_MODIFIED = (
    "article:modified_time",
    "datemodified",
    "og:updated_time",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "lastmod",
)
META_AUTHORS = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "cxenseparse:author",
)
META_SECTION = ("article:section", "parsely-section", "section", "cxenseparse:section")
META_TAGS = ("article:tag", "news_keywords", "parsely-tags", "sailthru.tags")
META_LANGUAGE = ("og:locale", "content-language", "language", "dc.language")
META_IMAGE = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
META_SITE_NAME = ("og:site_name", "application-name", "twitter:site")

_MICRODATA_XPATH = "//body//*[@itemprop]"  # one cheap scan; the names are compared in Python
_JSON_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


@dataclass
class StructuredData:
    """Raw field values the page declares, each list in order of trust."""

    titles: list[str] = field(default_factory=list)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (value, "jsonld"|"meta"|"url")
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    image_caption: str | None = None
    image_credit: str | None = None
    article_body: str | None = None
    body_element: _Element | None = None  # microdata itemprop=articleBody
    canonical: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)


def read_structured_data(page: Page, url: str) -> StructuredData:
    data = StructuredData()
    _read_json_ld(page.root, url, data)
    _read_meta(page.root, data)
    _read_microdata_and_time(page, data)
    return data


# --- JSON-LD ---------------------------------------------------------------------------------


def _load_json_ld(root: HtmlElement) -> list[Any]:
    documents = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = _JSON_WRAPPERS.sub("", script.text or "").strip()
        if not raw:
            continue
        try:
            documents.append(json.loads(raw, strict=False))
        except ValueError:
            continue
    return documents


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD document (lists, @graph and nested values included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("@type")
    values = declared if isinstance(declared, list) else [declared]
    return [value.rsplit("/", 1)[-1] for value in values if isinstance(value, str)]


def _type_rank(node: dict[str, Any], wanted: tuple[str, ...]) -> int | None:
    ranks = [wanted.index(t) for t in _types(node) if t in wanted]
    return min(ranks) if ranks else None


def _pick(nodes: list[dict[str, Any]], wanted: tuple[str, ...], url: str) -> dict[str, Any] | None:
    """The node of a wanted type that describes this page: its URL first, then type, then content."""

    def key(indexed: tuple[int, dict[str, Any]]) -> tuple[int, int, int, int]:
        index, node = indexed
        rank = _type_rank(node, wanted)
        urls = {_string(node.get("url")), _string(_id_of(node.get("mainEntityOfPage")))}
        about_page = int(bool(url) and any(u and u.rstrip("/") == url.rstrip("/") for u in urls))
        has_content = int(bool(node.get("headline") or node.get("articleBody")))
        return (about_page, has_content, -(rank if rank is not None else 99), -index)

    candidates = [(i, n) for i, n in enumerate(nodes) if _type_rank(n, wanted) is not None]
    return max(candidates, key=key)[1] if candidates else None


def _id_of(value: Any) -> Any:
    return value.get("@id") or value.get("url") if isinstance(value, dict) else value


def _string(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = normalize_space(html.unescape(value))
    return text or None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _Graph:
    """Resolves {"@id": ...} references, as Yoast's @graph uses for authors and images."""

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        return value


def _read_json_ld(root: HtmlElement, url: str, data: StructuredData) -> None:
    nodes = [node for document in _load_json_ld(root) for node in _nodes(document)]
    if not nodes:
        return
    graph = _Graph(nodes)
    article = _pick(nodes, ARTICLE_TYPES, url)
    page = _pick(nodes, PAGE_TYPES, url)
    for node in (article, page):
        if node is None:
            continue
        title = _string(node.get("headline"))
        if title:
            data.titles.append(title)
        data.published.extend(v for v in (_string(node.get("datePublished")),) if v)
        data.modified.extend(v for v in (_string(node.get("dateModified")),) if v)
        for language in _as_list(node.get("inLanguage")):
            value = (
                _string(language.get("alternateName") or language.get("name"))
                if isinstance(language, dict)
                else _string(language)
            )
            if value:
                data.languages.append(value)
    if article is not None:
        _read_article_node(article, graph, data)
        publisher = graph.resolve(article.get("publisher"))
        if isinstance(publisher, dict) and _string(publisher.get("name")):
            data.site_names.append(_string(publisher.get("name")) or "")
    for node in nodes:
        if "WebSite" in _types(node) and _string(node.get("name")):
            data.site_names.append(_string(node.get("name")) or "")


def _read_article_node(node: dict[str, Any], graph: _Graph, data: StructuredData) -> None:
    if not node.get("headline") and _string(node.get("name")):
        data.titles.append(_string(node.get("name")) or "")
    for author in _as_list(node.get("author")) or _as_list(node.get("creator")):
        author = graph.resolve(author)
        if isinstance(author, dict):
            name = author.get("name")
            for value in _as_list(name):
                text = _string(value)
                if text:
                    data.authors.append((text, "jsonld"))
            profile = _string(author.get("url"))
            if profile and profile.startswith("http"):
                data.authors.append((profile, "url"))
        else:
            text = _string(author)
            if text:
                data.authors.append((text, "url" if text.startswith("http") else "jsonld"))
    for section in _as_list(node.get("articleSection")):
        if _string(section):
            data.sections.append(_string(section) or "")
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    data.tags.extend(t for t in (_string(k) for k in _as_list(keywords)) if t)
    _read_json_ld_image(node, graph, data)
    body = node.get("articleBody") or node.get("text")
    if isinstance(body, str) and body.strip():
        data.article_body = body


def _read_json_ld_image(node: dict[str, Any], graph: _Graph, data: StructuredData) -> None:
    for image in _as_list(node.get("image")) or _as_list(node.get("thumbnailUrl")):
        image = graph.resolve(image)
        if isinstance(image, dict):
            source = _string(image.get("url")) or _string(image.get("contentUrl"))
            if not source:
                continue
            data.images.append(source)
            data.image_caption = data.image_caption or _string(image.get("caption"))
            credit = image.get("creditText") or image.get("copyrightHolder")
            credit = credit.get("name") if isinstance(credit, dict) else credit
            data.image_credit = data.image_credit or _string(credit)
            return
        if _string(image):
            data.images.append(_string(image) or "")
            return


# --- meta tags, microdata, <time> ------------------------------------------------------------


def _meta_values(root: HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        content = normalize_space(content)
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first_values(meta: dict[str, list[str]], names: tuple[str, ...]) -> list[str]:
    return [value for name in names for value in meta.get(name, [])]


def _read_meta(root: HtmlElement, data: StructuredData) -> None:
    meta = _meta_values(root)
    data.titles.extend(_first_values(meta, META_TITLE))
    data.published.extend(_first_values(meta, META_PUBLISHED))
    data.modified.extend(_first_values(meta, META_MODIFIED))
    for value in _first_values(meta, META_AUTHORS):
        data.authors.append((value, "url" if value.startswith(("http://", "https://")) else "meta"))
    data.sections.extend(_first_values(meta, META_SECTION))
    for value in _first_values(meta, META_TAGS):
        data.tags.extend(t for t in (normalize_space(part) for part in value.split(",")) if t)
    data.images.extend(_first_values(meta, META_IMAGE))
    data.site_names.extend(_first_values(meta, META_SITE_NAME))
    html_lang = (
        root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    if html_lang:
        data.languages.append(html_lang)
    data.languages.extend(_first_values(meta, META_LANGUAGE))
    data.canonical.extend(
        href
        for link in root.xpath("//link[@href]")
        if "canonical" in (link.get("rel") or "").lower().split()
        for href in [link.get("href")]
    )
    data.canonical.extend(meta.get("og:url", []))


def _read_microdata_and_time(page: Page, data: StructuredData) -> None:
    """schema.org microdata (itemprop) in the body, then the first <time datetime>."""
    if "itemprop" in page.source:
        targets = {"datePublished": data.published, "dateModified": data.modified}
        for element in page.root.xpath(_MICRODATA_XPATH):
            name = element.get("itemprop")
            if name not in targets and name != "articleBody":
                continue
            if name == "articleBody":
                data.body_element = data.body_element if data.body_element is not None else element
                continue
            value = element.get("datetime") or element.get("content") or element.text_content()
            if value and value.strip():
                targets[name].append(value.strip())
    for element in page.root.iter("time"):
        value = (element.get("datetime") or "").strip()
        if value:
            data.published.append(value)
            break
