"""URL identity: the cheapest dedup layer.

Two URLs name the same article when they differ only by scheme, a ``www.``/``m.``/``amp.`` host
prefix, a trailing slash, tracking parameters, parameter order, a fragment or an AMP variant of the
path. ``url_key`` (in ``newscrawl.text.urls``, shared with the spiders) maps all of them to one string;
``story_key`` hashes such strings for the store.
"""

from __future__ import annotations

import hashlib

from newscrawl.text.urls import url_key

__all__ = ["is_article_key", "story_key", "url_key"]


def is_article_key(key: str) -> bool:
    """False for a bare host: a canonical link to a home page names no article."""
    return "/" in key or "?" in key


def story_key(namespace: str, value: str) -> int:
    """A 63-bit key (fits SQLite's signed INTEGER) for one identity of a story."""
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
