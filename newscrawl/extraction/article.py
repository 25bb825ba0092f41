"""extract_article: one parse, three layers (structured data, outlet selectors, generic fallback)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement

from newscrawl.extraction.document import load_page
from newscrawl.extraction.generic import generic_paragraphs
from newscrawl.extraction.page import (
    byline_text,
    find_byline,
    find_lead_caption,
    is_furniture,
    split_caption_credit,
)
from newscrawl.extraction.selectors import SELECTOR_KEYS, Match, OutletSelectors, SelectorSpec
from newscrawl.extraction.structured import StructuredData, read_structured_data
from newscrawl.extraction.text import inline_text, normalize_space, paragraphs
from newscrawl.text.dates import normalize_date
from newscrawl.text.urls import absolute_url, strip_tracking

# Selectors whose elements are page furniture when they sit inside the body container: every field but
# the body itself, and what the outlet says to drop.
FURNITURE_KEYS = SELECTOR_KEYS - {"body"}
# Selectors whose silence means the outlet's layout changed.
HEALTH_SELECTOR_KEYS = ("title", "body", "byline", "published")
# Longer "furniture" is a selector mistake, not a caption or byline: never drop that much text.
MAX_FURNITURE_CHARS = 1000
# Links with any rel attribute; the "author" token is checked in Python (cheaper than an XPath
# normalize-space/concat over every link of a long page).
_LINKS_WITH_REL = XPath("//body//a[@rel]")
# A body container holding less than this is a selector that missed, not an article; a
# microdata articleBody that short is a teaser, and the generic fallback reads the page instead.
MIN_SELECTED_WORDS, MIN_MICRODATA_WORDS = 10, 50
# A title part is the site's name when it spells the host name ("The Plainsville Courier").
MIN_HOST_NAME_LETTERS, MAX_SITE_NAME_WORDS = 4, 5
# Separators between a headline and the site name in <title>/og:title.
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]{1,2}\s+")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_IMAGE_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-original", "content", "href")
_DATE_ATTRIBUTES = ("datetime", "content", "value", "data-datetime", "data-timestamp")


def extract_article(
    html: str | bytes,
    url: str,
    selectors: Mapping[str, SelectorSpec] | None = None,
    hints: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Raw article fields of one page (no Scrapy objects needed).

    ``selectors`` are the outlet's (settings/), ``hints`` the sitemap/feed values
    (title, published, modified) used only where the page says nothing.
    Raises ValueError for an invalid selector; never for bad HTML.
    """
    page = load_page(html)
    root = page.root
    page_url = strip_tracking(url)
    outlet = OutletSelectors(root, selectors)
    data = read_structured_data(page, page_url)
    hints = hints or {}

    title = _title(outlet, data, root, page_url, hints.get("title"))
    byline_element = _first_element(outlet, "byline") if "byline" in outlet else find_byline(root)
    byline_raw = _byline_text(outlet, byline_element)
    image = _image(outlet, data, root, page_url)
    furniture = _furniture(outlet)
    body_paragraphs = _body(root, page_url, outlet, data, furniture)
    body = "\n\n".join(_without_repeats(body_paragraphs, title, byline_raw, image))
    return {
        "url": page_url,
        "canonical_url": _canonical(data, page_url),
        "title": title,
        "byline_raw": byline_raw,
        "author_candidates": _author_candidates(outlet, data, byline_raw, byline_element, root, page_url),
        "published": _date(outlet, "published", data.published, hints.get("published")),
        "modified": _date(outlet, "modified", data.modified, hints.get("modified")),
        "section": _section(outlet, data),
        "tags": _tags(outlet, data),
        "language": _language(data),
        "image": image,
        "body": body,
        "word_count": len(body.split()),
        # Diagnostics for outlet health, not part of the record: configured selectors that found nothing.
        "selector_misses": [key for key in HEALTH_SELECTOR_KEYS if key in outlet and not outlet.matches(key)],
    }


# --- small readers -----------------------------------------------------------------------------


def _match_text(match: Match, skip: set[_Element] | None = None) -> str:
    if isinstance(match, str):
        return normalize_space(match)
    return inline_text(match, skip=lambda e: e in skip) if skip else inline_text(match)


def _first_element(outlet: OutletSelectors, key: str) -> _Element | None:
    elements = outlet.elements(key)
    return elements[0] if elements else None


