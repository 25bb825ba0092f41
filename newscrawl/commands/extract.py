"""``scrapy extract FILE_OR_URL``: print what extract_article reads from one page, as JSON.

For checking an outlet's selectors or a page that extracts badly: the file is read
as downloaded (``.gz`` is unpacked), ``--url`` gives the address it came from
(relative links, canonical URL), and ``--selectors-from OUTLET`` applies that
outlet's selectors (its network's included) from the outlet definitions.
An http(s) URL is fetched once instead of reading a file.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands._page_input import read_page
from newscrawl.errors import ConfigError


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] FILE_OR_URL"

    def short_desc(self) -> str:
        return "Print the article fields extracted from one page (a saved file or a URL) as JSON"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", "--url", metavar="URL", help="the page's address (default: the file's URI)")
        parser.add_argument("--selectors-from", metavar="OUTLET", help="apply this outlet's selectors")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one FILE_OR_URL")
        assert self.settings is not None
        # Imported here, not at the top: Scrapy imports every command module to list them.
        from newscrawl.extraction import extract_article

        try:
            selectors = self._selectors(opts.selectors_from)
            html, url = self._page(args[0], opts.url)
            fields = extract_article(html, url, selectors)
        except (ConfigError, OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        print(json.dumps(fields, ensure_ascii=False, indent=2))

    def _selectors(self, outlet_name: str | None) -> dict[str, Any] | None:
        if not outlet_name:
            return None
        from newscrawl.outlets import registry_from_settings

        registry = registry_from_settings(self.settings)
        if outlet_name not in registry.outlets:
            known = ", ".join(registry.outlets) or "none"
            raise ValueError(f"unknown outlet {outlet_name!r}; known: {known}")
        return dict(registry.outlets[outlet_name].selectors)

    @staticmethod
    def _page(target: str, url: str | None) -> tuple[bytes, str]:
        data, page_url, _ = read_page(target, "extract check")
        return data, url or page_url
