"""Verification of a candidate pair: is the shorter text contained in the longer, with the same facts?

Pure functions over sketches (sentence hashes, skeletons, shapes and lengths), never over bodies.

* Trimmed copies: what counts is the share of the *shorter* text found in the longer one
  (containment), weighted by sentence length, so a copy cut to its first third still matches while
  an added local intro, caption or editor's note only costs its own few tokens.
* Templated stories: copies carry their sentences verbatim, so a sentence (or headline) with a
  *twin* in the other text that is not the same sentence is a conflict. Twins have the same
  skeleton (same words once numbers, names and places are blanked) or the same shape (mostly the
  same plain words). "Gas prices in Adams County averaged $3.45" is not a copy of "... Baker
  County averaged $3.52" however many template sentences they share: the match is vetoed unless
  the sentences with facts that do agree outweigh the conflicts FACT_MARGIN times.
* Thin texts: a body of a few lines is weak evidence of identity (it may be a paywall or
  newsletter notice left on many pages), so short pairs must also share most of their title words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from newscrawl.dedup.fingerprint import SKELETON_HAS_FACTS, SKETCH_HEADER, SKETCH_HEADLINE, unsigned_array

MIN_STORY_TOKENS = 25  # below this a text is never compared by content
TITLE_GUARD_TOKENS = 80  # when both texts are shorter, their titles must agree as well
MIN_CONTAINMENT = 0.6
MIN_SHARED_TOKENS = 20
MIN_CONFLICT_TOKENS = 6  # short lines (bylines, credits) differ between copies and prove nothing
# Agreeing facts must outweigh disagreeing ones this many times: an outlet's templated intro or
# caption may differ between copies, but a templated story shares few sentences with facts.
FACT_MARGIN = 3
# A copy keeps the start of its story (trimming cuts the end): one of the longer text's first
# sentences must be in the shorter one, or the shorter merely quotes a passage.
LEDE_SENTENCES = 6
MIN_TITLE_OVERLAP = 0.67
MIN_HEADLINE_TOKENS = 4
SHAPE_MATCHES = 4  # of 8 MinHash bytes


class ParsedSketch(NamedTuple):
    """A sketch (``fingerprint.SketchColumns``) read back as Python tuples and sets, the fastest
    shape for a few dozen sentences (a named tuple: one is built for most claims, and a frozen
    dataclass takes longer to build)."""

    sentences: tuple[int, ...]
    skeletons: tuple[int, ...]
    weights: tuple[int, ...]
    shapes: tuple[int, ...]
    members: frozenset[int]
    total: int
    title_words: frozenset[int]
    headline: tuple[int, int, int, int] | None  # (hash, skeleton, weight, shape)

    @classmethod
    def parse(cls, data: bytes) -> ParsedSketch:
        count, title_count, headline_count, shape_count = SKETCH_HEADER.unpack_from(data)
        offset = SKETCH_HEADER.size
        columns = unsigned_array(2 * count).unpack_from(data, offset)  # sentence hashes, then skeletons
        sentences, skeletons = columns[:count], columns[count:]
        weights = tuple(data[offset + 8 * count : offset + 9 * count])
        offset += 9 * count
        shapes = unsigned_array(shape_count, "Q").unpack_from(data, offset)
        offset += 8 * shape_count
        headline = SKETCH_HEADLINE.unpack_from(data, offset) if headline_count else None
        offset += SKETCH_HEADLINE.size * headline_count
        title_words = frozenset(unsigned_array(title_count).unpack_from(data, offset))
        return cls(
            sentences, skeletons, weights, shapes, frozenset(sentences), sum(weights), title_words, headline
        )


@lru_cache(maxsize=4096)
def _parsed(data: bytes) -> ParsedSketch:
    return ParsedSketch.parse(data)


def serialized_similarity(first: bytes, second: bytes) -> float:
    """Containment of the shorter text in the longer, from their serialized sketches; 0.0 when they
    are not one story. Parsed sketches are cached (a claim meets several candidates)."""
    if not first or not second:
        return 0.0
    return _similarity(_parsed(first), _parsed(second))


def _similarity(first: ParsedSketch, second: ParsedSketch) -> float:
    if min(first.total, second.total) < MIN_STORY_TOKENS:
        return 0.0
    if max(first.total, second.total) < TITLE_GUARD_TOKENS and not _titles_agree(first, second):
        return 0.0
    shorter, longer = (first, second) if first.total <= second.total else (second, first)
    shared = shared_facts = 0
    for sentence, skeleton, weight in zip(shorter.sentences, shorter.skeletons, shorter.weights, strict=True):
        if sentence in longer.members:
            shared += weight
            if skeleton & SKELETON_HAS_FACTS:
                shared_facts += weight
    containment = shared / shorter.total
    if containment < MIN_CONTAINMENT or shared < MIN_SHARED_TOKENS:
        return 0.0
    if shorter.members.isdisjoint(longer.sentences[:LEDE_SENTENCES]):
        return 0.0
    if _conflict_weight(shorter, longer, shared_facts) * FACT_MARGIN > shared_facts:
        return 0.0
    return containment


def _unmatched(text: ParsedSketch, other: ParsedSketch) -> list[tuple[int, int, int]]:
    """(skeleton, shape, weight) of the sentences (and headline) of ``text`` missing from ``other``."""
    shapes = text.shapes
    unmatched = [
        (skeleton, shapes[index] if index < len(shapes) else 0, weight)
        for index, (sentence, skeleton, weight) in enumerate(
            zip(text.sentences, text.skeletons, text.weights, strict=True)
        )
        if weight >= MIN_CONFLICT_TOKENS and sentence not in other.members
    ]
    if text.headline is not None:
        sentence, skeleton, weight, shape = text.headline
        if weight >= MIN_HEADLINE_TOKENS and (other.headline is None or sentence != other.headline[0]):
            unmatched.append((skeleton, shape, weight))
    return unmatched


def _conflict_weight(shorter: ParsedSketch, longer: ParsedSketch, shared_facts: int) -> int:
    """Tokens of the shorter text in sentences with a twin in the longer that is not the same sentence.

    Twins: the same skeleton (only numbers and names differ), or the same shape (the plain words
    mostly agree). Copies carry their sentences verbatim, so twins mark a templated story. When even
    all unmatched sentences together could not outweigh ``shared_facts``, their twins are not sought
    (0 is returned): the usual case for a copy, whose only unmatched line is often its headline.
    """
    suspects = _unmatched(shorter, longer)
    if sum(weight for _, _, weight in suspects) * FACT_MARGIN <= shared_facts:
        return 0
    others = _unmatched(longer, shorter)
    skeletons = {skeleton for skeleton, _, _ in others if skeleton}
    shapes = [shape for _, shape, _ in others if shape]
    return sum(
        weight
        for skeleton, shape, weight in suspects
        if (skeleton and skeleton in skeletons)
        or (shape and any(_same_shape(shape, other) for other in shapes))
    )


_LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7F
_ALL_BITS = 0xFFFFFFFFFFFFFFFF


def _same_shape(first: int, second: int) -> bool:
    """At least SHAPE_MATCHES of the 8 MinHash bytes agree (a word overlap of about a half or more)."""
    difference = first ^ second
    nonzero_bytes = ((difference & _LOW_SEVEN_BITS) + _LOW_SEVEN_BITS) | difference | _LOW_SEVEN_BITS
    return (~nonzero_bytes & _ALL_BITS).bit_count() >= SHAPE_MATCHES


def _titles_agree(first: ParsedSketch, second: ParsedSketch) -> bool:
    if not first.title_words or not second.title_words:
        return False
    overlap = len(first.title_words & second.title_words)
    return overlap >= MIN_TITLE_OVERLAP * min(len(first.title_words), len(second.title_words))
