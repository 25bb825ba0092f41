"""``scrapy bylines "By JOHN SMITH and JANE DOE, Associated Press"``: print the normalized byline as JSON.

For people tuning the word lists in ``settings/bylines/``: ``--source`` reads the value as JSON-LD, a meta
tag or an author URL instead of visible byline text, and ``--rules DIR`` tries a rules folder being drafted.
Several values print one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.errors import ConfigError


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--source byline|jsonld|meta|url] [--rules DIR] BYLINE [BYLINE ...]"

    def short_desc(self) -> str:
        return "Print the authors and organization newscrawl reads from a byline, as JSON"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        # Imported here, not at the top: Scrapy imports every command module to list them.
        from newscrawl.text.bylines import SOURCES
        from newscrawl.text.bylines_rules import RULES_SETTING

        parser.add_argument("--source", default="byline", choices=SOURCES, help="where the value comes from")
        parser.add_argument(
            "--rules",
            default=None,
            help=f"byline rules folder (default: {RULES_SETTING} or settings/bylines)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one byline to normalize")
        from newscrawl.text.bylines import load_byline_rules, normalize_byline
        from newscrawl.text.bylines_rules import RULES_SETTING

        path = opts.rules or (self.settings.get(RULES_SETTING) if self.settings else None) or None
        try:
            rules = load_byline_rules(path)
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from exc
        for raw in args:
            result = normalize_byline(raw, opts.source, rules)
            print(json.dumps(result.as_dict(), ensure_ascii=False))
