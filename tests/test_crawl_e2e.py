"""End to end: real `scrapy crawl` processes against the loopback test network."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO, Network

pytestmark = pytest.mark.e2e

SCHEMA = json.loads((REPO / "newscrawl" / "schema" / "article.schema.json").read_text())


def expected_url(network: Network, page: dict) -> str:
    return network.bases[page["outlet"]] + page["path"]


def tracebacks_from_newscrawl(log: str) -> list[str]:
    """Tracebacks that pass through our code (Scrapy logs some of its own for network errors)."""
    return [block for block in log.split("Traceback (most recent call last):")[1:] if "/newscrawl/" in block]


def check_schema(items: list[dict]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for item in items:
        errors = sorted(validator.iter_errors(item), key=str)
        assert not errors, f"{item.get('url')}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_outlets_spider_exports_every_article_once(network: Network, crawl) -> None:
    result = crawl("outlets", settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file), "DEDUP_MODE": "tag"})
    assert result.returncode == 0, result.log[-3000:]
    check_schema(result.items)
    urls = Counter(item["url"] for item in result.items)
    assert max(urls.values()) == 1, [u for u, n in urls.items() if n > 1]
    by_url = {item["url"]: item for item in result.items}
    missing = [
        expected_url(network, page) for page in network.expected if expected_url(network, page) not in by_url
    ]
    assert not missing, missing
    assert len(result.items) == len(network.expected), sorted(
        set(by_url) - {expected_url(network, p) for p in network.expected}
    )
    for page in network.expected:
        item = by_url[expected_url(network, page)]
        assert item["title"] == page["title"]
        assert item["published"] is not None and item["published"][:10] == page["published"][:10], item["url"]
        assert page["body_start"][:60] in item["body"], item["url"]
        assert item["outlet"] == page["outlet"]
        assert item["authors"] == [page["author"]], item["byline_raw"]
        assert item["organization"] == page["organization"]
        assert "\n\n" in item["body"] and "\n\n\n" not in item["body"]
        assert "ORGANIZATIONS IN THIS STORY" not in item["body"] and "READ MORE" not in item["body"]
        assert "All rights reserved" not in item["body"]
    network_items = [item for item in result.items if item["network"] == "metro-local"]
    assert all(item["image"]["caption"].endswith("City Hall") for item in network_items)
    assert all(item["image"]["credit"].split("/")[1] in ("Valley Times", "River Gazette") for item in network_items)
    languages = {item["outlet"]: item["language"] for item in result.items}
    assert languages["rheinblatt"] == "de"
    assert languages["lakeside-ledger"] == "en"
    assert all(item["network"] == "metro-local" for item in result.items if item["outlet"] == "valley-times")
    check_story_groups(network, by_url)


def check_story_groups(network: Network, by_url: dict[str, dict]) -> None:
    """Copies of one story share its story_id and point at its one canonical copy; other stories never merge."""
    groups: dict[str, list[dict]] = {}
    for page in network.expected:
        groups.setdefault(page["story"], []).append(by_url[expected_url(network, page)])
    for story, items in groups.items():
        assert len({item["story_id"] for item in items}) == 1, story
        canonical = [item for item in items if item["duplicate_of"] is None]
        assert len(canonical) == 1, (story, [item["url"] for item in items])
        assert all(item["duplicate_of"] == canonical[0]["url"] for item in items if item is not canonical[0])
    assert len({items[0]["story_id"] for items in groups.values()}) == len(groups)
    assert all(len(item["simhash"]) == 16 for items in groups.values() for item in items)


def test_copies_leave_the_main_feed_in_drop_mode(network: Network, crawl, tmp_path: Path) -> None:
    copies_feed = tmp_path / "copies.jsonl"
    result = crawl(
        "outlets", settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file), "DEDUP_COPIES_FEED": str(copies_feed)}
    )
    assert result.returncode == 0, result.log[-3000:]
    check_schema(result.items)
    stories = {page["story"] for page in network.expected}
    assert len(result.items) == len(stories)
    assert all(item["duplicate_of"] is None for item in result.items)
    copies = [json.loads(line) for line in copies_feed.read_text().splitlines()]
    assert len(copies) == len(network.expected) - len(stories)
    canonical = {item["url"]: item["story_id"] for item in result.items}
    for copy in copies:
        assert set(copy) == {"url", "outlet", "duplicate_of", "story_id", "similarity"}
        assert canonical[copy["duplicate_of"]] == copy["story_id"]


def test_outlets_spider_logs_bad_pages_and_keeps_going(network: Network, crawl) -> None:
    result = crawl(
        "outlets", "-a", "outlet=wire-daily", settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file)}
    )
    assert result.returncode == 0
    assert "election-results-data-table-2026.csv is not an HTML page" in result.log
    assert "no article body found on" in result.log and "photo-gallery-holiday-lights-parade" in result.log
    assert "redirect-loop-story-test-page" in result.log and "max redirections reached" in result.log
    assert not tracebacks_from_newscrawl(result.log)
    assert {item["outlet"] for item in result.items} == {"wire-daily"}
    assert len(result.items) == sum(1 for page in network.expected if page["outlet"] == "wire-daily")


def test_network_argument_narrows_the_crawl(network: Network, crawl) -> None:
    result = crawl(
        "outlets", "-a", "network=metro-local", settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file)}
    )
    assert result.returncode == 0
    assert {item["outlet"] for item in result.items} == {"valley-times", "river-gazette"}


def test_since_skips_old_articles_without_fetching_them(network: Network, crawl) -> None:
    result = crawl(
        "outlets",
        "-a",
        "outlet=lakeside-ledger",
        "-a",
        "since=2026-11-07",
        settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file), "LOG_LEVEL": "DEBUG"},
    )
    assert result.returncode == 0
    pages = [p for p in network.expected if p["outlet"] == "lakeside-ledger"]
    new = {expected_url(network, p) for p in pages if p["published"][:10] >= "2026-11-07"}
    old = {expected_url(network, p) for p in pages} - new
    assert new and old
    assert {item["url"] for item in result.items} == new
    fetched = {
        line.split("<GET ", 1)[1].split(">", 1)[0] for line in result.log.splitlines() if "Crawled (" in line
    }
    assert not old & fetched


def test_unreachable_outlet_does_not_stop_the_others(network: Network, crawl, tmp_path: Path) -> None:
    config = tmp_path / "outlets.toml"
    config.write_text(
        network.outlets_file.read_text()
        + '\n[[outlet]]\nname = "gone-gazette"\nbase_url = "http://127.0.0.1:9"\nfeeds = ["/feed/"]\n'
    )
    result = crawl(
        "outlets", "-a", "outlet=gone-gazette,rheinblatt", settings={"NEWSCRAWL_OUTLETS": str(config)}
    )
    assert "gone-gazette: outlet unreachable?" in result.log
    assert len(result.items) == 3
    assert not tracebacks_from_newscrawl(result.log)


@pytest.mark.parametrize("outlet", ["lakeside-ledger", "rheinblatt", "wire-daily"])
def test_site_spider_needs_no_configuration(network: Network, crawl, outlet: str) -> None:
    result = crawl("site", "-a", f"url={network.bases[outlet]}/")
    assert result.returncode == 0, result.log[-3000:]
    check_schema(result.items)
    expected = {expected_url(network, p) for p in network.expected if p["outlet"] == outlet}
    found = {item["url"] for item in result.items}
    # The site spider finds what robots.txt sitemaps, advertised feeds or article links lead to.
    assert found <= expected
    assert len(found) >= {"lakeside-ledger": 10, "rheinblatt": 3, "wire-daily": 4}[outlet]
    host = network.bases[outlet].split("//")[1]
    assert {item["outlet"] for item in result.items} == {host}
