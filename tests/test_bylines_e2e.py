"""The byline stage inside a real ``scrapy crawl`` of the loopback test network."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from tests.conftest import REPO, Network

pytestmark = pytest.mark.e2e

PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.bylines.BylinePipeline": 300,
}


def test_crawl_fills_authors_and_organization(network: Network, crawl) -> None:
    result = crawl(
        "outlets",
        settings={"NEWSCRAWL_OUTLETS": str(network.outlets_file), "ITEM_PIPELINES": json.dumps(PIPELINES)},
    )
    assert result.returncode == 0, result.log[-3000:]
    assert result.items
    assert "/newscrawl/pipelines/bylines.py" not in result.log, result.log[-3000:]
    schema = json.loads((REPO / "newscrawl" / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for item in result.items:
        assert "author_candidates" not in item
        assert not list(validator.iter_errors(item)), item["url"]
        assert all(name == name.strip() and not name.isupper() for name in item["authors"]), item["authors"]
    credited = [item for item in result.items if item.get("byline_raw")]
    assert credited, "the test network has bylines"
    for item in credited:
        wire = re.search(r",\s*(Associated Press|Reuters|AFP|dpa)\s*$", item["byline_raw"])
        if wire:
            assert item["organization"] == wire.group(1), item["byline_raw"]
    assert any(item["authors"] for item in credited)
