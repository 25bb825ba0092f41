"""Layer (c): the generic main-text fallback.

trafilatura (reading the already parsed tree) chooses the story text; the
result is then completed from the page itself: the container trafilatura's
paragraphs came from is walked again, with its look-alike siblings (bodies cut
into several chunks around ads), and prose paragraphs trafilatura skipped
(text directly in the container, a lead paragraph in a stray element) are put
back in document order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from lxml.etree import _Element
from lxml.html import HtmlElement

from newscrawl.extraction.page import is_furniture
from newscrawl.extraction.text import paragraphs, tag_name

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
KEY_CHARS = 60  # paragraphs are matched by their first letters
MIN_PROSE_WORDS = 12  # a recovered paragraph must read like a sentence of the story
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")
MAX_RESTORED_GROWTH = 1.3  # more than that is another paragraph glued on, not a lost link
LAYOUT_CELL_CHARS = 500  # a data-table cell never holds this much text
MIN_CONTAINER_SHARE = 0.4  # of trafilatura's text, for an element to count as its source
TWIN_ANCESTOR_LEVELS = 3  # chunks of one body share a close ancestor


def _letters(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def _key(text: str) -> str:
    """First characters of the words, spaces ignored: one paragraph however its words were spaced."""
    return _letters(text)[:KEY_CHARS]


def _end_key(text: str) -> str:
    return _letters(text)[-KEY_CHARS:]


def trafilatura_paragraphs(root: HtmlElement, url: str) -> list[str]:
    """Story paragraphs chosen by trafilatura (precision-leaning, comments excluded)."""
    # Imported on first use: a tenth of a second that commands which never extract need not pay.
    from trafilatura import bare_extraction

    try:
        document = bare_extraction(
            root, url=url, favor_precision=True, include_comments=False, with_metadata=False
        )
    except Exception:  # a third-party parser must never stop a crawl
        logger.exception("generic extraction failed for %s", url)
        return []
    body = getattr(document, "body", None)
    return [] if body is None else paragraphs([body])


def unwrap_layout_tables(root: HtmlElement) -> None:
    """Turn tables used for page layout into plain blocks, so they read as page regions, not data."""
    for table in list(root.iter("table")):
        cells = list(table.iter("td", "th"))
        if any(_is_layout_cell(cell) for cell in cells):
            for element in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")]:
                element.tag = "div"


def _is_layout_cell(cell: _Element) -> bool:
    return len(cell.text_content()) > LAYOUT_CELL_CHARS or any(
        True for _ in cell.iter("p", "table", "h1", "h2", "h3")
    )


def generic_paragraphs(root: HtmlElement, url: str) -> list[str]:
    """The story text of a page without outlet rules; changes the tree (layout tables, see above)."""
    unwrap_layout_tables(root)
    found = trafilatura_paragraphs(root, url)
    container = _source_container(root, found)
    if container is None:
        return found
    return _completed(found, paragraphs(_with_twins(container), skip=is_furniture))


def _source_container(root: HtmlElement, found: list[str]) -> _Element | None:
    """The element whose own paragraphs (<p> children or bare text) hold most of trafilatura's text."""
    wanted = {_key(p): len(_letters(p)) for p in found if len(_key(p)) == KEY_CHARS}
    total = sum(len(_letters(p)) for p in found)
    if not wanted or not total:
        return None
    weights: Counter[_Element] = Counter()
    for element in root.iter("p"):
        parent = element.getparent()
        if parent is not None:
            weights[parent] += wanted.get(_key(element.text_content()), 0)
    for element in root.iter():
        parent = element.getparent()
        if element.tail and parent is not None:
            weights[parent] += wanted.get(_key(element.tail), 0)
        if element.text and tag_name(element) != "p":
            weights[element] += wanted.get(_key(element.text), 0)
    if not weights:
        return None
    container, weight = weights.most_common(1)[0]
    return container if weight >= total * MIN_CONTAINER_SHARE else None


def _signature(element: _Element, levels: int) -> list[tuple[str, str | None]]:
    return [(a.tag, a.get("class")) for a in [element, *element.iterancestors()][: levels + 1]]


def _with_twins(container: _Element) -> list[_Element]:
    """The container and its look-alikes: the same tags and classes up to a close common ancestor."""
    ancestors = list(container.iterancestors())[:TWIN_ANCESTOR_LEVELS]
    if not container.get("class") or not ancestors:
        return [container]
    signature = _signature(container, len(ancestors) - 1)
    twins = [
        element
        for element in ancestors[-1].iter(container.tag)
        if element is container
        or (_signature(element, len(ancestors) - 1) == signature and not _related(element, container))
    ]
    return twins or [container]


def _related(first: _Element, second: _Element) -> bool:
    return first in second.iterancestors() or second in first.iterancestors()


def _is_prose(text: str) -> bool:
    return len(_WORD.findall(text)) >= MIN_PROSE_WORDS and _SENTENCE_END.search(text) is not None


def _restores_inline_text(found: str, printed: str) -> bool:
    found_length, printed_length = len(_letters(found)), len(_letters(printed))
    return found_length <= printed_length <= found_length * MAX_RESTORED_GROWTH


def _completed(found: list[str], walked: list[str]) -> list[str]:
    """trafilatura's paragraphs in page order, repaired from the container as printed.

    Prose paragraphs trafilatura missed are put back; a paragraph it found is
    taken as printed when that is a little longer (trafilatura sometimes drops
    inline link text) or when the page splits it in several (``<br><br>``).
    """
    position: dict[str, int] = {}
    for place, paragraph in enumerate(found):
        position.setdefault(_key(paragraph), place)
        position.setdefault("end:" + _end_key(paragraph), place)
    result: list[str] = []
    emitted = 0
    cursor = 0
    while cursor < len(walked):
        paragraph = walked[cursor]
        index = position.get(_key(paragraph))
        if index is None:
            index = position.get("end:" + _end_key(paragraph))
        cursor += 1
        if index is None:
            if _is_prose(paragraph):
                result.append(paragraph)
            continue
        if index < emitted:
            continue
        result.extend(found[emitted:index])
        pieces = _pieces_of(found[index], walked, cursor - 1)
        if pieces:
            result.extend(pieces)
            cursor += len(pieces) - 1
        else:
            result.append(paragraph if _restores_inline_text(found[index], paragraph) else found[index])
        emitted = index + 1
    result.extend(found[emitted:])
    return result


def _pieces_of(paragraph: str, walked: list[str], start: int) -> list[str] | None:
    """Consecutive printed paragraphs that together are exactly ``paragraph``, if there are several."""
    target, joined = _letters(paragraph), ""
    for end in range(start, len(walked)):
        joined += _letters(walked[end])
        if joined == target:
            return walked[start : end + 1] if end > start else None
        if not target.startswith(joined):
            return None
    return None
