"""The byline stage on fixture pages (JSON-LD, meta and visible byline at once), odd items, and the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.errors import ConfigError
from newscrawl.extraction import extract_article
from newscrawl.items import Article
from newscrawl.pipelines.bylines import BylinePipeline, candidate_values
from newscrawl.text.bylines_merge import merge_bylines, same_person

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "bylines"
FIXTURE_CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "page.html").exists())


@pytest.fixture(scope="module")
def pipeline() -> BylinePipeline:
    return BylinePipeline.from_crawler(get_crawler(settings_dict={}))


@pytest.mark.parametrize("case", FIXTURE_CASES)
def test_fixture_page(case: str, pipeline: BylinePipeline) -> None:
    folder = FIXTURES / case
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    item = extract_article((folder / "page.html").read_bytes(), meta["url"])
    sources = {candidate["source"] for candidate in item["author_candidates"]}
    assert {"jsonld", "byline"} <= sources and ({"meta", "url"} & sources), (
        "fixture must offer several sources"
    )
    byline_raw = item["byline_raw"]

    result = pipeline.process_item(item)

    assert result["authors"] == expected["authors"]
    assert result["organization"] == expected["organization"]
    assert result["byline_raw"] == byline_raw
    assert "author_candidates" not in result


def test_scrapy_item_is_filled_and_working_field_removed(pipeline: BylinePipeline) -> None:
    item = Article(
        url="https://x.example/a",
        byline_raw="By JOHN SMITH, Associated Press",
        author_candidates=[
            {"value": "John Smith", "source": "jsonld"},
            {"value": "Smith, John", "source": "meta"},
        ],
    )
    result = pipeline.process_item(item)
    assert result["authors"] == ["John Smith"]
    assert result["organization"] == "Associated Press"
    assert "author_candidates" not in result


def test_wire_only_byline_gives_organization_and_no_authors(pipeline: BylinePipeline) -> None:
    item: dict[str, Any] = {"byline_raw": "By The Associated Press", "author_candidates": []}
    result = pipeline.process_item(item)
    assert result["authors"] == []
    assert result["organization"] == "The Associated Press"


@pytest.mark.parametrize(
    "item",
    [
        {},
        {"byline_raw": None, "author_candidates": None},
        {"byline_raw": 42, "author_candidates": "John Smith"},
        {
            "author_candidates": [
                None,
                3,
                {"value": None},
                {"source": "meta"},
                {"value": "", "source": "jsonld"},
            ]
        },
        {"author_candidates": [{"value": "Jane Doe", "source": "carrier-pigeon"}]},
        {"author_candidates": ["Jane Doe"], "byline_raw": "\u200b\u200b"},
        {"author_candidates": [{"value": "x" * 10000, "source": "byline"}]},
    ],
)
def test_odd_items_never_crash(item: dict[str, Any], pipeline: BylinePipeline) -> None:
    result = pipeline.process_item(item)
    assert isinstance(result["authors"], list)
    assert "author_candidates" not in result


def test_unknown_source_is_read_as_byline_text(pipeline: BylinePipeline) -> None:
    result = pipeline.process_item(
        {"author_candidates": [{"value": "By Jane Doe", "source": "carrier-pigeon"}]}
    )
    assert result["authors"] == ["Jane Doe"]


def test_byline_raw_goes_before_author_urls() -> None:
    values = candidate_values(
        [
            {"value": "https://x.example/author/jane-doe", "source": "url"},
            {"value": "Jane Doe", "source": "jsonld"},
        ],
        "By Jane Doe and John Smith",
    )
    assert [source for _, source in values] == ["jsonld", "byline", "url"]


def test_less_trusted_source_adds_people_only_when_it_confirms_one() -> None:
    confirmed = merge_bylines([("Stefan Becket", "jsonld"), ("By Stefan Becket, Kathryn Watson", "byline")])
    assert confirmed.authors == ["Stefan Becket", "Kathryn Watson"]
    unrelated = merge_bylines([("Mike Wall", "jsonld"), ("Jane Roe and Tom Poe", "byline")])
    assert unrelated.authors == ["Mike Wall"]
    from_url_only = merge_bylines([("admin", "jsonld"), ("https://x.example/author/jane-doe/", "url")])
    assert from_url_only.authors == ["Jane Doe"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("John Smith", "JOHN SMITH", True),
        ("Juan Pérez", "JUAN PEREZ", True),
        ("J. Smith", "John Smith", True),
        ("Troy L. Smith", "Troy Smith", True),
        ("Mary-Ann O’Neil", "mary ann o'neil", True),
        ("John Smith", "Jane Smith", False),
        ("John Smith", "John Smithson", False),
        ("Troy L. Smith", "Troy K. Smith", False),
        ("Smith", "John Smith", False),
        ("홍길동", "홍길동", True),
    ],
)
def test_same_person(first: str, second: str, same: bool) -> None:
    assert same_person(first, second) is same
    assert same_person(second, first) is same


def test_bad_rules_setting_stops_the_crawl_early(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("outlets = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="outlets"):
        BylinePipeline.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_BYLINE_RULES": str(tmp_path)}))


def test_bylines_command_prints_json() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "bylines", "By JOHN SMITH and JANE DOE, Associated Press"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "authors": ["John Smith", "Jane Doe"],
        "organization": "Associated Press",
    }


def test_bylines_command_reads_other_sources() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "bylines",
            "--source",
            "jsonld",
            "Smith, John",
            "van der Berg, Anna",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [row["authors"] for row in rows] == [["John Smith"], ["Anna van der Berg"]]
