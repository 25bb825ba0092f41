"""`scrapy crawl` with newscrawl's run discipline: profiles, one run per state folder, honest exit codes."""

from __future__ import annotations

import argparse
import logging
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.errors import ConfigError
from newscrawl.monitor import ExitCode, RunMonitor
from newscrawl.runlock import LockHeld, RunLock

logger = logging.getLogger(__name__)

PROFILES_DIR = Path(__file__).resolve().parents[2] / "settings" / "profiles"


def load_profile(name_or_path: str) -> tuple[Path, dict[str, Any]]:
    """A profile: a TOML file of Scrapy/newscrawl settings, by name from settings/profiles/ or by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.toml"
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        known = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        problem = f"cannot read the profile ({exc.strerror}); known: {known}"
        raise ConfigError(str(path), "NEWSCRAWL_PROFILE", problem) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}") from exc
    unknown = set(document) - {"settings"}
    if unknown:
        raise ConfigError(str(path), sorted(unknown)[0], "unknown table; expected [settings]")
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(str(path), "settings", "expected a table of SETTING = value")
    for key in settings:
        if not key.isupper():
            raise ConfigError(str(path), f"settings.{key}", "setting names are upper case, e.g. LOG_FILE")
    return path, settings


def _fill_placeholders(value: Any, spider: str, stamp: str, worker: str) -> Any:
    if isinstance(value, str):
        return value.replace("{spider}", spider).replace("{time}", stamp).replace("{worker}", worker)
    if isinstance(value, dict):
        return {key: _fill_placeholders(item, spider, stamp, worker) for key, item in value.items()}
    return value


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit code tells whether the crawl worked (see README)"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        spider = args[0] if args else "crawl"
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
        # Imported here, not at the top: Scrapy imports every command module to list them.
        from newscrawl.scaleout import worker_id

        worker = worker_id(self.settings)  # scaled out, each worker writes its own files
        profile = self.settings.get("NEWSCRAWL_PROFILE")
        if profile:
            try:
                path, values = load_profile(profile)
            except ConfigError as exc:
                raise UsageError(str(exc), print_help=False) from exc
            for key, value in values.items():
                # Profile values sit above newscrawl/settings.py and below the command line (set() keeps
                # a value of higher priority).
                self.settings.set(key, _fill_placeholders(value, spider, stamp, worker), priority="project")
            if self.settings.get("LOG_FILE"):
                Path(self.settings["LOG_FILE"]).parent.mkdir(parents=True, exist_ok=True)
            logger.info("settings profile %s applied", path)
        default_feed = self.settings.get("NEWSCRAWL_DEFAULT_FEED")
        if default_feed and not (opts.output or opts.overwrite_output or self.settings.getdict("FEEDS")):
            # Scrapy merges -o/-O into FEEDS, so the default feed is only added when none is asked for.
            uri = _fill_placeholders(default_feed, spider, stamp, worker)
            self.settings.set("FEEDS", {uri: {"format": "jsonlines", "encoding": "utf8"}}, priority="project")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl outlets | scrapy crawl site -a url=...")
        assert self.settings is not None and self.crawler_process is not None
        lock = RunLock(self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl")
        try:
            lock.acquire(command=" ".join(["crawl", *args]))
        except LockHeld as exc:
            logger.error("%s", exc)
            print(f"newscrawl: {exc}", flush=True)
            self.exitcode = ExitCode.LOCKED
            return
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            if self.crawler_process.bootstrap_failed:
                self.exitcode = ExitCode.BAD_START
                return
            monitor = crawler.get_extension(RunMonitor)
            verdict = monitor.verdict if monitor else None
            self.exitcode = ExitCode.CRAWL_FAILED if verdict is None else verdict
        finally:
            lock.release()