def _selected_text(outlet: OutletSelectors, key: str) -> str | None:
    for match in outlet.matches(key):
        text = _match_text(match)
        if text:
            return text
    return None


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


# --- fields ------------------------------------------------------------------------------------


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class _SiteName:
    """Recognises the site's name in a title: declared names, or a part spelling the host name."""

    def __init__(self, data: StructuredData, url: str) -> None:
        self.names = {_letters(name) for name in data.site_names if _letters(name)}
        self.host = _letters(urlsplit(url).hostname or "")

    def __contains__(self, part: str) -> bool:
        letters = _letters(part)
        if letters in self.names:
            return True
        spells_host = len(letters) >= MIN_HOST_NAME_LETTERS and letters.removeprefix("the") in self.host
        return spells_host and len(part.split()) <= MAX_SITE_NAME_WORDS


def _clean_title(title: str, site: _SiteName, headings: set[str]) -> str:
    """The headline without " - Site" / "Site | " around it."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or title.casefold() in headings:
        return title
    for part in parts:
        if part.casefold() in headings:
            return part
    kept = [part for part in parts if part not in site]
    return " - ".join(kept) if kept and len(kept) < len(parts) else title


def _title(
    outlet: OutletSelectors, data: StructuredData, root: HtmlElement, url: str, hint: Any
) -> str | None:
    """Outlet selector, structured data, <h1>, the feed's title, and only then <title>."""
    selected = _selected_text(outlet, "title")
    if selected:
        return selected
    headings = [inline_text(h) for h in root.xpath("//body//h1 | //body//h2")[:6]]
    heading_keys = {h.casefold() for h in headings if h}
    site = _SiteName(data, url)
    first_h1 = [inline_text(h) for h in root.iter("h1")][:1]
    hinted = [normalize_space(str(hint))] if hint else []
    document_title = [normalize_space(t.text_content()) for t in root.xpath("//head/title")[:1]]
    for candidate in [*data.titles, *first_h1, *hinted, *document_title]:
        cleaned = _clean_title(normalize_space(candidate), site, heading_keys)
        if cleaned:
            return cleaned
    return None


def _byline_text(outlet: OutletSelectors, element: _Element | None) -> str | None:
    if "byline" in outlet:
        return _selected_text(outlet, "byline")
    if element is None:
        return None
    return byline_text(element) or None


def _author_candidates(
    outlet: OutletSelectors,
    data: StructuredData,
    byline_raw: str | None,
    byline_element: _Element | None,
    root: HtmlElement,
    url: str,
) -> list[dict[str, str]]:
    """Raw author values in order of trust, each once: the outlet's selectors when given, else
    structured data first; then author-page URLs."""
    selected = [("byline", _match_text(m)) for m in outlet.matches("author")]
    structured = [(source, value) for value, source in data.authors if source != "url"]
    visible = [("byline", byline_raw)] if byline_raw else []
    if selected or "byline" in outlet:
        ordered = [*selected, *visible, *structured]
    else:
        ordered = [*structured, *visible]
    profiles = [value for value, source in data.authors if source == "url"]
    ordered += [("url", link) for link in [*profiles, *_author_links(byline_element, root, url)]]
    candidates: list[dict[str, str]] = []
    seen: set[str] = set()
    for source, value in ordered:
        if value and value not in seen:
            seen.add(value)
            candidates.append({"value": value, "source": source})
    return candidates


def _site_host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _author_links(byline_element: _Element | None, root: HtmlElement, url: str) -> list[str]:
    """Author pages on the outlet's own site, linked from the byline or marked rel="author"."""
    in_byline = list(byline_element.iter("a")) if byline_element is not None else []
    host = _site_host(url)
    links = []
    rel_author = [a for a in _LINKS_WITH_REL(root) if "author" in (a.get("rel") or "").split()]
    for element in [*in_byline, *rel_author]:
        link = absolute_url(element.get("href") or "", url)
        if link and _site_host(link) == host:
            links.append(link)
    return links


def _raw_date(match: Match) -> str:
    """A date as the page gives it: machine-readable attribute first, printed text otherwise."""
    if isinstance(match, str):
        return match
    return next((match.get(a) for a in _DATE_ATTRIBUTES if match.get(a)), None) or inline_text(match)


