"""DedupPipeline inside a Scrapy crawler: fields, drop and tag modes, the side feed, bad settings."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.errors import ConfigError
from newscrawl.items import Article
from newscrawl.pipelines.dedup import DedupPipeline

BODY = "\n\n".join(
    f"Paragraph {n}: the school board of Lakeside weighed option {n} for the new building, at {n * 9} dollars."
    for n in range(10)
)


def pipeline(tmp_path: Path, **settings: object) -> DedupPipeline:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_STATE_DIR": str(tmp_path / "state"), **settings})
    return DedupPipeline.from_crawler(crawler)


def article(url: str, body: str = BODY) -> Article:
    return Article(url=url, canonical_url=None, outlet=url.split("/")[2], title="School board", body=body)


def test_drop_mode_drops_copies_to_the_side_feed(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    first = stage.process_item(article("https://a.example/board"))
    assert first["duplicate_of"] is None and len(first["simhash"]) == 16
    with pytest.raises(DropItem) as dropped:
        stage.process_item(article("https://b.example/board-copy"))
    assert dropped.value.log_level == "DEBUG"
    stage.close_spider()
    (copy,) = [orjson.loads(line) for line in (tmp_path / "state" / "copies.jsonl").read_bytes().splitlines()]
    assert copy == {
        "url": "https://b.example/board-copy",
        "outlet": "b.example",
        "duplicate_of": "https://a.example/board",
        "story_id": first["story_id"],
        "similarity": 1.0,
    }


def test_tag_mode_keeps_copies_and_state_carries_over_runs(tmp_path: Path) -> None:
    first_run = pipeline(tmp_path, DEDUP_MODE="tag")
    original = first_run.process_item(article("https://a.example/board"))
    first_run.close_spider()
    second_run = pipeline(tmp_path, DEDUP_MODE="tag", DEDUP_COPIES_FEED=str(tmp_path / "copies.jsonl"))
    copy = second_run.process_item(article("https://c.example/board?utm_source=x", BODY + "\n\nMore News"))
    second_run.close_spider()
    assert (copy["story_id"], copy["duplicate_of"]) == (original["story_id"], "https://a.example/board")
    assert not (tmp_path / "copies.jsonl").exists()


def test_unknown_mode_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DEDUP_MODE"):
        pipeline(tmp_path, DEDUP_MODE="merge")
