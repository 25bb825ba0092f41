"""Sentence-level fingerprints of story text, computed for a whole batch of texts at once.

Syndicated copies differ by added or removed *lines* (intros, captions, notes, trimming) and by
typography, never by rewording, so the unit of comparison is the normalized sentence: lower-cased
word tokens, punctuation and typography ignored, sentence boundaries that survive paragraph splits
and merges. Every sentence also gets a *skeleton* hash in which tokens that carry facts (numbers,
capitalised names and places) are blanked: two sentences with the same skeleton but different
words are the signature of a templated story ("Gas prices in Adams County averaged $3.45 ...").
The first sentences also get a *shape* (a b-bit MinHash of their plain words) that catches
templates varying ordinary words too ("Expect sunny skies ..." / "Expect cloudy skies ...").

The work is vectorized with numpy over the concatenated bytes of the batch, so Python runs a
fixed number of array operations per batch instead of a loop per token (about 35 µs for a 3 KB
article; see benchmarks/dedup_speed.py).
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

# Sentences with fewer tokens than this ("Advertisement", "Read more") are kept in the sketch but
# never used as index anchors: they are too common to point at one story.
ANCHOR_MIN_TOKENS = 5
LEAD_ANCHORS = 4  # first sentences of a story: trimmed copies always keep them
SPREAD_ANCHORS = 4  # smallest sentence hashes: position-free, survive intros and reordering
MAX_SKETCH_SENTENCES = 48  # bounds the stored sketch (9 bytes a sentence)
# The first sentences of a story (and its headline) also get a *shape*: an 8-byte b-bit MinHash
# of their plain words (no numbers, names or stop words). Templated stories vary words like
# "sunny"/"cloudy" too; two unmatched sentences of the same shape are still template twins.
SHAPED_SENTENCES = 8
SHAPE_MIN_LETTERS = 3
STOP_WORDS = (
    "the a an and or but of to in on at by for with from as is are was were be been has have had it its "
    "this that these those will would can could said says about after before over into than then there "
    "their they he she his her we our you your not no more most also just who which what when where"
)
# Texts fingerprinted together: enough to amortize numpy's per-call cost, few enough that the
# working arrays stay in the CPU caches (measured fastest at 64 on 3-4 KB articles).
CHUNK_TEXTS = 64

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_TOKEN_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_HEAD_FACTOR = _U64(0xC2B2AE3D27D4EB4F)
_TAIL_FACTOR = _U64(0x165667B19E3779F9)
_FACT_TOKEN = _U64(0x5BD1E9955BD1E995)

# One byte class per input byte, as bit flags, computed by bytes.translate (a C loop).
WORD, CAPITAL, TERMINAL, CLOSER, SPACE, BREAK, DIGIT = 1, 2, 4, 8, 16, 32, 64


def _class_table() -> bytes:
    table = bytearray(256)
    for byte in range(256):
        char = chr(byte)
        if char.isascii() and char.isalnum():
            table[byte] = WORD | (CAPITAL if char.isupper() else 0) | (DIGIT if char.isdigit() else 0)
        elif byte >= 0x80:
            table[byte] = WORD  # UTF-8 letters; typographic punctuation is reclassified below
    for chars, flag in (
        (b".!?", TERMINAL),
        (b"\"')]", CLOSER),
        (b" \t", SPACE),
        (b"\n\r\x00\x0b\x0c", BREAK),
    ):
        for byte in chars:
            table[byte] = flag
    return bytes(table)


_CLASSES = _class_table()
_LOWER = bytes(range(256)).lower()
_DOC_SEPARATOR = b"\x00"
_PADDING = b"\x00" * 16

# U+2000..U+206F (UTF-8 E2 80 xx / E2 81 xx) by third byte: quotes close sentences, an ellipsis ends
# one, everything else (dashes, thin spaces) separates words. NBSP (C2 A0) is a space.
_GENERAL_PUNCTUATION = np.full(256, 0, dtype=np.uint8)
_GENERAL_PUNCTUATION[[0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xB9, 0xBA]] = CLOSER
_GENERAL_PUNCTUATION[0xA6] = TERMINAL
_GENERAL_PUNCTUATION[[*range(0x80, 0x8C), 0xAF]] = SPACE

# Little-endian masks keeping the first n bytes of a 64-bit word, n = 0..8.
_PREFIX_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=_U64)


# One row per sentence: its hash, its skeleton hash (numbers and capitalised words blanked; 0 when
# there are none; SKELETON_HAS_FACTS set when a blanked word is a fact, not just the capital that
# opens the sentence) and its length in tokens (capped at 255). Packed: 9 bytes a sentence.
SKELETON_HAS_FACTS, SKELETON_PRESENT = 1, 2
_SKELETON_MASK = _U64(0xFFFFFFFC)
SENTENCE_ROW = np.dtype([("sentence", "<u4"), ("skeleton", "<u4"), ("weight", "u1")])
SKETCH_HEADER = struct.Struct("<HBBB")  # sentences, title words, headlines (0 or 1), shapes
SKETCH_HEADLINE = struct.Struct("<IIBQ")  # sentence row and shape
MAX_TITLE_WORDS = 255


class Fingerprint(NamedTuple):
    """What dedup needs of one text; never the text itself (a named tuple: one is built per item)."""

    token_count: int
    exact: int  # 63-bit hash of the whole normalized text; 0 when there is no text
    simhash: int  # 64-bit simhash over sentences weighted by length
    anchors: tuple[int, ...]  # 31-bit sentence hashes to index the story under
    sketch: bytes  # what the index keeps to verify candidates (see SketchColumns), title included

    @property
    def simhash_hex(self) -> str:
        return f"{self.simhash:016x}"


def _fmix64(values: np.ndarray) -> np.ndarray:
    """Murmur3's finalizer: spreads polynomial hashes over all 64 bits."""
    values = values ^ (values >> _U64(33))
    values = values * _U64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> _U64(33))
    values = values * _U64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> _U64(33))