def _date(outlet: OutletSelectors, key: str, structured: list[str], hint: Any) -> str | None:
    """Outlet selector, then structured data, then the sitemap/feed hint; the first that parses."""
    candidates = [*(_raw_date(m) for m in outlet.matches(key)), *structured, *([str(hint)] if hint else [])]
    return next((value for value in map(normalize_date, candidates) if value), None)


def _section(outlet: OutletSelectors, data: StructuredData) -> str | None:
    selected = _selected_text(outlet, "section")
    if selected:
        return selected
    return next((normalize_space(s) for s in data.sections if normalize_space(s)), None)


def _tags(outlet: OutletSelectors, data: StructuredData) -> list[str]:
    selected = [_match_text(m) for m in outlet.matches("tags")]
    return _unique(selected if any(selected) else data.tags)


def _language(data: StructuredData) -> str | None:
    for value in data.languages:
        primary = re.split(r"[-_]", value.strip())[0].lower()
        if _LANGUAGE.match(primary):
            return primary
    return None


def _canonical(data: StructuredData, url: str) -> str | None:
    for href in data.canonical:
        absolute = absolute_url(href, url)
        if absolute:
            canonical = strip_tracking(absolute)
            return None if canonical == url else canonical
    return None


def _image_source(match: Match) -> str | None:
    if isinstance(match, str):
        return match.strip() or None
    candidates = [match, *match.iter("img", "source", "meta", "a")]
    for element in candidates:
        for attribute in _IMAGE_ATTRIBUTES:
            value = (element.get(attribute) or "").strip()
            if value and not value.startswith("data:"):
                return value
    return None


def _image(
    outlet: OutletSelectors, data: StructuredData, root: HtmlElement, url: str
) -> dict[str, str | None] | None:
    """Lead image: outlet selectors, else structured data; caption and credit printed with it."""
    declared = [*(_image_source(m) for m in outlet.matches("image")), *data.images]
    source = next((u for u in (absolute_url(d, url) for d in declared if d) if u), None)
    if source is None:
        return None
    credit_elements = set(outlet.elements("image_credit"))
    captions = (_match_text(match, skip=credit_elements) for match in outlet.matches("image_caption"))
    caption = next((text for text in captions if text), None)
    credit = _selected_text(outlet, "image_credit")
    if caption is None:
        found_caption, found_credit = find_lead_caption(root, source)
        caption, credit = found_caption or data.image_caption, credit or found_credit or data.image_credit
    if caption and not credit:
        caption, credit = split_caption_credit(caption)
    return {"url": source, "caption": caption or None, "credit": credit or None}


# --- body --------------------------------------------------------------------------------------


def _furniture(outlet: OutletSelectors) -> set[_Element]:
    """Elements the outlet names as other fields or as drop: never body text."""
    return {element for key in FURNITURE_KEYS if key in outlet for element in outlet.elements(key)}


def _body(
    root: HtmlElement,
    url: str,
    outlet: OutletSelectors,
    data: StructuredData,
    furniture: set[_Element],
) -> list[str]:
    """Outlet selectors, else the microdata articleBody container, else the generic fallback."""

    def skip(element: _Element) -> bool:
        return element in furniture or is_furniture(element)

    microdata = [data.body_element] if data.body_element is not None else []
    layers = ((_outermost(outlet.elements("body")), MIN_SELECTED_WORDS), (microdata, MIN_MICRODATA_WORDS))
    for containers, min_words in layers:
        found = paragraphs(containers, skip=skip) if containers else []
        if len(" ".join(found).split()) >= min_words:
            return found
    for element in furniture:
        if element.getparent() is not None and len(element.text_content()) <= MAX_FURNITURE_CHARS:
            element.drop_tree()
    found = generic_paragraphs(root, url)
    if not found and data.article_body:
        found = [p for p in (normalize_space(line) for line in data.article_body.splitlines()) if p]
    return found


def _outermost(elements: list[_Element]) -> list[_Element]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _without_repeats(
    found: list[str], title: str | None, byline: str | None, image: dict[str, str | None] | None
) -> list[str]:
    """Body paragraphs minus copies of the headline, byline and caption that sit in the container."""
    printed = [title, byline, *((image["caption"], image["credit"]) if image else ())]
    furniture = {normalize_space(value).casefold() for value in printed if value}
    return [p for p in found if p.casefold() not in furniture]
