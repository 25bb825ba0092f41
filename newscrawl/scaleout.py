"""Scaling out on Redis: several crawler processes on several machines share one crawl.

``NEWSCRAWL_REDIS_URL=redis://host:port/db`` switches it on. Then:

- the scheduler and request dupefilter are scrapy-redis's, with a persistent queue, so workers can
  join and leave at any time; ``scrapy seed`` puts the outlets' discovery requests into that queue
  once per scheduled run and workers only take requests from it;
- the seen store and the dedup index live in the same Redis (``newscrawl.store.redis``);
- "this article URL was discovered in this run" is a claim in Redis (``RunClaims``), so each
  article is requested by one worker only, whichever worker's listing found it first;
- a worker whose queue stays empty for ``NEWSCRAWL_REDIS_IDLE_STOP`` seconds stops (0: it waits
  for ever), so cron still sees each worker end with an exit code;
- ``NEWSCRAWL_WORKER_ID`` (default ``<host>-<pid>``) names the worker; ``{worker}`` in
  ``NEWSCRAWL_DEFAULT_FEED`` puts it in the output file name.

What stays per worker: its output file, run summary, log, run lock, HTTP cache and the side feed
of copies, all under its own ``NEWSCRAWL_STATE_DIR``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import UTC, datetime
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

from newscrawl.dedup.copies import CopiesFeed
from newscrawl.dedup.engine import DedupEngine
from newscrawl.pipelines.dedup import COPIES_FEED_NAME, DedupPipeline, dedup_mode, state_dir
from newscrawl.store.redis import DEFAULT_PREFIX, RedisDedupStore, connect

logger = logging.getLogger(__name__)

QUEUE_KEY = DEFAULT_PREFIX + "%(spider)s:requests"
DUPEFILTER_KEY = DEFAULT_PREFIX + "%(spider)s:dupefilter"
RUN_KEY = DEFAULT_PREFIX + "{spider}:run"
# Claims of a run are kept this long after it was seeded, then Redis drops them.
CLAIMS_TTL_SECONDS = 7 * 24 * 3600
DEFAULT_IDLE_STOP_SECONDS = 30.0
LOCAL_DEDUP = "newscrawl.pipelines.dedup.DedupPipeline"
SPIDER_PRIORITY = 30  # Scrapy's "spider" settings priority: above the project, below the command line

# KEYS: the spider's current-run key; ARGV: claim set suffix, ttl, then the URL keys to claim.
# Returns 1 for each key this call claimed first, 0 for a key claimed before in the same run.
_CLAIM = """
local run = redis.call('GET', KEYS[1]) or 'unseeded'
local claims = KEYS[1] .. ':' .. run .. ':' .. ARGV[1]
local fresh = {}
for at = 3, #ARGV do
  fresh[#fresh + 1] = redis.call('SADD', claims, ARGV[at])
end
redis.call('EXPIRE', claims, ARGV[2])
return fresh
"""


def redis_url(settings: BaseSettings) -> str | None:
    """The shared Redis when the crawl is scaled out, else None."""
    return settings.get("NEWSCRAWL_REDIS_URL") or None


def worker_id(settings: BaseSettings) -> str:
    return settings.get("NEWSCRAWL_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}"


def _set_components(settings: BaseSettings, name: str, components: dict[str, Any]) -> None:
    """Replace a component dict (EXTENSIONS, ITEM_PIPELINES) keeping the priority it came with."""
    settings.set(name, components, priority=max(settings.getpriority(name) or 0, SPIDER_PRIORITY))


def configure(settings: BaseSettings) -> None:
    """Switch a crawler to the shared Redis crawl when NEWSCRAWL_REDIS_URL is set (from update_settings)."""
    url = redis_url(settings)
    if not url:
        return
    for name, value in {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        "REDIS_URL": url,
    }.items():
        settings.set(name, value, priority="spider")
    extensions = settings.getdict("EXTENSIONS")
    extensions["newscrawl.scaleout.ScaleOut"] = 500
    _set_components(settings, "EXTENSIONS", extensions)
    pipelines = settings.getdict("ITEM_PIPELINES")
    if LOCAL_DEDUP in pipelines:
        pipelines["newscrawl.scaleout.SharedDedupPipeline"] = pipelines.pop(LOCAL_DEDUP)
        _set_components(settings, "ITEM_PIPELINES", pipelines)


class RunClaims:
    """Per-run sets in Redis: which article URLs some worker already requested, or fetched."""

    def __init__(self, client: redis.Redis, spider: str) -> None:
        self._client = client
        self._run_key = RUN_KEY.format(spider=spider)
        self._claim = client.register_script(_CLAIM)

    def _claim_new(self, kind: str, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        fresh = self._claim(keys=[self._run_key], args=[kind, CLAIMS_TTL_SECONDS, *keys])
        return {key for key, new in zip(keys, fresh, strict=True) if new}

    def discovered(self, keys: list[str]) -> set[str]:
        """The keys no worker has requested in this run yet; they are now this worker's."""
        return self._claim_new("articles", keys)

    def first_fetch(self, key: str) -> bool:
        """Whether this page (a final URL after redirects) is fetched for the first time this run."""
        return bool(self._claim_new("fetched", [key]))

    def start_run(self) -> str:
        run = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
        self._client.set(self._run_key, run)
        return run

    def close(self) -> None:
        self._client.close()


class ScaleOut:
    """A worker's part in the shared crawl: the run claims, idle-wait and stop when drained."""

    def __init__(self, crawler: Crawler, claims: RunClaims, idle_stop: float) -> None:
        self.crawler = crawler
        self.claims = claims
        self.idle_stop = idle_stop
        self.worker = worker_id(crawler.settings)
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScaleOut:
        url = redis_url(crawler.settings)
        if not url or crawler.spidercls is None:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        idle_stop = crawler.settings.getfloat("NEWSCRAWL_REDIS_IDLE_STOP", DEFAULT_IDLE_STOP_SECONDS)
        extension = cls(crawler, RunClaims(connect(url), crawler.spidercls.name), idle_stop)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.request_scheduled)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        logger.info("worker %s joins the shared crawl at %s", self.worker, redis_url(self.crawler.settings))
        self.crawler.stats.set_value("newscrawl/worker", self.worker)

    def busy(self, **_: Any) -> None:
        self.idle_since = None

    def spider_idle(self, spider: Spider) -> None:
        """Keep a worker whose queue ran dry waiting for others' requests, up to the idle stop."""
        if not self.idle_stop:
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_stop:
            raise DontCloseSpider
        logger.info(
            "worker %s: the shared queue stayed empty for %.0f s; stopping", self.worker, self.idle_stop
        )

    def spider_closed(self, spider: Spider) -> None:
        self.claims.close()


class SharedDedupPipeline(DedupPipeline):
    """The dedup pipeline deciding against the shared Redis index instead of the local SQLite one."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedDedupPipeline:
        settings = crawler.settings
        url = redis_url(settings)
        if not url:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        mode = dedup_mode(settings.get("DEDUP_MODE", "drop"), "settings")
        copies = CopiesFeed(settings.get("DEDUP_COPIES_FEED") or state_dir(settings) / COPIES_FEED_NAME)
        return cls(crawler, DedupEngine(RedisDedupStore.from_url(url)), mode, copies)


def claims_for(spider: Spider) -> RunClaims | None:
    """The run claims of a scaled-out crawl (None on one machine)."""
    extension = spider.crawler.get_extension(ScaleOut)
    return extension.claims if extension else None
