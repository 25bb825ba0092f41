"""Redis backend: the dedup index and the seen store shared by every worker of a scaled-out crawl.

Dedup decisions need the engine's verifier, which runs in Python, so a batch is decided
optimistically: read what the claims could hit, decide in Python, then commit with a Lua script
that applies the writes only if the index's version counter is still the one read first (and
bumps it). A commit by another worker in between makes the script refuse, and the batch is
decided again on fresh data. Two workers resolving copies of one story at the same moment thus
found it once: the loser's retry finds the winner's story. A killed worker leaves no lock behind
and no half-written batch (a script runs atomically).

Keys (``prefix`` defaults to ``newscrawl:``): ``dedup:version``, ``dedup:stories`` (story number
-> story id, first URL, sketch), ``dedup:keys`` (identity -> story number), ``dedup:anchors``
(anchor -> packed story numbers); ``seen`` (URL key digest -> version, outlet, story id, time
marked), ``seen:counts`` (outlet -> URLs).
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

import redis

from newscrawl.store.base import Claim, Resolution, Verifier
from newscrawl.store.resolver import ClaimResolver, pack_posting, unpack_posting
from newscrawl.store.seen import SeenRecord

DEFAULT_PREFIX = "newscrawl:"
_CHUNK = 1000  # fields per HMGET / script call
_FIELD = "\t"  # separates the parts of a stored value; outlet names, ids and versions never hold a tab

# ARGV: expected version, #stories, #keys, #anchors, then (field, value) pairs in that order.
_COMMIT_BATCH = """
local current = redis.call('GET', KEYS[1]) or '0'
if current ~= ARGV[1] then return 0 end
redis.call('INCR', KEYS[1])
local at = 5
local hashes = {KEYS[2], KEYS[3], KEYS[4]}
for part = 1, 3 do
  for _ = 1, tonumber(ARGV[part + 1]) do
    if part == 2 then
      redis.call('HSETNX', hashes[part], ARGV[at], ARGV[at + 1])
    else
      redis.call('HSET', hashes[part], ARGV[at], ARGV[at + 1])
    end
    at = at + 2
  end
end
return 1
"""

# KEYS: seen hash, seen:counts; ARGV: now, then (key digest, version, outlet, story id) per record.
# A newer version replaces the stored one, an older one never does; a known story id is kept.
_MARK_SEEN = """
for at = 2, #ARGV, 4 do
  local key, version, outlet, story = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local old = redis.call('HGET', KEYS[1], key)
  local counted = true
  if old then
    local old_version, old_outlet, old_story = string.match(old, '^([^\t]*)\t([^\t]*)\t([^\t]*)\t')
    if old_version > version then version = old_version end
    if story == '' then story = old_story end
    if old_outlet == outlet then
      counted = false
    elseif redis.call('HINCRBY', KEYS[2], old_outlet, -1) <= 0 then
      redis.call('HDEL', KEYS[2], old_outlet)
    end
  end
  if counted then redis.call('HINCRBY', KEYS[2], outlet, 1) end
  redis.call('HSET', KEYS[1], key, version .. '\t' .. outlet .. '\t' .. story .. '\t' .. ARGV[1])
end
return 0
"""

# KEYS: seen hash, seen:counts; ARGV: the key digests to forget. Returns how many were there.
_FORGET_SEEN = """
local forgotten = 0
for at = 1, #ARGV do
  local old = redis.call('HGET', KEYS[1], ARGV[at])
  if old then
    local outlet = string.match(old, '^[^\t]*\t([^\t]*)\t')
    if redis.call('HINCRBY', KEYS[2], outlet, -1) <= 0 then redis.call('HDEL', KEYS[2], outlet) end
    redis.call('HDEL', KEYS[1], ARGV[at])
    forgotten = forgotten + 1
  end
