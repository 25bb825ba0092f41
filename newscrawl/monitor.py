"""Run summary, outlet health and the crawl's verdict (its exit code).

Scrapy ends a crawl with exit code 0 whether or not anything worked. This
extension counts per outlet what was discovered, fetched and exported and how
complete the records were, writes that as a JSON summary next to the output,
compares each outlet with its own recent runs, and leaves a verdict that the
``crawl`` command turns into the exit code (table in the README).
"""

from __future__ import annotations

import json
import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

HISTORY_NAME = "runs.jsonl"
HISTORY_RUNS = 10  # an outlet is compared with the median of its last runs
MIN_ITEMS_FOR_HEALTH = 5  # fewer items (or pages) say nothing about coverage
DROP_FACTOR = 0.5  # coverage below half its usual level is a broken parser
LONG_BODY_WORDS = 100
# Finish reasons that mean the crawl could not start as configured (e.g. a renderer is missing).
START_FAILURES = frozenset({"renderer_unavailable"})
COVERAGE_FIELDS = ("authors", "date", "body_100_words", "body_selector")
# Set by a scaled-out worker that the others took for dead while it ran: the crawl failed, since
# requests it held were also given to other workers.
MAYBE_DOUBLED_STAT = "newscrawl/worker_taken_for_dead"


class ExitCode(IntEnum):
    """What `scrapy crawl` returns; the README has the table."""

    OK = 0
    CRAWL_FAILED = 1
    BAD_START = 2
    LOCKED = 3
    OUTLET_FAILED = 4
    UNHEALTHY = 5


@dataclass
class OutletCounts:
    responses: int = 0
    items: int = 0
    with_authors: int = 0
    with_date: int = 0
    long_body: int = 0

    def coverage(self, selector_pages: int, selector_misses: int) -> dict[str, float | None]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "authors": share(self.with_authors, self.items),
            "date": share(self.with_date, self.items),
            "body_100_words": share(self.long_body, self.items),
            "body_selector": share(selector_pages - selector_misses, selector_pages),
        }


