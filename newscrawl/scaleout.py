"""Scaling out on Redis: several crawler processes on several machines share one crawl.

``NEWSCRAWL_REDIS_URL=redis://host:port/db`` switches it on. Then:

- the scheduler and request dupefilter are scrapy-redis's, with a persistent queue, so workers can
  join and leave at any time; ``scrapy seed`` puts the outlets' discovery requests into that queue
  once per scheduled run and workers only take requests from it, each no more than it can start
  soon (``SharedScheduler``), so the work spreads over all of them;
- the seen store and the dedup index live in the same Redis (``newscrawl.store.redis``);
- "this article URL was discovered in this run" is a claim in Redis (``RunClaims``), so each
  article is requested by one worker only, whichever worker's listing found it first;
- a request a worker takes from the queue stays in Redis under that worker process's incarnation
  (``<worker>#<random>``: a worker restarted under its name is another one) until the items it
  produced are flushed to the worker's feed; when a worker is killed (its heartbeat stops, or a
  worker on its machine finds its feed file abandoned), the requests it had not finished go back
  to the queue for the others, and the recovered feed of the killed worker keeps only the items
  of requests it finished, so nothing is lost or exported twice;
- workers report in Redis whether they are busy; a worker stops once the crawl has drained (no
  request queued, no other worker busy) for ``NEWSCRAWL_REDIS_IDLE_STOP`` seconds (negative: it
  waits for ever), so cron still sees each worker end with an exit code;
- ``NEWSCRAWL_WORKER_ID`` (default ``<host>-<pid>``) names the worker; ``{worker}`` in
  ``NEWSCRAWL_DEFAULT_FEED`` puts it in the output file name.

What stays per worker: its output file, run summary, log, run lock, HTTP cache and the side feed
of copies, all under its own ``NEWSCRAWL_STATE_DIR``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, cast

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl import feeds
from newscrawl.monitor import MAYBE_DOUBLED_STAT
from newscrawl.store.redis import DEFAULT_PREFIX, connect, key_digest
from newscrawl.text.urls import page_key

logger = logging.getLogger(__name__)

QUEUE_KEY = DEFAULT_PREFIX + "%(spider)s:requests"
DUPEFILTER_KEY = DEFAULT_PREFIX + "%(spider)s:dupefilter"
RUN_KEY = DEFAULT_PREFIX + "{spider}:run"
# Seeding the next run drops the claims of the previous one; these are only a safety net.
CLAIMS_TTL_SECONDS = 2 * 24 * 3600
CLAIM_KINDS = ("articles", "fetched")  # discovered (requested) article URLs; pages fetched after redirects
DEFAULT_IDLE_STOP_SECONDS = 2.0
DEFAULT_PREFETCH = 4
ROSTER_KEY = DEFAULT_PREFIX + "{spider}:workers"
# Per worker: the requests it took and has not finished (queue members and scores), the URL keys
# of those requests, and the URL keys of the requests handed back to the queue when it was killed.
IN_FLIGHT_KEY = DEFAULT_PREFIX + "{spider}:in-flight:{incarnation}"
IN_FLIGHT_URLS_KEY = DEFAULT_PREFIX + "{spider}:in-flight-urls:{incarnation}"
HANDED_BACK_KEY = DEFAULT_PREFIX + "{spider}:handed-back:{incarnation}"
HEARTBEAT_SECONDS = 1.0
ROSTER_TTL_SECONDS = 10  # a worker silent this long is dead (it beats every second)
# The heartbeat runs in a thread, so a reactor busy parsing a huge page does not make the worker
# look dead; a reactor that has not ticked for this long is hung, and the heartbeat stops.
REACTOR_STALL_SECONDS = 120.0
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


# KEYS: the queue, the worker's in-flight set. Takes the first request, keeping it in flight.
_TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('ZADD', KEYS[2], first[2], first[1])
return first[1]
"""

# Roster entries are "<state> <deadline> <incarnation>": a worker name is taken again by a worker
# restarted under it, so what was handed back is kept per incarnation (the process), not per name.
# Deadlines are in the Redis server's clock, so the workers' clocks need not agree.

