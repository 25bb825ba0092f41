"""Bytes to one lxml tree: decoding as the page declares, never failing on bad input."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode

# Work cap: real article pages are far below this; anything beyond is ads,
# inline data blobs or garbage, and parsing it would only cost time.
MAX_HTML_CHARS = 3_000_000

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)


def _utf8_or_cp1252(data: bytes) -> str:
    """Encoding guess for pages that declare none: strict UTF-8, else Windows-1252."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Text of a page: BOM, then HTTP header, then <meta charset>, then a UTF-8/cp1252 guess."""
    _, text = html_to_unicode(content_type, data[: MAX_HTML_CHARS * 2], auto_detect_fun=_utf8_or_cp1252)
    return text


@dataclass(frozen=True)
class Page:
    """A parsed page and the text it was parsed from (cheap substring checks skip tree scans)."""

    root: HtmlElement
    source: str


def load_page(html: str | bytes) -> Page:
    """The page as one lxml tree; an empty document for input that holds no markup."""
    text = decode_html(html) if isinstance(html, bytes) else html
    text = _XML_DECLARATION.sub("", text[:MAX_HTML_CHARS], count=1)
    root = _parse(text)
    if root is None:  # lxml refuses NUL and control characters in str input
        text = _CONTROL_CHARS.sub("", text)
        root = _parse(text)
    if root is None:
        root = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    return Page(root, text)


def _parse(text: str) -> HtmlElement | None:
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None