end
return forgotten
"""


def connect(url: str) -> redis.Redis:
    """A client for ``redis://host:port/db``; fails at once, naming the URL, when nobody answers."""
    client = redis.Redis.from_url(url, socket_connect_timeout=10, health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        raise ConnectionError(f"cannot reach Redis at {url}: {exc}") from exc
    return client


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _hmget(client: redis.Redis, hash_key: str, fields: Sequence[Any]) -> list[bytes | None]:
    """HMGET as the bytes this client returns (it never decodes: sketches are binary)."""
    return cast(list[bytes | None], client.hmget(hash_key, list(fields)))


def key_digest(key: str) -> bytes:
    """A URL key in 12 bytes: Redis memory is the limit of a shared crawl, collisions are negligible."""
    return hashlib.blake2b(key.encode(), digest_size=12).digest()


def _identity(key: int) -> bytes:
    return key.to_bytes(8, "big", signed=True)


class RedisDedupStore:
    """The dedup index in Redis (implements ``DedupStore``); safe for any number of workers."""

    def __init__(
        self, client: redis.Redis, prefix: str = DEFAULT_PREFIX, *, repeats_are_copies: bool = True
    ) -> None:
        self._client = client
        self.version_key = f"{prefix}dedup:version"
        self.stories_key = f"{prefix}dedup:stories"
        self.keys_key = f"{prefix}dedup:keys"
        self.anchors_key = f"{prefix}dedup:anchors"
        self._commit = client.register_script(_COMMIT_BATCH)
        # Stories with a larger number were founded during this session (this run, any worker).
        self._session_start = int(client.hlen(self.stories_key)) if repeats_are_copies else sys.maxsize
        self.retries = 0

    @classmethod
    def from_url(
        cls, url: str, prefix: str = DEFAULT_PREFIX, *, repeats_are_copies: bool = True
    ) -> RedisDedupStore:
        return cls(connect(url), prefix, repeats_are_copies=repeats_are_copies)

    def resolve(self, claims: Sequence[Claim], verify: Verifier) -> list[Resolution]:
        while True:
            batch = _RedisBatch(self, verify)
            resolutions = batch.run(claims)
            if batch.commit():
                return resolutions
            self.retries += 1  # another worker committed first: decide again on its result

    def story_count(self) -> int:
        return int(self._client.hlen(self.stories_key))

    def close(self) -> None:
        self._client.close()


class _RedisBatch(ClaimResolver):
    """Decides a batch of claims in order against one version of the index, then commits it."""

    def __init__(self, store: RedisDedupStore, verify: Verifier) -> None:
        super().__init__(verify, store._session_start)
        self._store = store
        self._client = store._client
        self._version = 0

    def run(self, claims: Sequence[Claim]) -> list[Resolution]:
        store = self._store
        keys = sorted({key for claim in claims for key in claim.keys})
        pipe = self._client.pipeline(transaction=False)
        pipe.get(store.version_key)
        pipe.hlen(store.stories_key)
        for chunk in _chunks(keys):
            pipe.hmget(store.keys_key, [_identity(key) for key in chunk])
        version, count, *found = pipe.execute()
        self._version = int(version or 0)
        self._next_story = int(count) + 1
        stored = (value for values in found for value in values)
        self._known = {key: int(story) for key, story in zip(keys, stored, strict=True) if story is not None}
        anchors = sorted(
            {anchor for claim in claims if self._known_story(claim) is None for anchor in claim.anchors}
        )
        for anchor, packed in zip(
            anchors, self._read(store.anchors_key, map(_identity, anchors)), strict=True
        ):
            if packed is not None:
                self._postings[anchor] = unpack_posting(packed)
        self._load_stories(self.candidate_stories() | set(self._known.values()))
        return self.decide(claims)

    def commit(self) -> bool:
        """Apply the batch's writes if nobody committed since it was read; False means decide again."""
        if not (self._new_stories or self._new_keys or self._grown_postings):
            return True  # nothing to write: every decision pointed at stories that never change
        store = self._store
        arguments: list[Any] = [
            self._version,
            len(self._new_stories),
            len(self._new_keys),
            len(self._grown_postings),
        ]
        for story, (story_id, url, sketch) in self._new_stories.items():
            arguments += [story, f"{story_id}{_FIELD}{url}{_FIELD}".encode() + sketch]
        for key, story in self._new_keys.items():
            arguments += [_identity(key), story]
        for anchor in sorted(self._grown_postings):
            posting = self._postings[anchor]
            arguments += [_identity(anchor), pack_posting(posting)]
        keys = [store.version_key, store.stories_key, store.keys_key, store.anchors_key]
        return bool(store._commit(keys=keys, args=arguments))

    def _read(self, hash_key: str, fields: Iterable[bytes]) -> list[bytes | None]:
        ordered = list(fields)
        values: list[bytes | None] = []
        for chunk in _chunks(ordered):
            values.extend(_hmget(self._client, hash_key, chunk))
        return values

    def _load_stories(self, stories: Iterable[int]) -> None:
        missing = sorted(story for story in set(stories) if story not in self._stories)
        values = self._read(self._store.stories_key, (str(story).encode() for story in missing))
        for story, value in zip(missing, values, strict=True):
            if value is None:
                raise RuntimeError(f"{self._store.stories_key}: story {story} is referenced but missing")
            story_id, url, sketch = value.split(_FIELD.encode(), 2)
            self._stories[story] = (story_id.decode(), url.decode(), sketch)


class RedisSeenStore:
    """Seen URLs in Redis (implements ``SeenStore``), shared by every worker.

    Memory is what limits a Redis, so a URL key is stored as a 12-byte digest (collisions are
    negligible below 2**40 URLs) in one hash, with its version, outlet, story id and the time it
    was marked in the value; only per-outlet counts are kept beside it. Forgetting scans the hash:
    it is an occasional maintenance command, the crawl never waits for it.
    """

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self.seen_key = f"{prefix}seen"
        self.counts_key = f"{prefix}seen:counts"
        self._mark = client.register_script(_MARK_SEEN)
        self._forget = client.register_script(_FORGET_SEEN)

    @classmethod
    def from_url(cls, url: str, prefix: str = DEFAULT_PREFIX) -> RedisSeenStore:
        return cls(connect(url), prefix)

    def versions(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(keys):
            values = _hmget(self._client, self.seen_key, [key_digest(key) for key in chunk])
            for key, value in zip(chunk, values, strict=True):
                if value is not None:
                    found[key] = value.split(_FIELD.encode(), 1)[0].decode()
        return found

    def mark(self, records: Iterable[SeenRecord]) -> None:
        rows = [(key_digest(r.key), r.version, r.outlet, r.story_id or "") for r in records]
        now = int(time.time())
        for chunk in _chunks(rows):
            arguments = [now, *(value for row in chunk for value in row)]
            self._mark(keys=[self.seen_key, self.counts_key], args=arguments)

    def counts_by_outlet(self) -> dict[str, int]:
        counts = cast(dict[bytes, bytes], self._client.hgetall(self.counts_key))
        return {outlet.decode(): int(count) for outlet, count in sorted(counts.items()) if int(count) > 0}

    def forget_outlet(self, outlet: str) -> int:
        return self._forget_where(lambda _seen_at, stored_outlet: stored_outlet == outlet)

    def forget_older_than(self, days: float) -> int:
        cutoff = math.floor(time.time() - days * 86400)  # whole seconds, as SQLite compares them
        return self._forget_where(lambda seen_at, _outlet: seen_at < cutoff)

    def _forget_where(self, forget: Callable[[int, str], bool]) -> int:
        doomed = []
        for digest, value in self._client.hscan_iter(self.seen_key, count=_CHUNK):
            _version, outlet, _story, seen_at = cast(bytes, value).decode().split(_FIELD)
            if forget(int(seen_at), outlet):
                doomed.append(digest)
        forgotten = 0
        for chunk in _chunks(doomed):
            forgotten += int(self._forget(keys=[self.seen_key, self.counts_key], args=list(chunk)))
        return forgotten

    def close(self) -> None:
        self._client.close()