# KEYS: roster; ARGV: worker, incarnation, state, ttl, renew. Writes the worker's entry; with renew
# = '1' only while it is this incarnation's (not struck off as dead, nor taken by a successor).
# Returns the incarnation whose entry it was before ('' for none).
_REPORT = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
local holder = entry and string.match(entry, '(%S+)$') or ''
if ARGV[5] == '1' and holder ~= ARGV[2] then return holder end
local now = tonumber(redis.call('TIME')[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. ' ' .. (now + tonumber(ARGV[4])) .. ' ' .. ARGV[2])
return holder
"""

# KEYS: roster, queue, in-flight, in-flight URLs, handed-back URLs (the last three the incarnation's);
# ARGV: worker, incarnation, force, ttl. Unless forced, only an incarnation that holds the roster
# entry and whose deadline has passed is reaped. Puts its requests in flight back in the queue,
# notes their URL keys as handed back and strikes its entry from the roster.
# Returns the number of requests handed back, or -1 for a live worker.
_REAP = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
local deadline, holder = string.match(entry or '', '^%S+ (%S+) (%S+)$')
local holds = holder == ARGV[2]
if ARGV[3] ~= '1' then
  if not holds then return 0 end
  if tonumber(deadline) >= tonumber(redis.call('TIME')[1]) then return -1 end
end
local count = redis.call('ZCARD', KEYS[3])
if count > 0 then
  redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[3], 'AGGREGATE', 'MIN')
end
local urls = redis.call('HVALS', KEYS[4])
for at = 1, #urls, 1000 do
  redis.call('SADD', KEYS[5], unpack(urls, at, math.min(at + 999, #urls)))
end
redis.call('EXPIRE', KEYS[5], ARGV[4])
redis.call('DEL', KEYS[3], KEYS[4])
if holds then redis.call('HDEL', KEYS[1], ARGV[1]) end
return count
"""

# KEYS: roster; ARGV: worker, incarnation. Leaves the roster, unless a successor holds the entry.
_LEAVE = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry and string.match(entry, '(%S+)$') == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
"""

# KEYS: the spider's current-run key; ARGV: ttl, the fetched page's key, the key of the URL that
# was requested for it. 1 when this page was not fetched before in this run, or only by this same
# request (fetched again after its first worker was killed); 0 for another request's page.
_FETCH = """
local run = redis.call('GET', KEYS[1]) or 'unseeded'
local fetched = KEYS[1] .. ':' .. run .. ':fetched'
local new = redis.call('HSETNX', fetched, ARGV[2], ARGV[3])
redis.call('EXPIRE', fetched, ARGV[1])
if new == 1 then return 1 end
if redis.call('HGET', fetched, ARGV[2]) == ARGV[3] then return 1 end
return 0
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
        "SCHEDULER": "newscrawl.scaleout.SharedScheduler",
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


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, taking a request only when this worker can start on it soon.

    Left alone, the worker that parses a sitemap takes the article requests it has just queued
    (up to CONCURRENT_REQUESTS) before the others look, and works through them alone. Here a
    worker holding ``NEWSCRAWL_REDIS_PREFETCH`` requests it has not started (waiting for a
    download slot, or responses waiting to be parsed) leaves the rest to the other workers.
    """

    crawler: Crawler
    prefetch: int

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.prefetch = crawler.settings.getint("NEWSCRAWL_REDIS_PREFETCH", DEFAULT_PREFETCH)
        return scheduler

    def next_request(self) -> Any:
        if self._not_started() >= self.prefetch:
            return None
        scale_out = self.crawler.get_extension(ScaleOut)
        assert scale_out is not None, "configure() installs the ScaleOut extension with this scheduler"
        in_flight = scale_out.in_flight
        data = in_flight.take(self.queue.key)
        if data is None:
            return None
        request = self.queue._decode_request(data)
        in_flight.hold(request, data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _not_started(self) -> int:
        engine = self.crawler.engine
        waiting = sum(len(slot.queue) for slot in engine.downloader.slots.values())
        parsing = engine.scraper.slot
        return waiting + (len(parsing.active) + len(parsing.queue) if parsing else 0)


class RunClaims:
    """Per-run sets in Redis: which article URLs some worker already requested, or fetched."""

    def __init__(self, client: redis.Redis, spider: str) -> None:
        self._client = client
        self._run_key = RUN_KEY.format(spider=spider)
        self._claim = client.register_script(_CLAIM)
        self._fetch = client.register_script(_FETCH)

    def _claim_new(self, kind: str, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        digests = [key_digest(key) for key in keys]
        fresh = self._claim(keys=[self._run_key], args=[kind, CLAIMS_TTL_SECONDS, *digests])
        return {key for key, new in zip(keys, fresh, strict=True) if new}

    def discovered(self, keys: list[str]) -> set[str]:
        """The keys no worker has requested in this run yet; they are now this worker's."""
        return self._claim_new(CLAIM_KINDS[0], keys)

    def first_fetch(self, key: str, requested: str) -> bool:
        """Whether this page (a final URL after redirects) is fetched for the first time this run.

        ``requested``: the key of the URL that was requested for it. The same request fetching
        the page again (it went back to the queue when its first worker was killed) is still first.
        """
        args: list[bytes | int] = [CLAIMS_TTL_SECONDS, key_digest(key), key_digest(requested)]
        return bool(self._fetch(keys=[self._run_key], args=args))

    def start_run(self) -> str:
        """A new run: its claims start empty, the previous run's are dropped."""
        run = f"{datetime.now(UTC).strftime('%Y-%m-%dT%H-%M-%S')}-{secrets.token_hex(3)}"
        previous = cast(bytes | None, self._client.getset(self._run_key, run))
        if previous is not None:
            self._client.delete(*(f"{self._run_key}:{previous.decode()}:{kind}" for kind in CLAIM_KINDS))
        return run

    def close(self) -> None:
        self._client.close()


class Roster:
    """Which workers are busy, kept in Redis, so that a worker stops only once the whole crawl drained.

    Each worker's entry carries a deadline that its heartbeat pushes forward: the entry of a
    killed worker runs out and stops counting, and its unfinished requests go back to the queue.
    """

    def __init__(self, client: redis.Redis, spider: str, worker: str, incarnation: str) -> None:
        self._client = client
        self._key = ROSTER_KEY.format(spider=spider)
        self._queue_key = QUEUE_KEY % {"spider": spider}
        self._spider = spider
        self._report = client.register_script(_REPORT)
        self._reap = client.register_script(_REAP)
        self._leave = client.register_script(_LEAVE)
        self._lock = threading.Lock()  # the heartbeat thread renews while the reactor reports
        self.worker = worker
        self.incarnation = incarnation
        self.state = "busy"
        self.taken_for_dead = False

    def join(self) -> None:
        """Enter the roster busy. A predecessor under this name (killed and restarted) is dead: the
        requests it held go back to the queue first, before this worker takes any."""
        fields = _entry_fields(cast(bytes | None, self._client.hget(self._key, self.worker)))
        if fields is not None:
            self.reap(fields[2], force=True)
        self._write("busy", renew=False)

    def report(self, state: str) -> None:
        self.state = state
        self.renew()

    def renew(self) -> None:
        """Push this worker's deadline forward; notices when the others took it for dead."""
        with self._lock:
            holder = self._write(self.state, renew=True)
            if holder == self.incarnation:
                return
            if holder:  # the name is someone else's now: leave it to them
                if not self.taken_for_dead:
                    logger.error("another worker %s (%s) joined while this one runs", self.worker, holder)
                self.taken_for_dead = True
                return
            if not self.taken_for_dead:
                logger.error(
                    "worker %s was taken for dead (no heartbeat for %d s): the requests it held went to "
                    "other workers, and their items may now be exported twice",
                    self.worker,
                    ROSTER_TTL_SECONDS,
                )
            self.taken_for_dead = True
            self._write(self.state, renew=False)  # back in the roster, so the others wait for it

    def _write(self, state: str, renew: bool) -> str:
        args: list[str | int] = [self.worker, self.incarnation, state, ROSTER_TTL_SECONDS, int(renew)]
        return cast(bytes, self._report(keys=[self._key], args=args)).decode()

    def drained(self) -> bool:
        """No request queued and no other live worker busy (one could still queue new requests)."""
        if self._client.zcard(self._queue_key):
            return False
        busy = any(state == "busy" and worker != self.worker for worker, state in self.reap_dead())
        # Looked at again: reaping a dead worker may have put its unfinished requests back.
        return not busy and not self._client.zcard(self._queue_key)

    def reap_dead(self) -> list[tuple[str, str]]:
        """Reap the workers whose heartbeat stopped (killed ones); returns the live (worker, state)."""
        seconds, _ = cast(tuple[int, int], self._client.time())
        live = []
        for worker, entry in cast(dict[bytes, bytes], self._client.hgetall(self._key)).items():
            fields = _entry_fields(entry)
            if fields is None:
                continue
            state, deadline, incarnation = fields
            if float(deadline) < seconds and self.reap(incarnation) >= 0:
                continue
            live.append((worker.decode(), state))
        return live

    def reap(self, incarnation: str, force: bool = False) -> int:
        """Hand a dead incarnation's unfinished requests back to the queue (-1: it is alive after all)."""
        keys = [
            self._key,
            self._queue_key,
            *(
                template.format(spider=self._spider, incarnation=incarnation)
                for template in (IN_FLIGHT_KEY, IN_FLIGHT_URLS_KEY, HANDED_BACK_KEY)
            ),
        ]
        args: list[str | int] = [worker_of(incarnation), incarnation, int(force), CLAIMS_TTL_SECONDS]
        handed_back = int(self._reap(keys=keys, args=args))
        if handed_back > 0:
            logger.warning("worker %s stopped, %d unfinished: queued again", incarnation, handed_back)
        return handed_back

    def handed_back(self, incarnation: str) -> set[bytes]:
        """URL keys (digests) of the requests taken back from a killed incarnation."""
        key = HANDED_BACK_KEY.format(spider=self._spider, incarnation=incarnation)
        return cast(set[bytes], self._client.smembers(key))

    def leave(self) -> None:
        self._leave(keys=[self._key], args=[self.worker, self.incarnation])


class Heartbeat:
    """Renews this worker's roster entry every second from a thread of its own.

    A heartbeat on the reactor stops while the reactor parses a huge page; after
    ``ROSTER_TTL_SECONDS`` the others would take the worker for dead and fetch its requests again
    while it still exports them. The thread beats on while the reactor calls ``tick`` now and then,
    and stops when it has not for ``stall_limit`` seconds: a hung worker is dead to the others.
    """

    def __init__(
        self, roster: Roster, every: float = HEARTBEAT_SECONDS, stall_limit: float = REACTOR_STALL_SECONDS
    ) -> None:
        self._roster = roster
        self._every = every
        self._stall_limit = stall_limit
        self._last_tick = time.monotonic()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{roster.worker}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def tick(self) -> None:
        self._last_tick = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            if time.monotonic() - self._last_tick > self._stall_limit:
                continue
            try:
                self._roster.renew()
            except (redis.RedisError, ValueError) as error:
                logger.warning("worker %s could not renew its heartbeat: %s", self._roster.worker, error)


def _entry_fields(entry: bytes | None) -> tuple[str, str, str] | None:
    """A roster entry's state, deadline and incarnation (None for no entry, or one of another shape)."""
    if entry is None:
        return None
    fields = entry.decode().split()
    if len(fields) != 3:
        logger.warning("roster entry %r is not <state> <deadline> <incarnation>; ignored", entry)
        return None
    state, deadline, incarnation = fields
    return state, deadline, incarnation


def worker_of(incarnation: str) -> str:
    """The worker name of an incarnation ``<worker>#<token>``."""
    worker, mark, _ = incarnation.rpartition("#")
    return worker if mark else incarnation


class InFlight:
    """The requests this worker took from the shared queue, kept in Redis until they are finished.

    Finished means the engine is done with the request and the items it produced are flushed to
    the feed file (``settle``); then a kill can no longer lose them.
    """

    def __init__(self, client: redis.Redis, spider: str, incarnation: str) -> None:
        self._client = client
        self._key = IN_FLIGHT_KEY.format(spider=spider, incarnation=incarnation)
        self._urls_key = IN_FLIGHT_URLS_KEY.format(spider=spider, incarnation=incarnation)
        self._take = client.register_script(_TAKE)
        self._held: dict[Request, bytes] = {}

    def take(self, queue_key: str) -> bytes | None:
        """Pop the queue's first request, keeping it in flight (atomically)."""
        return cast(bytes | None, self._take(keys=[queue_key, self._key]))

    def hold(self, request: Request, data: bytes) -> None:
        self._held[request] = data
        requested = key_digest(page_key(request.url))
        self._client.hset(self._urls_key, _member_digest(data), requested)

    def settle(self, active: Collection[Request] | None) -> int:
        """Release the requests the engine no longer holds (``active``; None: unknown, keep all)."""
        if active is None:
            return 0
        done = [request for request in self._held if request not in active]
        if not done:
            return 0
        feeds.flush_open_feeds()  # their items are on disk before they leave the in-flight set
        pipe = self._client.pipeline(transaction=True)
        for request in done:
            data = self._held.pop(request)
            pipe.zrem(self._key, data)
            pipe.hdel(self._urls_key, _member_digest(data))
        pipe.execute()
        return len(done)


def _member_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=12).digest()


