"""The dedup engine: documents in, one decision per document out, state in a ``DedupStore``.

Layers, cheapest first: URL identity (the item's URL and its canonical URL), the exact hash of
the normalized story text, then near copies found through sentence anchors in the index and
confirmed by ``verify.serialized_similarity``. Preparing documents is pure (and runs in worker processes
for the offline command); only ``commit`` touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from newscrawl.dedup.fingerprint import fingerprint_batch
from newscrawl.dedup.story_text import story_text
from newscrawl.dedup.urlkey import is_article_key, story_key, url_key
from newscrawl.dedup.verify import MIN_STORY_TOKENS, TITLE_GUARD_TOKENS, serialized_similarity
from newscrawl.store.base import Claim, DedupStore


class Document(NamedTuple):
    """The fields dedup reads from an article record (a named tuple: one is built per record)."""

    url: str | None
    canonical_url: str | None = None
    title: str | None = None
    body: str | None = None
    # True for records that already went through newscrawl's junk stage (its own exports): the rules
    # are idempotent, so running them again would change nothing and cost most of the time.
    cleaned: bool = False


class Prepared(NamedTuple):
    """A document reduced to what the store needs (no text kept); pickles cheaply to the main process."""

    claim: Claim
    simhash: str


class Decision(NamedTuple):
    """What dedup says about one document."""

    story_id: str
    duplicate_of: str | None
    simhash: str
    similarity: float

    @property
    def is_copy(self) -> bool:
        return self.duplicate_of is not None


def prepare(documents: Sequence[Document], strip_junk: bool = True) -> list[Prepared]:
    """Fingerprint and key ``documents`` (pure: no store, no Scrapy).

    ``strip_junk=False`` trusts that bodies were cleaned by the junk pipeline already.
    """
    titles = [doc.title or "" for doc in documents]
    texts = [story_text(doc.title, doc.body, strip_junk and not doc.cleaned) for doc in documents]
    fingerprints = fingerprint_batch(texts, titles)
    prepared = []
    for document, fingerprint in zip(documents, fingerprints, strict=True):
        keys = _url_keys(document)
        comparable = fingerprint.token_count >= MIN_STORY_TOKENS
        if fingerprint.token_count >= TITLE_GUARD_TOKENS:
            keys.append(fingerprint.exact)
        sketch = fingerprint.sketch if comparable else b""
        founding_key = keys[0] if keys else fingerprint.exact or story_key("title", document.title or "")
        claim = Claim(
            url=document.url or document.canonical_url or "",
            story_id=f"{founding_key:016x}",
            keys=tuple(keys),
            anchors=fingerprint.anchors if comparable else (),
            sketch=sketch,
        )
        prepared.append(Prepared(claim, fingerprint.simhash_hex))
    return prepared


def _url_keys(document: Document) -> list[int]:
    keys = []
    for url in (document.url, document.canonical_url):
        key = url_key(url)
        if key and is_article_key(key):
            hashed = story_key("url", key)
            if hashed not in keys:
                keys.append(hashed)
    return keys


class DedupEngine:
    """Decides, in input order, which documents are copies of stories already seen."""

    def __init__(self, store: DedupStore) -> None:
        self.store = store

    def decide(self, documents: Sequence[Document], strip_junk: bool = True) -> list[Decision]:
        return self.commit(prepare(documents, strip_junk=strip_junk))

    def commit(self, prepared: Sequence[Prepared]) -> list[Decision]:
        resolutions = self.store.resolve([entry.claim for entry in prepared], serialized_similarity)
        return [
            Decision(resolution.story_id, resolution.duplicate_of, entry.simhash, resolution.similarity)
            for entry, resolution in zip(prepared, resolutions, strict=True)
        ]

    def close(self) -> None:
        self.store.close()
