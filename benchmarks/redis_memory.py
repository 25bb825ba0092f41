"""Redis memory per million URLs of a scaled-out crawl, measured on a private redis-server.

    python benchmarks/redis_memory.py --urls 200000 --articles 20000

Starts redis-server on a free loopback port (no persistence) and measures ``used_memory`` before
and after filling each structure, scaled to one million:

- seen store: one record per article URL (keys shaped like ``url_identity``: host and path);
- request dupefilter: one fingerprint per non-article request (sitemaps, feeds, section pages);
- run claims: the URL keys discovered (and fetched) in one run;
- dedup index: the real engine deciding a synthetic syndication corpus (tests/dedup_corpus.py),
  per article (originals and copies; copies add only their URL keys).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newscrawl.dedup.engine import DedupEngine, Document  # noqa: E402
from newscrawl.scaleout import RunClaims  # noqa: E402
from newscrawl.store.redis import RedisDedupStore, RedisSeenStore  # noqa: E402
from newscrawl.store.seen import SeenRecord  # noqa: E402
from tests.dedup_corpus import generate  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

OUTLETS = [
    f"{town}-{kind}"
    for town in ("valley", "river", "lakeside", "harbor", "cedar")
    for kind in ("times", "gazette", "ledger", "post")
]
BATCH = 1000


def article_keys(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    words = ["council", "budget", "school", "board", "water", "district", "county", "vote", "police", "road"]
    keys = []
    for number in range(count):
        slug = "-".join(rng.choice(words) for _ in range(rng.randint(4, 8)))
        keys.append(f"www.{rng.choice(OUTLETS)}.example/2026/11/{rng.randint(1, 30):02d}/{slug}-{number}")
    return keys


def per_million(client: redis.Redis, fill: Callable[[], int]) -> float:
    """Bytes per million entries that ``fill`` adds (it returns how many it added)."""
    before = int(client.info("memory")["used_memory"])
    added = fill()
    after = int(client.info("memory")["used_memory"])
    return (after - before) / added * 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--urls", type=int, default=200_000, help="URLs for the seen store, dupefilter, claims"
    )
    parser.add_argument("--articles", type=int, default=20_000, help="articles for the dedup index")
    options = parser.parse_args()
    keys = article_keys(options.urls)
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServer(Path(folder))
        try:
            client = server.client()
            figures: dict[str, float] = {}

            def fill_seen() -> int:
                store = RedisSeenStore(server.client())
                for start in range(0, len(keys), BATCH):
                    store.mark(
                        SeenRecord(
                            key, "https://" + key, key.split(".")[1], "2026-11-29T09:00:00+00:00", f"{n:016x}"
                        )
                        for n, key in enumerate(keys[start : start + BATCH], start)
                    )
                store.close()
                return len(keys)

            def fill_dupefilter() -> int:
                for start in range(0, len(keys), BATCH):
                    fingerprints = [
                        hashlib.sha1(key.encode()).hexdigest() for key in keys[start : start + BATCH]
                    ]
                    client.sadd("newscrawl:outlets:dupefilter", *fingerprints)
                return len(keys)

            def fill_claims() -> int:
                claims = RunClaims(server.client(), "outlets")
                claims.start_run()
                for start in range(0, len(keys), BATCH):
                    chunk = keys[start : start + BATCH]
                    claims.discovered(chunk)
                    for key in chunk[: BATCH // 10]:  # a redirect now and then
                        claims.first_fetch(key)
                claims.close()
                return len(keys)

            records = generate(seed=7, stories=max(1, options.articles // 10), outlets=10)[: options.articles]

            def fill_dedup() -> int:
                engine = DedupEngine(RedisDedupStore(server.client()))
                documents = [Document(r["url"], r["canonical_url"], r["title"], r["body"]) for r in records]
                for start in range(0, len(documents), 200):
                    engine.decide(documents[start : start + 200])
                engine.close()
                return len(documents)

            figures["seen store (per URL)"] = per_million(client, fill_seen)
            figures["request dupefilter (per request)"] = per_million(client, fill_dupefilter)
            figures["run claims (per article URL)"] = per_million(client, fill_claims)
            figures[f"dedup index (per article, {len(records)} decided)"] = per_million(client, fill_dedup)
            print(f"redis-server {client.info('server')['redis_version']}, {options.urls} URLs")
            for name, value in figures.items():
                print(f"{name:55s} {value / 2**20:8.1f} MiB per million")
            client.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
