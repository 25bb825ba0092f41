"""The contract every state backend implements (SQLite now, Redis when crawls scale out).

The store knows keys, blobs and URLs, never what an article means: the dedup engine hands it
*claims* and a verification function, and the store makes each claim's decision atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

# Verification of a candidate: (claim sketch, stored sketch) -> similarity, 0.0 for "not the same story".
Verifier = Callable[[bytes, bytes], float]


class Claim(NamedTuple):
    """One item asking to be recorded as a story, unless the store already holds its story.

    A named tuple: claims cross process boundaries in bulk and pickle fastest this way.
    """

    url: str  # what later copies report as ``duplicate_of``
    story_id: str  # the id the story gets if this claim founds it
    keys: tuple[int, ...]  # exact identities (URL keys, text hash): any hit is the same story
    anchors: tuple[int, ...]  # candidate keys: a hit must pass the verifier
    sketch: bytes  # what the verifier compares; empty when the text is too thin to compare


class Resolution(NamedTuple):
    """The store's answer for one claim."""

    story_id: str
    duplicate_of: str | None  # URL of the story's first copy; None when this claim founded it
    similarity: float  # 1.0 for an exact identity, the verifier's score for a near copy


class DedupStore(Protocol):
    """Dedup state shared by every run and, with a networked backend, every worker.

    ``resolve`` is the one operation: for each claim in order it either finds the story the claim
    belongs to (first by ``keys``, then by ``anchors`` confirmed with ``verify``) or inserts the
    claim as a new story. Each claim's look-up-and-insert must be atomic with respect to other
    writers, so two workers never both found the same story; the first claim seen wins.
    """

    def resolve(self, claims: Sequence[Claim], verify: Verifier) -> list[Resolution]: ...

    def story_count(self) -> int: ...

    def close(self) -> None: ...
