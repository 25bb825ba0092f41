"""Generic knowledge of article page furniture: bylines, lead-image captions, widgets.

Names and class words here are common web conventions, not any one outlet's
markup; outlet-specific choices belong in the selectors in settings/.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.etree import _Element
from lxml.html import HtmlElement

from newscrawl.extraction.text import inline_text, normalize_space, tag_name

# Elements that frame a story rather than tell it.
FURNITURE_TAGS: frozenset[str] = frozenset(
    {"figure", "figcaption", "aside", "nav", "footer", "header", "form", "h1"}
)
# Class/id words of share bars, related-link boxes, newsletter and ad slots.
_WIDGET_WORDS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|newsletter|advert|advertisement|ads?|promo|"
    r"publicidad|werbung|anzeige|publicite|pubblicita|"
    r"subscribe|subscription|recirc|outbrain|taboola|comments?|sidebar|breadcrumbs?|toolbar|"
    r"caption|credit|byline|tooltip|popover|popup|hidden(?!-(?:xs|sm|md|lg|xl|print))|sr-only)(?:$|[\s_-])",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(r"(?:^|[\s_-])(?:date|dates|time|timestamp|updated|published|posted)", re.I)
_DANGLING_SEPARATOR = re.compile(r"(?:\s*[|•·,–—-])+$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Most telling first; the first letter is left out so "Byline" and "byline" both match.
_BYLINE_XPATHS: tuple[str, ...] = (
    "//body//*[contains(@class, 'yline')]",
    "//body//*[@rel='author' or @itemprop='author']",
    "//body//*[contains(@class, 'uthor')]",
    "//body//*[contains(@class, 'utor') or contains(@class, 'uteur')]",  # de, es, pt / fr
)
MAX_BYLINE_CHARS = 200
FIGURE_LEVELS = 3
_CREDIT_XPATH = (
    ".//*[contains(translate(@class, 'CREDIT', 'credit'), 'credit') or "
    "contains(translate(@class, 'COPYRIGHT', 'copyright'), 'copyright')]"
)
_CAPTION_XPATH = ".//figcaption | .//*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')]"
_IMAGE_BY_NAME_XPATH = (
    "//body//img[contains(@src, $stem) or contains(@srcset, $stem) or contains(@data-src, $stem) "
    "or contains(@data-srcset, $stem)]"
)
_SIZE_SUFFIX = re.compile(r"(-\d+x\d+|-scaled|@\dx)$")
CAPTION_CREDIT_SEPARATOR = " | "


def _attribute_words(element: _Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def is_furniture(element: _Element) -> bool:
    """True for elements never part of story text: figures, asides, share/related widgets."""
    if tag_name(element) in FURNITURE_TAGS or element.get("hidden") is not None:
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    words = _attribute_words(element)
    return bool(words.strip()) and _WIDGET_WORDS.search(words) is not None


def is_dateline(element: _Element) -> bool:
    """A date or time printed inside a byline box."""
    if tag_name(element) == "time":
        return True
    words = _attribute_words(element)
    return bool(words.strip()) and _DATE_WORDS.search(words) is not None


def byline_text(element: _Element) -> str:
    """The byline as printed, without the date beside it or a separator left dangling."""
    return _DANGLING_SEPARATOR.sub("", inline_text(element, skip=is_dateline))


def find_byline(root: HtmlElement) -> _Element | None:
    """The outermost short element that looks like the visible byline."""
    for xpath in _BYLINE_XPATHS:
        for element in root.xpath(xpath):
            if tag_name(element) in {"meta", "link", "script", "body", "html"}:
                continue
            text = byline_text(element)
            if text and len(text) <= MAX_BYLINE_CHARS and any(c.isalpha() for c in text):
                return element
    return None


def _image_stem(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return _SIZE_SUFFIX.sub("", stem)


def _figure_of(image: _Element) -> _Element | None:
    """The figure around a lead image: a <figure>, or a close wrapper with a caption and no other image."""
    for ancestor in list(image.iterancestors())[:FIGURE_LEVELS]:
        if tag_name(ancestor) == "figure":
            return ancestor
        if sum(1 for _ in ancestor.iter("img")) > 1:
            return None
        if ancestor.xpath(_CAPTION_XPATH):
            return ancestor
    return None


def _lead_figure(root: HtmlElement, image_url: str) -> _Element | None:
    stem = _image_stem(image_url)
    if len(stem) < 4:
        return None
    images = root.xpath(_IMAGE_BY_NAME_XPATH, stem=stem)
    return _figure_of(images[0]) if images else None


def find_lead_caption(root: HtmlElement, image_url: str) -> tuple[str | None, str | None]:
    """Caption and credit printed with the lead image (matched by file name), else (None, None)."""
    figure = _lead_figure(root, image_url)
    captions = figure.xpath(_CAPTION_XPATH) if figure is not None else []
    if figure is None or not captions:
        return None, None
    caption_element = captions[0]
    credits = caption_element.xpath(_CREDIT_XPATH) or figure.xpath(_CREDIT_XPATH)
    credit = inline_text(credits[0]) if credits else None
    caption = inline_text(caption_element, skip=lambda e: e in credits)
    return caption or None, credit or None


def split_caption_credit(caption: str) -> tuple[str, str | None]:
    """ "Caption | Credit" as printed under many lead images, split at the last bar."""
    text = normalize_space(caption)
    if CAPTION_CREDIT_SEPARATOR not in text:
        return text, None
    described, credit = text.rsplit(CAPTION_CREDIT_SEPARATOR, 1)
    return described.strip(), credit.strip() or None
