"""``scrapy state``: what the state folder holds, and pruning it.

scrapy state                                 # size, stories in the dedup index, seen URLs per outlet
scrapy state --forget-outlet valley-times    # its articles are fetched again next run
scrapy state --forget-older-than 90          # seen URLs recorded more than 90 days ago
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.incremental import open_seen_store
from newscrawl.store import open_dedup_store


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--forget-outlet NAME] [--forget-older-than DAYS]"

    def short_desc(self) -> str:
        return "Show the state folder (seen URLs per outlet, dedup index) or forget part of it"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--forget-outlet", metavar="NAME", help="forget the seen URLs of one outlet")
        parser.add_argument(
            "--forget-older-than", metavar="DAYS", type=float, help="forget seen URLs recorded before then"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy state takes no arguments, only options")
        if opts.forget_older_than is not None and opts.forget_older_than < 0:
            raise UsageError("--forget-older-than takes a number of days >= 0")
        assert self.settings is not None
        folder = Path(self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl")
        if not folder.is_dir():
            print(json.dumps({"state_dir": str(folder), "exists": False}))
            return
        redis_url = self.settings.get("NEWSCRAWL_REDIS_URL")
        seen = open_seen_store(folder, redis_url)
        try:
            report: dict[str, Any] = {"state_dir": str(folder)}
            if opts.forget_outlet:
                report["forgotten_outlet"] = {opts.forget_outlet: seen.forget_outlet(opts.forget_outlet)}
            if opts.forget_older_than is not None:
                report["forgotten_older"] = seen.forget_older_than(opts.forget_older_than)
            counts = seen.counts_by_outlet()
            report["seen_urls"] = sum(counts.values())
            report["seen_urls_per_outlet"] = dict(sorted(counts.items()))
        finally:
            seen.close()
        dedup = open_dedup_store(folder, redis_url)
        try:
            report["stories"] = dedup.story_count()
        finally:
            dedup.close()
        report["bytes"] = _folder_size(folder)
        print(json.dumps(report, indent=2, ensure_ascii=False))