class _Powers:
    """Cached powers base**i and base**-i modulo 2**64, grown on demand."""

    def __init__(self, base: int) -> None:
        self._base = base
        self._inverse = pow(base, -1, 1 << 64)
        self.forward = np.ones(1, dtype=_U64)
        self.backward = np.ones(1, dtype=_U64)

    def ensure(self, length: int) -> None:
        if length <= len(self.forward):
            return
        size = max(length, 2 * len(self.forward))
        self.forward = self._series(self._base, size)
        self.backward = self._series(self._inverse, size)

    @staticmethod
    def _series(base: int, size: int) -> np.ndarray:
        series = np.empty(size, dtype=_U64)
        series[0] = 1
        block = 1
        # Doubling: each step multiplies the known prefix by base**block.
        while block < size:
            step = min(block, size - block)
            series[block : block + step] = series[:step] * _U64(pow(base, block, 1 << 64))
            block += step
        return series


_TOKEN_POWERS = _Powers(_TOKEN_BASE)


def _segment_hashes(values: np.ndarray, firsts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Polynomial hash of each run values[first:end], independent of where the run sits."""
    _TOKEN_POWERS.ensure(len(values) + 1)
    prefix = np.zeros(len(values) + 1, dtype=_U64)
    np.cumsum(values * _TOKEN_POWERS.forward[: len(values)], out=prefix[1:])
    return (prefix[ends] - prefix[firsts]) * _TOKEN_POWERS.backward[firsts]


def _byte_classes(joined: bytes) -> np.ndarray:
    """Class flags of every byte; typographic punctuation gets the class of its ASCII twin."""
    classes = np.frombuffer(joined.translate(_CLASSES), dtype=np.uint8).copy()
    raw = np.frombuffer(joined, dtype=np.uint8)
    leads = np.flatnonzero(raw[:-2] == 0xE2)
    leads = leads[(raw[leads + 1] & 0xFE) == 0x80]
    punctuation = _GENERAL_PUNCTUATION[raw[leads + 2]]
    for offset in range(3):
        classes[leads + offset] = punctuation
    nbsp = np.flatnonzero(raw[:-1] == 0xC2)
    nbsp = nbsp[raw[nbsp + 1] == 0xA0]
    classes[nbsp] = SPACE
    classes[nbsp + 1] = SPACE
    return classes


def _token_values(lowered: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """One 64-bit value per token from its first and last 8 lower-cased bytes and its length."""
    buffer = np.frombuffer(lowered + _PADDING, dtype=np.uint8)
    unaligned = np.ndarray(shape=(len(lowered) + 8,), dtype=_U64, buffer=buffer.data, strides=(1,))
    lengths = ends - starts
    head = unaligned[starts] & _PREFIX_MASKS[np.minimum(lengths, 8)]
    long_tokens = np.flatnonzero(lengths > 8)
    tail = np.zeros(len(starts), dtype=_U64)
    tail[long_tokens] = unaligned[ends[long_tokens] - 8]
    return head * _HEAD_FACTOR + tail * _TAIL_FACTOR + lengths.astype(_U64)


def _encode(text: str) -> bytes:
    if "\x00" in text:  # NUL separates the documents of a batch
        text = text.replace("\x00", " ")
    return text.encode("utf-8", "replace")


def _tokenize(texts: Sequence[str]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """The batch's bytes (texts separated by NUL), byte classes, token starts and token ends."""
    joined = _DOC_SEPARATOR + _DOC_SEPARATOR.join(_encode(text) for text in texts) + _DOC_SEPARATOR
    classes = _byte_classes(joined)
    is_word = (classes & WORD).view(bool)
    edges = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1  # the first and last byte are separators
    return joined, classes, edges[0::2], edges[1::2]


def _document_ends(joined: bytes) -> np.ndarray:
    return np.flatnonzero(np.frombuffer(joined, dtype=np.uint8) == 0)[1:]


def fingerprint_batch(texts: Sequence[str], titles: Sequence[str] = ()) -> list[Fingerprint]:
    """Fingerprints of ``texts`` (lines separated by newlines), one per text, in order.

    ``titles``, one per text if given, are fingerprinted in the same pass: each gives its text's
    sketch a headline (its first sentence, computed like a sentence of a text, so that copies of a
    headline agree) and title words.
    """
    if titles and len(titles) != len(texts):
        raise ValueError(f"{len(titles)} titles for {len(texts)} texts")
    return [
        fingerprint
        for start in range(0, len(texts), CHUNK_TEXTS)
        for fingerprint in _fingerprint_chunk(
            texts[start : start + CHUNK_TEXTS], titles[start : start + CHUNK_TEXTS]
        )
    ]


class _Sentences(NamedTuple):
    """Per-sentence arrays of a chunk of texts; sentences of text i are [bounds[i], bounds[i + 1])."""

    rows: np.ndarray  # SENTENCE_ROW
    hashes: np.ndarray  # full 64-bit sentence hashes
    lengths: np.ndarray  # tokens per sentence
    bounds: np.ndarray
    shapes: list[int]
    token_hashes: np.ndarray  # one value per token (see _token_values)
    token_starts: np.ndarray  # byte offset of each token in the joined batch
    document_ends: np.ndarray  # byte offset of the separator after each document


def _sentences(texts: Sequence[str]) -> _Sentences:
    joined, classes, token_starts, token_ends = _tokenize(texts)

    # A sentence ends at a line break, or at a space after . ! ? and up to three closing-quote bytes.
    terminal = (classes & TERMINAL).view(bool)
    closer = (classes & CLOSER).view(bool)
    ended = terminal[:-1].copy()
    run = closer[:-1].copy()
    for shift in range(1, 4):
        ended[shift:] |= run[shift:] & terminal[: -1 - shift]
        run[shift:] &= closer[: -1 - shift]
    boundary = (classes & BREAK).view(bool).copy()
    boundary[1:] |= (classes[1:] & SPACE).view(bool) & ended
    document_ends = _document_ends(joined)

    token_hashes = _token_values(joined.lower(), token_starts, token_ends)
    sentence_of_token = np.cumsum(boundary, dtype=np.int32)[token_starts]
    first_tokens = np.flatnonzero(np.diff(sentence_of_token, prepend=-1))
    # Blanked in skeletons: numbers and capitalised words. Facts proper: the same, except the
    # capital that merely opens a sentence ("The", "A", but also a name a template starts with).
    token_classes = classes[token_starts]
    blanked = (token_classes & (CAPITAL | DIGIT)).astype(bool)
    is_fact = blanked.copy()
    is_fact[first_tokens] = (token_classes[first_tokens] & DIGIT).astype(bool)
    skeleton_tokens = np.where(blanked, _FACT_TOKEN, token_hashes)
    end_tokens = np.append(first_tokens[1:], len(token_starts))
    sentence_hashes = _fmix64(_segment_hashes(token_hashes, first_tokens, end_tokens))
    skeleton_hashes = _fmix64(_segment_hashes(skeleton_tokens, first_tokens, end_tokens))
    blanks_per_sentence = np.add.reduceat(blanked, first_tokens) if len(first_tokens) else first_tokens
    facts_per_sentence = np.add.reduceat(is_fact, first_tokens) if len(first_tokens) else first_tokens
    lengths = end_tokens - first_tokens

    document_of_sentence = np.searchsorted(document_ends, token_starts[first_tokens])
    sentence_bounds = np.searchsorted(document_of_sentence, np.arange(len(texts) + 1))
    rows = np.empty(len(sentence_hashes), dtype=SENTENCE_ROW)
    rows["sentence"] = (sentence_hashes & _MASK32).astype(np.uint32)
    skeletons = (skeleton_hashes & _SKELETON_MASK) | _U64(SKELETON_PRESENT)
    skeletons |= (facts_per_sentence > 0).astype(_U64) * _U64(SKELETON_HAS_FACTS)
    rows["skeleton"] = np.where(blanks_per_sentence > 0, skeletons, _U64(0))
    rows["weight"] = np.minimum(lengths, 255)
    shapes = _sentence_shapes(
        token_hashes, token_ends - token_starts, blanked, lengths, document_of_sentence, sentence_bounds
    ).tolist()
    return _Sentences(
        rows, sentence_hashes, lengths, sentence_bounds, shapes, token_hashes, token_starts, document_ends
    )


def _fingerprint_chunk(texts: Sequence[str], titles: Sequence[str]) -> list[Fingerprint]:
    if not texts:
        return []
    # Titles ride along as extra documents after the texts: numpy's cost per call is paid once.
    chunk = _sentences([*texts, *titles])
    rows, shapes, all_bounds = chunk.rows, chunk.shapes, chunk.bounds
    sentence_bounds = all_bounds[: len(texts) + 1]
    text_sentences = int(sentence_bounds[-1])
    sentence_hashes, lengths = chunk.hashes[:text_sentences], chunk.lengths[:text_sentences]
    exact_hashes = _document_hashes(sentence_hashes, sentence_bounds)
    simhashes = _simhashes(sentence_hashes, lengths, sentence_bounds)
    anchors, anchor_bounds = _batch_anchors(
        rows["sentence"][:text_sentences] >> np.uint32(1), lengths, sentence_bounds
    )
    anchor_list, anchor_cuts = anchors.tolist(), anchor_bounds.tolist()
    bounds = all_bounds.tolist()
    cumulative_lengths = np.concatenate([[0], np.cumsum(lengths)])
    token_totals = cumulative_lengths[sentence_bounds[1:]] - cumulative_lengths[sentence_bounds[:-1]]
    headlines, words = _title_parts(chunk, len(texts), len(titles))
    # The sketch columns of the whole chunk, each serialized once and sliced per text.
    columns = SketchColumns(
        rows["sentence"].tobytes(), rows["skeleton"].tobytes(), rows["weight"].tobytes(), words.data
    )
    fingerprints = []
    for index in range(len(texts)):
        first, end = bounds[index], bounds[index + 1]
        sketch_end = min(end, first + MAX_SKETCH_SENTENCES)
        text_shapes = tuple(shapes[first : min(end, first + SHAPED_SENTENCES)])
        word_first, word_end = words.starts[index], words.ends[index]
        fingerprints.append(
            Fingerprint(
                token_count=int(token_totals[index]),
                exact=int(exact_hashes[index]),
                simhash=int(simhashes[index]),
                anchors=tuple(anchor_list[anchor_cuts[index] : anchor_cuts[index + 1]]),
                sketch=columns.pack(first, sketch_end, text_shapes, headlines[index], word_first, word_end),
            )
        )
    return fingerprints


class _TitleWords(NamedTuple):
    """The 32-bit word hashes of a chunk's titles (little-endian bytes) and each title's share."""

    data: bytes
    starts: list[int]  # per text: its title's first word
    ends: list[int]  # and the end of its words, at most MAX_TITLE_WORDS after the start


def _title_parts(
    chunk: _Sentences, texts: int, titles: int
) -> tuple[list[tuple[int, int, int, int] | None], _TitleWords]:
    """Per text, its title's first sentence as (hash, skeleton, weight, shape), and the titles' words."""
    if not titles:
        return [None] * texts, _TitleWords(b"", [0] * texts, [0] * texts)
    headlines: list[tuple[int, int, int, int] | None] = []
    bounds = chunk.bounds.tolist()
    for index in range(texts):
        first, end = bounds[texts + index], bounds[texts + index + 1]
        if end > first:
            sentence, skeleton, weight = chunk.rows[first].tolist()
            headlines.append((sentence, skeleton, weight, chunk.shapes[first]))
        else:
            headlines.append(None)
    # Title tokens follow the texts' tokens; the separator after the last text marks the border.
    document_ends = chunk.document_ends
    first_token = int(np.searchsorted(chunk.token_starts, document_ends[texts - 1]))
    hashes = (_fmix64(chunk.token_hashes[first_token:]) & _MASK32).astype("<u4")
    token_bounds = np.searchsorted(chunk.token_starts[first_token:], document_ends[texts - 1 :]).tolist()
    starts = token_bounds[:-1]
    ends = [min(end, start + MAX_TITLE_WORDS) for start, end in itertools.pairwise(token_bounds)]
    return headlines, _TitleWords(hashes.tobytes(), starts, ends)


@lru_cache(maxsize=1024)
def unsigned_array(count: int, code: str = "I") -> struct.Struct:
    """A little-endian array of ``count`` unsigned integers (compiled once per length)."""
    return struct.Struct(f"<{count}{code}")


class SketchColumns(NamedTuple):
    """Sketch columns of many texts (little-endian bytes), from which each text's sketch is cut.

    A sketch is what the index keeps of a story to verify later candidates (read back by
    ``verify.ParsedSketch``): a header, then column by column its sentence hashes, skeletons and
    weights (9 bytes a sentence), the shapes of its first sentences, its headline row with shape,
    and its title's word hashes.
    """

    sentences: bytes  # 4 bytes a sentence
    skeletons: bytes  # 4 bytes a sentence
    weights: bytes  # 1 byte a sentence
    title_words: bytes  # 4 bytes a word

    def pack(
        self,
        first: int,
        end: int,
        shapes: Sequence[int],
        headline: tuple[int, int, int, int] | None,
        word_first: int,
        word_end: int,
    ) -> bytes:
        """The sketch of sentences [first, end) and title words [word_first, word_end)."""
        return b"".join(
            (
                SKETCH_HEADER.pack(end - first, word_end - word_first, headline is not None, len(shapes)),
                self.sentences[4 * first : 4 * end],
                self.skeletons[4 * first : 4 * end],
                self.weights[first:end],
                unsigned_array(len(shapes), "Q").pack(*shapes),
                SKETCH_HEADLINE.pack(*headline) if headline is not None else b"",
                self.title_words[4 * word_first : 4 * word_end],
            )
        )


_SHAPE_SALTS = np.array(
    [
        0x243F6A8885A308D3,
        0x13198A2E03707344,
        0xA4093822299F31D0,
        0x082EFA98EC4E6C89,
        0x452821E638D01377,
        0xBE5466CF34E90C6C,
        0xC0AC29B7C97C50DD,
        0x3F84D5B5B5470917,
    ],
    dtype=_U64,
)


def _word_values(words: str) -> np.ndarray:
    joined, _, starts, ends = _tokenize([words])
    return _token_values(joined.lower(), starts, ends)


# Stop-word test by table look-up on the top 16 bits of a token's value: a rare false hit only
# leaves a word out of a shape.
_STOP_TABLE = np.zeros(1 << 16, dtype=bool)
_STOP_TABLE[_word_values(STOP_WORDS) >> _U64(48)] = True


def _sentence_shapes(
    token_hashes: np.ndarray,
    token_lengths: np.ndarray,
    blanked: np.ndarray,
    lengths: np.ndarray,
    document_of_sentence: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray:
    """8-byte b-bit MinHash of the plain words of each document's first sentences (0 elsewhere).

    Plain words: not numbers or capitalised (those are the facts), not stop words, three letters or more.
    """
    shapes = np.zeros(len(lengths), dtype=_U64)
    rank = np.arange(len(lengths)) - bounds[document_of_sentence]
    sentence_of_token = np.repeat(np.arange(len(lengths)), lengths)
    lead = np.flatnonzero((rank < SHAPED_SENTENCES)[sentence_of_token])
    values = token_hashes[lead]
    plain = ~blanked[lead] & (token_lengths[lead] >= SHAPE_MIN_LETTERS) & ~_STOP_TABLE[values >> _U64(48)]
    selected = lead[plain]
    if not len(selected):
        return shapes
    owners = sentence_of_token[selected]
    starts = np.flatnonzero(np.diff(owners, prepend=-1))
    hashed = _fmix64(token_hashes[selected][:, None] ^ _SHAPE_SALTS[None, :]) >> _U64(56)
    minima = np.minimum.reduceat(hashed, starts, axis=0).astype(np.uint8)
    shapes[owners[starts]] = np.ascontiguousarray(minima).view("<u8")[:, 0]
    return shapes


def _document_hashes(sentence_hashes: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """63-bit hash of each document's sentence sequence (0 for an empty document)."""
    hashes = _fmix64(_segment_hashes(sentence_hashes, bounds[:-1], bounds[1:]))
    hashes &= _U64((1 << 63) - 1)
    hashes[bounds[:-1] == bounds[1:]] = 0
    return hashes


def _simhashes(sentence_hashes: np.ndarray, lengths: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Charikar simhash per document, sentences as features weighted by their token count."""
    result = np.zeros(len(bounds) - 1, dtype=_U64)
    nonempty = np.flatnonzero(bounds[1:] > bounds[:-1])
    if not len(nonempty):
        return result
    bits = np.unpackbits(sentence_hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    weighted = bits * lengths.astype(np.int32)[:, None]
    votes = np.add.reduceat(weighted, bounds[nonempty], axis=0)
    totals = np.add.reduceat(lengths, bounds[nonempty])
    majority = (2 * votes > totals[:, None]).astype(np.uint8)
    result[nonempty] = np.packbits(majority, axis=1, bitorder="little").view(_U64)[:, 0]
    return result


def _batch_anchors(
    hashes: np.ndarray, lengths: np.ndarray, bounds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index keys of each story: its first substantial sentences plus its smallest sentence hashes.

    Returns the keys grouped by document and the bounds of each document's group.
    """
    documents = len(bounds) - 1
    document_of_sentence = np.repeat(np.arange(documents), np.diff(bounds))
    eligible = np.flatnonzero(lengths >= ANCHOR_MIN_TOKENS)
    owners, values = document_of_sentence[eligible], hashes[eligible]
    lead = _rank_within(owners, documents) < LEAD_ANCHORS
    rest_owners, rest_values = owners[~lead], values[~lead]
    order = np.lexsort((rest_values, rest_owners))
    rest_owners, rest_values = rest_owners[order], rest_values[order]
    distinct = np.ones(len(rest_owners), dtype=bool)
    distinct[1:] = (rest_owners[1:] != rest_owners[:-1]) | (rest_values[1:] != rest_values[:-1])
    rest_owners, rest_values = rest_owners[distinct], rest_values[distinct]
    spread = _rank_within(rest_owners, documents) < SPREAD_ANCHORS
    all_owners = np.concatenate([owners[lead], rest_owners[spread]])
    all_values = np.concatenate([values[lead], rest_values[spread]])
    grouped = np.argsort(all_owners, kind="stable")
    group_bounds = np.searchsorted(all_owners[grouped], np.arange(documents + 1))
    return all_values[grouped], group_bounds


def _rank_within(owners: np.ndarray, documents: int) -> np.ndarray:
    """Position of each entry among the entries of its document (owners sorted)."""
    firsts = np.searchsorted(owners, np.arange(documents))
    return np.arange(len(owners)) - firsts[owners]
