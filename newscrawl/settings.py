"""Scrapy settings for newscrawl: polite defaults for production, each overridable with ``-s``.

Outlet files never change these: only the command line, a profile or this file do.
"""

from newscrawl.items import EXPORT_FIELDS

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# --- newscrawl's own settings -------------------------------------------------------------------
# Outlet and network definitions: a TOML file or a folder of them (default: settings/outlets/).
NEWSCRAWL_OUTLETS = None
# A settings profile from settings/profiles/ (e.g. "cron") or a TOML file, applied by `scrapy crawl`.
NEWSCRAWL_PROFILE = None
# Byline word lists (wires, titles, prefixes ...): a folder of TOML files (default: settings/bylines/).
NEWSCRAWL_BYLINE_RULES = None
# Skip articles exported by earlier runs unless their sitemap/feed date says they were updated.
NEWSCRAWL_INCREMENTAL = True
# Everything kept between runs (HTTP cache, seen store, dedup index) lives in this folder.
NEWSCRAWL_STATE_DIR = ".newscrawl"
# Put in the User-Agent so site owners can reach whoever runs the crawl (an URL or e-mail).
NEWSCRAWL_CONTACT = None
# Pages whose body has fewer words are no article (an empty shell, a JavaScript placeholder).
NEWSCRAWL_MIN_BODY_WORDS = 10
# One-off `site` scrapes: how far to follow article links, and how many articles at most.
NEWSCRAWL_SITE_DEPTH = 2
NEWSCRAWL_SITE_MAX_ARTICLES = 500

# --- politeness ---------------------------------------------------------------------------------
USER_AGENT = "newscrawl/0.1 (+{contact})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False

# --- items and export ---------------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.bylines.BylinePipeline": 300,
    "newscrawl.pipelines.junk.JunkPipeline": 400,
    "newscrawl.pipelines.dedup.DedupPipeline": 500,
}
# "drop": syndicated copies leave the main feed for the copies feed; "tag": all items stay, copies marked.
DEDUP_MODE = "drop"
# The side feed of copies ({url, outlet, duplicate_of, story_id, similarity}); None: <state dir>/copies.jsonl.
DEDUP_COPIES_FEED = None
# Where a run writes when neither -o nor -O is given ({spider}, {time} filled in at start, UTC).
NEWSCRAWL_DEFAULT_FEED = "data/{spider}/{time}.jsonl"
FEED_EXPORT_FIELDS = list(EXPORT_FIELDS)
# Local files are written as FILE.part and published on close (newscrawl/feeds.py).
FEED_STORAGES = {"": "newscrawl.feeds.AtomicFileFeedStorage", "file": "newscrawl.feeds.AtomicFileFeedStorage"}
EXTENSIONS = {"newscrawl.monitor.RunMonitor": 900, "newscrawl.incremental.SeenRecorder": 950}
FEED_EXPORT_ENCODING = "utf-8"

LOG_LEVEL = "INFO"
