"""Visible text of elements, as paragraphs, with words never glued together.

A block element (``<p>``, ``<div>``, ``<li>`` …) or two ``<br>`` in a row end a
paragraph; one ``<br>`` and inline element boundaries become a space between
words, except inside words (superscripts, drop caps) and before punctuation.
The same walk reads page HTML and trafilatura's output tree (``head``, ``item``,
``lb``, ``hi`` … are its tag names).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml.etree import _Element

BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "address",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "figure",
        "figcaption",
        "hr",
        "details",
        "summary",
        "center",
        "form",
        "fieldset",
        "legend",
        "body",
        "html",
        # trafilatura's output tree ("head" is its heading; the HTML <head> is never walked)
        "head",
        "list",
        "item",
        "quote",
        "row",
        "doc",
        "graphic",
    }
)
# Never visible text.
INVISIBLE_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "math",
        "button",
        "select",
        "option",
        "textarea",
        "input",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "title",
        "meta",
        "link",
        "base",
        "picture",
        "source",
        "img",
    }
)
CELL_TAGS: frozenset[str] = frozenset({"td", "th", "cell"})
BREAK_TAGS: frozenset[str] = frozenset({"br", "lb"})
# Inline elements whose edges fall inside a word ("x<sup>2</sup>", "1<sup>st</sup>").
WORD_INTERNAL_TAGS: frozenset[str] = frozenset({"sup", "sub", "wbr"})

_SOFT = "\x00soft"  # an inline boundary: a space if it would otherwise glue two words
_LINE = "\x00line"  # one <br>
_NO_SPACE_BEFORE = re.compile(r"^[\s.,;:!?%)\]}’”'\"…]")
_NO_SPACE_AFTER = re.compile(r"[\s(\[{‘“'\"$#@/-]$")


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def tag_name(element: _Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


Skip = Callable[[_Element], bool]


def _never(_: _Element) -> bool:
    return False


class _ParagraphWriter:
    """Collects text pieces and boundary markers; renders finished paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.pieces: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.pieces.append(value)

    def edge(self, boundary: str | None) -> None:
        """An element starts or ends here: None ends the paragraph, a marker may separate words."""
        if boundary is None:
            self.end_paragraph()
        elif boundary:
            self.pieces.append(boundary)

    def line_break(self) -> None:
        if self.pieces and self.pieces[-1] == _LINE:
            self.pieces.pop()
            self.end_paragraph()
        else:
            self.pieces.append(_LINE)

    def end_paragraph(self) -> None:
        paragraph = self._render()
        self.pieces = []
        if paragraph:
            self.paragraphs.append(paragraph)

    def _render(self) -> str:
        text = ""
        last_piece = ""
        soft = False
        for piece in self.pieces:
            if piece == _SOFT:
                soft = True
                continue
            piece = " " if piece == _LINE else piece
            if soft and _needs_space(text, last_piece, piece):
                text += " "
            text += piece
            last_piece, soft = piece, False
        return normalize_space(text)


def _needs_space(text: str, last_piece: str, piece: str) -> bool:
    """A space at an inline boundary, unless it would split punctuation or a drop cap off."""
    if not text or _NO_SPACE_BEFORE.match(piece) or _NO_SPACE_AFTER.search(text):
        return False
    is_drop_cap = len(last_piece) == 1 and last_piece.isupper() and piece[:1].islower()
    return not is_drop_cap


def _boundary(name: str) -> str | None:
    """What an element's edges mean for the text around it (None: a paragraph break)."""
    if name in BLOCK_TAGS:
        return None
    if name in CELL_TAGS:
        return _LINE
    return "" if name in WORD_INTERNAL_TAGS else _SOFT


def _walk(element: _Element, writer: _ParagraphWriter, skip: Skip) -> None:
    name = tag_name(element)
    if not name or name in INVISIBLE_TAGS or skip(element):
        return
    if name in BREAK_TAGS:
        writer.line_break()
        return
    boundary = _boundary(name)
    writer.edge(boundary)
    writer.text(element.text)
    for child in element:
        _walk(child, writer, skip)
        writer.text(child.tail)
    writer.edge(boundary)


def paragraphs(elements: Iterable[_Element], skip: Skip = _never) -> list[str]:
    """Paragraph texts of the given elements in document order (each element's tail excluded)."""
    writer = _ParagraphWriter()
    for element in elements:
        _walk(element, writer, skip)
        writer.end_paragraph()
    return writer.paragraphs


def inline_text(element: _Element, skip: Skip = _never) -> str:
    """All visible text of one element on one line (bylines, captions, titles)."""
    return normalize_space(" ".join(paragraphs([element], skip)))
