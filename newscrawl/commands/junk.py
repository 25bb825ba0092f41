"""``scrapy junk FILE_OR_URL``: show a page's body lines with the label the junk rules give them.

For people writing junk rules: a ``.txt`` file is taken as body text (paragraphs
separated by blank lines, or one per line when it has no blank lines); an HTML file
or a URL goes through the article extractor first. ``--outlet`` applies that
outlet's and its network's rules on top of the defaults (a URL of a known outlet
picks them itself), and ``--rules FILE`` adds a rules file being drafted on top.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.commands._page_input import is_url, read_page
from newscrawl.errors import ConfigError
from newscrawl.text.junk import (
    JunkResult,
    JunkRules,
    combine_rules,
    default_rules,
    load_rules_file,
    split_paragraphs,
    strip_junk,
)

if TYPE_CHECKING:  # the outlets module loads the extractors: imported when the command runs
    from newscrawl.outlets import Outlet, Registry

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def body_lines(text: str) -> list[str]:
    """Paragraphs of a text file: blank-line separated, or one a line when there are no blank lines."""
    paragraphs = split_paragraphs(text)
    if len(paragraphs) == 1 and "\n" in paragraphs[0]:
        return [line.strip() for line in paragraphs[0].splitlines() if line.strip()]
    return paragraphs


def format_labels(result: JunkResult) -> str:
    """One row per line (kind, rule, text), then what the removed lines told."""
    rows = [
        f"{label.kind:<11} {label.rule or '-':<24} {' '.join(label.text.split())}" for label in result.labels
    ]
    removed = len(result.removed)
    rows.append("")
    rows.append(f"{len(result.labels)} lines: {len(result.kept)} story, {removed} junk")
    rows.append(f"image caption: {result.caption!r}  credit: {result.credit!r}")
    rows.append(f"original source: {result.original_source!r}")
    return "\n".join(rows)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] FILE_OR_URL"

    def short_desc(self) -> str:
        return "Show a page's body lines labelled story or junk (kind and rule), for writing junk rules"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--outlet", metavar="NAME", help="apply this outlet's (and its network's) rules")
        parser.add_argument("--rules", metavar="FILE", help="a junk rules TOML file applied on top")
        parser.add_argument("--title", metavar="TEXT", help="the headline, dropped where the body repeats it")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one FILE_OR_URL")
        assert self.settings is not None
        target = args[0]
        from newscrawl.outlets import registry_from_settings

        try:
            registry = registry_from_settings(self.settings)
            outlet = self._outlet(registry, opts.outlet, target)
            rules = self._rules(registry, outlet, opts.rules)
            lines, title = self._lines(target, outlet)
        except (ConfigError, OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        print(format_labels(strip_junk(lines, rules, title=opts.title or title)))

    @staticmethod
    def _outlet(registry: Registry, name: str | None, target: str) -> Outlet | None:
        if name:
            if name not in registry.outlets:
                raise ValueError(f"unknown outlet {name!r}; known: {', '.join(registry.outlets) or 'none'}")
            return registry.outlets[name]
        return registry.outlet_for_url(target) if is_url(target) else None

    @staticmethod
    def _rules(registry: Registry, outlet: Outlet | None, rules_file: str | None) -> JunkRules:
        from newscrawl.pipelines.junk import layered_rules

        rules = layered_rules(registry, outlet)
        if rules_file:
            rules = combine_rules(rules, load_rules_file(rules_file, default_rules()))
        return rules

    @staticmethod
    def _lines(target: str, outlet: Outlet | None) -> tuple[list[str], str | None]:
        data, url, suffixes = read_page(target, "junk-rules check")
        if suffixes and suffixes[-1] in HTML_SUFFIXES:
            return _extracted(data, url, outlet)
        return body_lines(data.decode("utf-8", errors="replace")), None


def _extracted(html: bytes, url: str, outlet: Outlet | None) -> tuple[list[str], str | None]:
    from newscrawl.extraction.article import extract_article

    fields: dict[str, Any] = extract_article(html, url, outlet.selectors if outlet is not None else None)
    return split_paragraphs(fields.get("body") or ""), fields.get("title")
