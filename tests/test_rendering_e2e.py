"""End to end: a JavaScript-built outlet crawled with real renderers (Chromium, Splash) and without."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.loopback import fill_bases, serve_sites
from tests.renderers import chromium, splash_url  # noqa: F401 - pytest fixtures

pytestmark = pytest.mark.e2e

SITES_JS = REPO / "tests" / "sites_js"
OUTLET = "harbor-tribune"
WAIT_FOR_STORY = 'render_options.wait_for = "article .story-text p"'


@dataclass
class JsSite:
    base: str
    template: str
    expected: list[dict]

    def page(self, script: str) -> dict:
        return next(page for page in self.expected if page["script"] == script)

    def url(self, page: dict) -> str:
        return self.base + page["path"]

    def outlets_file(self, folder: Path, *lines: str) -> Path:
        """The outlet definition with ``lines`` added to its [[outlet]] table."""
        path = folder / "js-outlet.toml"
        path.write_text(self.template + "\n".join(lines) + "\n", encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def js_site() -> Iterator[JsSite]:
    with serve_sites(SITES_JS) as bases:
        template = fill_bases((SITES_JS / "outlets.toml.tmpl").read_text(encoding="utf-8"), bases)
        expected = json.loads((SITES_JS / "expected.json").read_text(encoding="utf-8"))
        yield JsSite(base=bases[OUTLET], template=template, expected=expected)


def crawl_outlet(crawl, site: JsSite, folder: Path, *lines: str, settings: dict[str, str] | None = None):
    outlets = site.outlets_file(folder, *lines)
    return crawl("outlets", settings={"NEWSCRAWL_OUTLETS": str(outlets), **(settings or {})})


def stat(log: str, name: str) -> int | None:
    """One counter from the stats Scrapy dumps at the end of the log."""
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found.group(1)) if found else None


def check_article(item: dict, page: dict) -> None:
    assert item["title"] == page["title"], item["url"]
    assert page["byline"] in (item.get("byline_raw") or ""), (item["url"], item.get("byline_raw"))
    assert item["published"] and item["published"][:10] == page["published"], item["url"]
    paragraphs = item["body"].split("\n\n")
    assert paragraphs[0].startswith(page["body_start"]), item["url"]
    assert paragraphs[-1].endswith(page["body_end"]), item["url"]
    assert len(paragraphs) == page["paragraphs"], paragraphs


def test_browser_renders_modern_and_old_style_pages(js_site: JsSite, crawl, chromium, tmp_path) -> None:  # noqa: F811
    result = crawl_outlet(
        crawl, js_site, tmp_path, 'feeds = ["/feed.xml"]', 'render = "browser"',
        settings={"NEWSCRAWL_CHROMIUM": chromium},
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    by_url = {item["url"]: item for item in result.items}
    assert set(by_url) == {js_site.url(page) for page in js_site.expected}, result.log[-3000:]
    for page in js_site.expected:
        check_article(by_url[js_site.url(page)], page)
    created = stat(result.log, "playwright/page_count")
    assert created == 2 and stat(result.log, "playwright/page_count/closed") == created
    assert stat(result.log, "playwright/browser_count") == 1


def test_browser_renders_listings_when_asked(js_site: JsSite, crawl, chromium, tmp_path) -> None:  # noqa: F811
    lines = ['sections = ["/latest/"]', "allow = ['/news/']", 'render = "browser"', WAIT_FOR_STORY]
    plain_listing = crawl_outlet(crawl, js_site, tmp_path, *lines, settings={"NEWSCRAWL_CHROMIUM": chromium})
    assert plain_listing.items == []  # the section page's links only exist once its script ran
    assert stat(plain_listing.log, "response_received_count") and "Traceback" not in plain_listing.log
    rendered = crawl_outlet(
        crawl, js_site, tmp_path, *lines, "render_options.listings = true",
        settings={"NEWSCRAWL_CHROMIUM": chromium},
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.log[-3000:]
    assert {item["url"] for item in rendered.items} == {js_site.url(page) for page in js_site.expected}


def test_splash_renders_the_old_style_page(js_site: JsSite, crawl, splash_url, tmp_path) -> None:  # noqa: F811
    result = crawl_outlet(
        crawl, js_site, tmp_path, 'feeds = ["/feed.xml"]', 'render = "splash"', WAIT_FOR_STORY, "render_options.max_wait = 3",
        settings={"SPLASH_URL": splash_url},
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    old, modern = js_site.page("es5"), js_site.page("modern")
    assert [item["url"] for item in result.items] == [js_site.url(old)], result.log[-3000:]
    check_article(result.items[0], old)
    # Splash's 2016 WebKit cannot run the modern page's script: it stays an empty shell.
    assert f"no article body found on {js_site.url(modern)}" in result.log
    assert stat(result.log, "splash/execute/response_count/200") == 2


def test_without_rendering_the_pages_have_no_body_and_no_browser_starts(
    js_site: JsSite, crawl, tmp_path
) -> None:
    result = crawl_outlet(crawl, js_site, tmp_path, 'feeds = ["/feed.xml"]')
    assert result.items == []
    assert f"outlet health: {OUTLET}: yielded nothing" in result.log, result.log[-3000:]
    assert result.returncode != 0
    for page in js_site.expected:
        assert f"no article body found on {js_site.url(page)}" in result.log
    assert stat(result.log, f"newscrawl/outlet/{OUTLET}/no_body") == 2
    assert stat(result.log, "playwright/browser_count") is None
    assert "Launching browser" not in result.log


@pytest.mark.parametrize(
    ("render", "settings", "named_setting"),
    [
        ("splash", {"SPLASH_URL": "http://127.0.0.1:9"}, "SPLASH_URL=http://127.0.0.1:9"),
        (
            "browser",
            {"NEWSCRAWL_CHROMIUM": "/nonexistent/chromium"},
            "NEWSCRAWL_CHROMIUM=/nonexistent/chromium",
        ),
    ],
)
def test_missing_renderer_stops_the_crawl_naming_outlet_and_setting(
    js_site: JsSite, crawl, tmp_path, render: str, settings: dict[str, str], named_setting: str
) -> None:
    result = crawl_outlet(
        crawl, js_site, tmp_path, 'feeds = ["/feed.xml"]', f'render = "{render}"', settings=settings
    )
    critical = [line for line in result.log.splitlines() if "CRITICAL" in line]
    assert any(OUTLET in line and named_setting in line for line in critical), result.log[-3000:]
    assert "'finish_reason': 'renderer_unavailable'" in result.log
    assert result.returncode != 0
    assert "Crawled (200)" not in result.log
    assert result.items == []
