"""The dedup decision rules every store backend applies to a batch of claims.

A backend reads what the batch could hit (keys, anchor postings, candidate
stories) into this in-memory view, calls ``decide``, then writes the new
stories, keys and grown postings it collected. The rules themselves — first
seen wins, keys before anchors, a capped posting list, "the first copy's URL
met again in a later run is still the first copy" — live here once.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Iterable, Sequence

from newscrawl.store.base import Claim, Resolution, Verifier

# An anchor shared by this many stories is boilerplate or a template sentence: it stops growing
# and no longer nominates candidates.
POSTINGS_PER_ANCHOR = 16
CANDIDATES_PER_CLAIM = 8

StoryRow = tuple[str, str, bytes]  # story_id, first URL, sketch


def pack_posting(stories: list[int]) -> bytes:
    """A posting list as both stores keep it: 4 bytes a story, little-endian."""
    packed = array.array("I", stories)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_posting(packed: bytes) -> list[int]:
    stories = array.array("I", packed)
    if sys.byteorder == "big":
        stories.byteswap()
    return stories.tolist()


assert array.array("I").itemsize == 4, "posting lists need a 4-byte unsigned array type"


class ClaimResolver:
    """Decides claims in order; new stories join the view so later claims of the batch see them."""

    def __init__(self, verify: Verifier, session_start: int) -> None:
        self._verify = verify
        # A story numbered up to this was founded before this session (or, with the store's
        # repeats_are_copies off, counts as such: its first URL met again is never a copy).
        self._session_start = session_start
        self._known: dict[int, int] = {}
        self._postings: dict[int, list[int]] = {}
        self._stories: dict[int, StoryRow] = {}
        self._new_stories: dict[int, StoryRow] = {}
        self._new_keys: dict[int, int] = {}
        self._grown_postings: set[int] = set()
        self._next_story = 0

    def _load_stories(self, stories: Iterable[int]) -> None:
        """Read the rows of ``stories`` not in the view yet (backend-specific)."""
        raise NotImplementedError

    def candidate_stories(self) -> set[int]:
        """Stories the read postings can nominate: what a backend loads before ``decide``."""
        return {
            story
            for posting in self._postings.values()
            if len(posting) < POSTINGS_PER_ANCHOR
            for story in posting
        }

    def decide(self, claims: Sequence[Claim]) -> list[Resolution]:
        return [self._resolve(claim) for claim in claims]

    def _known_story(self, claim: Claim) -> int | None:
        for key in claim.keys:
            story = self._known.get(key)
            if story is not None:
                return story
        return None

    def _resolve(self, claim: Claim) -> Resolution:
        story = self._known_story(claim)
        similarity = 1.0
        if story is None and claim.sketch:
            story, similarity = self._best_candidate(claim)
        if story is None:
            return self._found(claim)
        story_id, first_url, _ = self._story(story)
        self._remember_keys(claim.keys, story)
        if first_url == claim.url and story <= self._session_start:
            # The first copy of a story from an earlier run, met again (a re-run over the same
            # export, an updated article revisited): still the first copy. Within one session,
            # the same URL twice is a duplicate, unless repeats are not copies (a crawl, where
            # a URL comes twice only when a killed worker's request was fetched again).
            return Resolution(story_id, None, similarity)
        return Resolution(story_id, first_url, similarity)

    def _best_candidate(self, claim: Claim) -> tuple[int | None, float]:
        """The first candidate, by shared anchors then age, that passes verification."""
        votes: dict[int, int] = {}
        for anchor in claim.anchors:
            posting = self._postings.get(anchor)
            if posting and len(posting) < POSTINGS_PER_ANCHOR:
                for story in posting:
                    votes[story] = votes.get(story, 0) + 1
        if not votes:
            return None, 0.0
        ranked = sorted(votes, key=lambda story: (-votes[story], story))[:CANDIDATES_PER_CLAIM]
        self._load_stories(ranked)
        for story in ranked:
            score = self._verify(claim.sketch, self._stories[story][2])
            if score > 0.0:
                return story, score
        return None, 0.0

    def _found(self, claim: Claim) -> Resolution:
        story = self._next_story
        self._next_story += 1
        self._new_stories[story] = self._stories[story] = (claim.story_id, claim.url, claim.sketch)
        self._remember_keys(claim.keys, story)
        if claim.sketch:
            for anchor in dict.fromkeys(claim.anchors):
                posting = self._postings.setdefault(anchor, [])
                if len(posting) < POSTINGS_PER_ANCHOR:
                    posting.append(story)
                    self._grown_postings.add(anchor)
        return Resolution(claim.story_id, None, 1.0)

    def _remember_keys(self, keys: tuple[int, ...], story: int) -> None:
        for key in keys:
            if key not in self._known:
                self._known[key] = story
                self._new_keys[key] = story

    def _story(self, story: int) -> StoryRow:
        if story not in self._stories:
            self._load_stories([story])
        return self._stories[story]
