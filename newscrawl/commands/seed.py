"""``scrapy seed``: start one run of a scaled-out crawl by queueing the outlets' discovery requests.

    scrapy seed outlets -s NEWSCRAWL_REDIS_URL=redis://host:6379/0 [-a outlet=...] [--force]

Workers (``scrapy crawl outlets`` with the same NEWSCRAWL_REDIS_URL) take the requests from the
shared queue. Seeding starts a new run: the request dupefilter and the article claims of the
previous run are reset, so this run reads every sitemap and feed again (the seen store still
skips articles exported before). A queue that still holds requests means the previous run has
not drained: nothing is seeded and the exit code is 3, unless ``--force`` drops that queue.
"""

from __future__ import annotations

import argparse
import json

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict

from newscrawl.errors import ConfigError
from newscrawl.monitor import ExitCode


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "<spider> [-a NAME=VALUE ...] [--force]"

    def short_desc(self) -> str:
        return "Queue the discovery requests of a scaled-out crawl (NEWSCRAWL_REDIS_URL) for its workers"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument, as for scrapy crawl (outlet=, network=)",
        )  # fmt: skip
        parser.add_argument(
            "--force", action="store_true", help="seed even if the previous run's queue is not empty"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError as exc:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from exc

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Imported here, not at the top: Scrapy imports every command module to list them.
        from scrapy_redis.scheduler import Scheduler

        from newscrawl import scaleout
        from newscrawl.spiders.base import ArticleSpider
        from newscrawl.store.redis import connect

        assert self.settings is not None
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy seed outlets")
        url = scaleout.redis_url(self.settings)
        if not url:
            raise UsageError(
                "scrapy seed needs the shared Redis: -s NEWSCRAWL_REDIS_URL=redis://host:port/db"
            )
        spidercls = get_spider_loader(self.settings).load(args[0])
        if not issubclass(spidercls, ArticleSpider):
            raise UsageError(f"{args[0]} is not a newscrawl article spider")
        crawler = Crawler(spidercls, self.settings)
        try:
            spider = spidercls.from_crawler(crawler, **opts.spargs)
        except (ConfigError, ValueError, TypeError) as exc:
            print(f"newscrawl: cannot seed: {exc}", flush=True)
            self.exitcode = ExitCode.BAD_START
            return
        scheduler = Scheduler.from_settings(crawler.settings)
        scheduler.open(spider)
        if len(scheduler) and not opts.force:
            print(
                f"newscrawl: the previous run has not drained ({len(scheduler)} requests queued); "
                "not seeding (--force drops them)",
                flush=True,
            )
            self.exitcode = ExitCode.LOCKED
            return
        scheduler.flush()
        claims = scaleout.RunClaims(connect(url), spidercls.name)
        try:
            run = claims.start_run()
        finally:
            claims.close()
        outlets = spider.outlets_to_crawl()
        queued = sum(
            scheduler.enqueue_request(request)
            for outlet in outlets
            for request in spider.discovery_requests(outlet)
        )
        print(json.dumps({"run": run, "outlets": len(outlets), "requests": queued}), flush=True)