class RunMonitor:
    """Counts, summarizes and judges one crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.state_dir = Path(crawler.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl")
        self.outlets: dict[str, OutletCounts] = defaultdict(OutletCounts)
        self.started = datetime.now(UTC)
        self.verdict: ExitCode | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunMonitor:
        monitor = cls(crawler)
        crawler.signals.connect(monitor.response_received, signal=signals.response_received)
        crawler.signals.connect(monitor.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        outlet = request.meta.get("outlet")
        if outlet:
            self.outlets[outlet].responses += 1

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        adapter = ItemAdapter(item)
        counts = self.outlets[adapter.get("outlet") or "?"]
        counts.items += 1
        counts.with_authors += bool(adapter.get("authors"))
        counts.with_date += bool(adapter.get("published"))
        counts.long_body += (adapter.get("word_count") or 0) >= LONG_BODY_WORDS

    def spider_closed(self, spider: Spider, reason: str) -> None:
        names = set(self.outlets) | self._outlets_in_stats()
        names.discard("?")
        history = self._read_history(spider.name)
        report: dict[str, Any] = {}
        for name in sorted(names):
            report[name] = self._judge_outlet(name, history)
        verdict = self._verdict(reason, report)
        summary = {
            "spider": spider.name,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "finish_reason": reason,
            "exit_code": int(verdict),
            "items": sum(outlet["items"] for outlet in report.values()),
            "output": self.stats.get_value("newscrawl/output_file"),
            "outlets": report,
        }
        self.verdict = verdict
        self.stats.set_value("newscrawl/exit_code", int(verdict))
        self._write_summary(summary)
        self._append_history(spider.name, report)
        logger.info("run verdict: exit code %d (%s)", verdict, verdict.name)

    def _outlets_in_stats(self) -> set[str]:
        prefix = "newscrawl/outlet/"
        return {
            key[len(prefix) :].split("/", 1)[0] for key in self.stats.get_stats() if key.startswith(prefix)
        }

    def _stat(self, outlet: str, name: str) -> int:
        return int(self.stats.get_value(f"newscrawl/outlet/{outlet}/{name}", 0))

    def _judge_outlet(self, name: str, history: list[dict[str, Any]]) -> dict[str, Any]:
        counts = self.outlets[name]
        entry: dict[str, Any] = {
            "discovered": self._stat(name, "discovered"),
            "new": self._stat(name, "new"),
            "updated": self._stat(name, "updated"),
            "skipped_seen": self._stat(name, "skipped_seen"),
            "skipped_old": self._stat(name, "skipped_old"),
            "pages": self._stat(name, "pages"),
            "items": counts.items,
            "copies": self._stat(name, "copies"),
            "no_body": self._stat(name, "no_body"),
            "errors": self._stat(name, "errors"),
            "coverage": counts.coverage(
                self._stat(name, "body_selector_pages"), self._stat(name, "body_selector_misses")
            ),
            "problems": [],
        }
        problems: list[str] = entry["problems"]
        if counts.responses == 0 and entry["errors"]:
            problems.append("unreachable: no response at all")
        elif entry["pages"] and not counts.items and not entry["copies"]:
            problems.append(f"yielded nothing from {entry['pages']} article pages fetched")
        entry["samples"] = {"items": counts.items, "selector_pages": self._stat(name, "body_selector_pages")}
        problems.extend(self._coverage_drops(name, entry, history))
        for problem in problems:
            logger.warning("outlet health: %s: %s", name, problem)
        return entry

    @staticmethod
    def _coverage_drops(name: str, entry: dict[str, Any], history: list[dict[str, Any]]) -> list[str]:
        """Metrics far below this outlet's own median of recent runs, each judged on enough pages."""
        drops = []
        for metric in COVERAGE_FIELDS:
            sample = "selector_pages" if metric == "body_selector" else "items"
            current = entry["coverage"].get(metric)
            if current is None or entry["samples"][sample] < MIN_ITEMS_FOR_HEALTH:
                continue
            past = [
                run[name]["coverage"][metric]
                for run in history
                if name in run
                and run[name].get("samples", {}).get(sample, 0) >= MIN_ITEMS_FOR_HEALTH
                and run[name]["coverage"].get(metric) is not None
            ]
            if not past:
                continue
            usual = statistics.median(past)
            if usual >= 0.5 and current < usual * DROP_FACTOR:
                drops.append(
                    f"{metric} coverage fell to {current:.0%} from a usual {usual:.0%} (layout changed?)"
                )
        return drops

    def _verdict(self, reason: str, report: dict[str, Any]) -> ExitCode:
        spider_errors = sum(
            v for k, v in self.stats.get_stats().items() if k.startswith("spider_exceptions/")
        )
        if reason != "finished" or spider_errors or self.stats.get_value(MAYBE_DOUBLED_STAT):
            return ExitCode.CRAWL_FAILED
        problems = [p for entry in report.values() for p in entry["problems"]]
        if any(p.startswith(("unreachable", "yielded nothing")) for p in problems):
            return ExitCode.OUTLET_FAILED
        if problems:
            return ExitCode.UNHEALTHY
        return ExitCode.OK

    def _summary_path(self) -> Path:
        output = self.stats.get_value("newscrawl/output_file")
        if output:
            path = Path(output)
            return path.with_name(f"{path.stem}.summary.json")
        stamp = self.started.strftime("%Y-%m-%dT%H-%M-%S")
        return self.state_dir / "summaries" / f"{stamp}.summary.json"

    def _write_summary(self, summary: dict[str, Any]) -> None:
        path = self._summary_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            temporary.replace(path)
            logger.info("run summary written to %s", path)
        except OSError as exc:
            logger.error("cannot write the run summary %s: %s", path, exc)

    def _history_path(self) -> Path:
        return self.state_dir / HISTORY_NAME

    def _read_history(self, spider: str) -> list[dict[str, Any]]:
        path = self._history_path()
        if not path.exists():
            return []
        runs = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a kill
            if record.get("spider") == spider:
                runs.append(record["outlets"])
        return runs[-HISTORY_RUNS:]

    def _append_history(self, spider: str, report: dict[str, Any]) -> None:
        record = {
            "spider": spider,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "outlets": {
                name: {"samples": entry["samples"], "coverage": entry["coverage"]}
                for name, entry in report.items()
            },
        }
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            with self._history_path().open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
        except OSError as exc:
            logger.error("cannot record this run in %s: %s", self._history_path(), exc)