def _engine_requests(crawler: Crawler) -> Collection[Request] | None:
    """Requests the engine is downloading or processing (None if this Scrapy does not say)."""
    slot = getattr(crawler.engine, "_slot", None)
    return getattr(slot, "inprogress", None)


class ScaleOut:
    """A worker's part in the shared crawl: run claims, its place in the roster, stop when drained."""

    def __init__(self, crawler: Crawler, client: redis.Redis, idle_stop: float) -> None:
        self.crawler = crawler
        self.client = client
        spider = crawler.spidercls.name
        worker = worker_id(crawler.settings)
        incarnation = f"{worker}#{secrets.token_hex(4)}"
        self.claims = RunClaims(client, spider)
        self.roster = Roster(client, spider, worker, incarnation)
        # Before anything is taken (and before the feed recovers a killed predecessor's file).
        self.roster.join()
        self.heartbeat = Heartbeat(self.roster)
        self.heartbeat.start()
        self.in_flight = InFlight(client, spider, incarnation)
        feeds.SCALED_OUT.worker = incarnation
        feeds.SCALED_OUT.lines_to_keep = self.lines_to_keep
        self.idle_stop = idle_stop
        self.drained_since: float | None = None
        # Scrapy looks at an idle spider every 5 s; this loop also ends a drained crawl sooner.
        self.rounds = task.LoopingCall(self.round)

    def lines_to_keep(self, incarnation: str) -> Callable[[bytes], bool]:
        """For the feed file a killed worker left on this machine: keep the items of requests it
        finished. It is dead (nobody holds its file), so its unfinished ones go back to the queue now."""
        if incarnation != self.roster.incarnation:
            self.roster.reap(incarnation, force=True)
        handed_back = self.roster.handed_back(incarnation)

        def keep(line: bytes) -> bool:
            try:
                url = json.loads(line).get("url")
            except ValueError:
                return False
            return key_digest(page_key(url)) not in handed_back if isinstance(url, str) else True

        return keep

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScaleOut:
        url = redis_url(crawler.settings)
        if not url:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        idle_stop = crawler.settings.getfloat("NEWSCRAWL_REDIS_IDLE_STOP", DEFAULT_IDLE_STOP_SECONDS)
        extension = cls(crawler, connect(url), idle_stop)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        worker = self.roster.worker
        logger.info("worker %s joins the shared crawl at %s", worker, redis_url(self.crawler.settings))
        self.crawler.stats.set_value("newscrawl/worker", worker)
        self.rounds.start(HEARTBEAT_SECONDS, now=False)

    def busy(self, **_: Any) -> None:
        self.drained_since = None
        if self.roster.state != "busy":
            self.roster.report("busy")

    def round(self) -> None:
        """Every second on the reactor: release finished requests, reap dead workers, stop when drained."""
        self.heartbeat.tick()
        self.note_taken_for_dead()
        engine = self.crawler.engine
        self.in_flight.settle(_engine_requests(self.crawler))
        if engine.spider_is_idle() and self.may_stop():
            self.rounds.stop()
            deferred_from_coro(engine.close_spider_async(reason="finished"))
        else:
            self.roster.reap_dead()

    def spider_idle(self, spider: Spider) -> None:
        if not self.may_stop():
            raise DontCloseSpider

    def may_stop(self) -> bool:
        """This worker is idle: it may stop once the whole crawl has stayed drained long enough."""
        if self.roster.state != "idle":
            self.roster.report("idle")
        if self.idle_stop < 0 or not self.roster.drained():
            self.drained_since = None
            return False
        now = time.monotonic()
        self.drained_since = self.drained_since or now
        if now - self.drained_since < self.idle_stop:
            return False
        logger.info("worker %s: the shared crawl has drained; stopping", self.roster.worker)
        return True

    def spider_closed(self, spider: Spider) -> None:
        if self.rounds.running:
            self.rounds.stop()
        self.in_flight.settle(())  # the engine holds nothing now
        self.heartbeat.stop()
        self.note_taken_for_dead()  # before the run monitor gives its verdict
        self.roster.leave()
        self.client.close()

    def note_taken_for_dead(self) -> None:
        if self.roster.taken_for_dead:
            self.crawler.stats.set_value(MAYBE_DOUBLED_STAT, True)


def claims_for(spider: Spider) -> RunClaims | None:
    """The run claims of a scaled-out crawl (None on one machine)."""
    extension = spider.crawler.get_extension(ScaleOut)
    return extension.claims if extension else None
