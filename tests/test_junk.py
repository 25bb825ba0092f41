"""Junk rules as data (loading, validation, layering), context rules, the pipeline and the command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.errors import ConfigError
from newscrawl.items import Article
from newscrawl.pipelines.junk import JunkPipeline
from newscrawl.text.junk import (
    combine_rules,
    default_rules,
    load_rules,
    split_caption,
    split_paragraphs,
    strip_junk,
)
from tests.conftest import run_scrapy

STORY = [
    "The council voted 5-2 on Tuesday to approve the budget, which adds 14 police officers.",
    "Council member Ana Torres said residents were not given enough time to review it.",
    "The new rates take effect July 1, officials said.",
]


def _rules(table: dict[str, Any]) -> Any:
    return combine_rules(default_rules(), load_rules(table, "outlets/test.toml", prefix="network.test.junk"))


# --- rules as data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ({"rules": []}, "network.test.junk.rules", "unknown key"),
        ({"rule": [{"name": "x", "kind": "promo"}]}, "exact", "either 'exact'"),
        ({"rule": [{"name": "x", "kind": "nonsense", "exact": ["a"]}]}, "kind", "expected one of"),
        ({"rule": [{"name": "x", "kind": "promo", "pattern": "(unclosed"}]}, "pattern", "bad regular expression"),
        ({"rule": [{"name": "x", "kind": "promo", "pattern": "{{nope}}"}]}, "pattern", "unknown macro"),
        ({"rule": [{"name": "x", "kind": "promo", "pattern": "(?P<who>a)"}]}, "pattern", "unknown named group"),
        ({"rule": [{"name": "x", "kind": "promo", "exact": ["a"], "last": 0}]}, "last", "whole number >= 1"),
        ({"rule": [{"name": "x", "kind": "promo", "exact": ["a"], "colour": "red"}]}, "colour", "unknown key"),
        ({"rule": [{"name": "bad name", "kind": "promo", "exact": ["a"]}]}, "name", "expected a name"),
        (
            {"rule": [{"name": "x", "kind": "promo", "exact": ["a"]}, {"name": "x", "kind": "ad", "exact": ["b"]}]},
            "rule",
            "used twice",
        ),
        ({"structure": {"lead_chrome": "yes"}}, "structure.lead_chrome", "true or false"),
        ({"disable": "read-more-link, share-bar"}, None, None),
    ],
)
def test_bad_junk_tables_name_file_and_key(table: dict[str, Any], key: str | None, problem: str | None) -> None:
    if key is None:
        load_rules(table, "outlets/test.toml")
        return
    with pytest.raises(ConfigError) as error:
        load_rules(table, "outlets/test.toml", prefix="network.test.junk")
    assert error.value.file == "outlets/test.toml"
    assert key in error.value.key
    assert problem in error.value.problem


def test_a_network_rule_with_a_position_limit() -> None:
    rules = _rules(
        {"rule": [{"name": "sponsor-note", "kind": "promo", "pattern": "^Sponsored by the", "last": 2}]}
    )
    sponsor = "Sponsored by the Chamber of Commerce"
    assert strip_junk([sponsor, *STORY]).kept == [sponsor, *STORY]
    assert strip_junk([sponsor, *STORY], rules).kept == [sponsor, *STORY]
    result = strip_junk([*STORY, sponsor], rules)
    assert result.kept == STORY
    assert [(label.kind, label.rule) for label in result.removed] == [("promo", "sponsor-note")]


def test_layers_replace_rules_by_name_and_disable_them() -> None:
    replaced = _rules({"rule": [{"name": "advertisement", "kind": "ad", "exact": ["Anzeige"]}]})
    assert strip_junk(["Advertisement", *STORY], replaced).kept == ["Advertisement", *STORY]
    assert strip_junk(["Anzeige", *STORY], replaced).kept == STORY
    disabled = _rules({"disable": ["read-more-link", "read-more-phrase"]})
    read_more = "READ MORE: Council delays vote on parking fees"
    assert strip_junk([*STORY[:2], read_more, STORY[2]], disabled).kept == [*STORY[:2], read_more, STORY[2]]
    assert strip_junk([*STORY[:2], read_more, STORY[2]]).kept == STORY


def test_network_patterns_can_use_default_macros() -> None:
    rules = _rules({"rule": [{"name": "agency-only", "kind": "credit", "pattern": "^{{agency}}$"}]})
    assert strip_junk(["NurPhoto", *STORY], rules).kept == STORY


def test_structure_options_can_be_switched_off_per_network() -> None:
    lines = ["Budget passes after long debate", "Advertisement", *STORY]
    assert strip_junk(lines).kept == STORY
    no_chrome = _rules({"structure": {"lead_chrome": False}})
    assert strip_junk(lines, no_chrome).kept == ["Budget passes after long debate", *STORY]


# --- context rules ------------------------------------------------------------------------------


def test_widget_heading_claims_the_link_lines_under_it() -> None:
    lines = [*STORY, "Related Stories", "Police chief to retire after 30 years", "Parking fees delayed again"]
    result = strip_junk(lines)
    assert result.kept == STORY
    assert {label.kind for label in result.removed} == {"related"}


def test_short_story_lines_above_footer_junk_stay() -> None:
    signature = "— Governor Kristi Noem (@govkristinoem) November 18, 2019"
    lines = [*STORY, signature, "Share this:", "Facebook", "Twitter"]
    assert strip_junk(lines).kept == [*STORY, signature]


def test_story_opening_fragments_stay_without_junk_around_them() -> None:
    lines = ["BAAR, SWITZERLAND", *STORY]
    assert strip_junk(lines).kept == lines


def test_a_repeated_headline_goes_when_the_title_is_known() -> None:
    title = "Council approves budget, adds police officers"
    result = strip_junk([title, *STORY], title=title)
    assert result.kept == STORY
    assert result.removed[0].kind == "headline"


def test_caption_and_credit_on_separate_lines_pair_up() -> None:
    lines = [STORY[0], "Ana Torres speaks at Tuesday's meeting.", "Photo: Jane Doe/Riverside Record", *STORY[1:]]
    result = strip_junk(lines)
    assert result.credit == "Jane Doe/Riverside Record"
    assert result.caption is None
    assert "Ana Torres speaks at Tuesday's meeting." in result.kept


def test_a_caption_far_into_the_story_is_not_the_lead_image() -> None:
    lines = [*STORY, *STORY, "A crowd at the meeting. (AP Photo/Jane Doe)"]
    result = strip_junk(lines)
    assert result.kept == STORY * 2
    assert (result.caption, result.credit) == (None, None)


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("U.S. Secretary of State Antony J. Blinken | Facebook/Antony J. Blinken",
         "U.S. Secretary of State Antony J. Blinken", "Facebook/Antony J. Blinken"),
        ("Fans celebrate in Buenos Aires. (AP Photo/Jane Doe)", "Fans celebrate in Buenos Aires.", "AP Photo/Jane Doe"),
        ("A man walks past a shop in Beijing. STR/AFP via Getty Images", "A man walks past a shop in Beijing.",
         "STR/AFP via Getty Images"),
        ("Credit: Jane Doe for The Texas Tribune", None, "Jane Doe for The Texas Tribune"),
        ("Gov. Greg Abbott in Austin", "Gov. Greg Abbott in Austin", None),
        ("   ", None, None),
    ],
)
def test_split_caption(text: str, caption: str | None, credit: str | None) -> None:
    assert split_caption(text) == (caption, credit)


def test_blank_lines_are_skipped_and_kept_lines_returned_as_given() -> None:
    result = strip_junk(["", "  " + STORY[0] + "\xa0", "\t", STORY[1], " Advertisement "])
    assert result.kept == ["  " + STORY[0] + "\xa0", STORY[1]]
    assert [label.index for label in result.labels] == [1, 3, 4]


def test_split_paragraphs_on_blank_lines() -> None:
    assert split_paragraphs("a\n\n b \n \nc\nd\n\n\n") == ["a", "b", "c\nd"]


def test_default_rules_are_loaded_once() -> None:
    assert default_rules() is default_rules()


# --- the pipeline -------------------------------------------------------------------------------

OUTLETS = """
[[network]]
name = "lookalike"
junk.rule = [{ name = "lookalike-notify", kind = "promo", exact = ["Get alerts for this organization"] }]

[[outlet]]
name = "globe-banner"
base_url = "https://globebanner.example/"
network = "lookalike"
junk.rule = [{ name = "globe-footer", kind = "widget", exact = ["Globe Banner Home"] }]
"""


@pytest.fixture()
def pipeline(tmp_path: Path) -> JunkPipeline:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(OUTLETS, encoding="utf-8")
    crawler = get_crawler(settings_dict={"NEWSCRAWL_OUTLETS": str(outlets)})
    return JunkPipeline.from_crawler(crawler)


def _item(outlet: str, body_lines: list[str], image: Any = None) -> Article:
    return Article(
        url="https://globebanner.example/stories/1",
        outlet=outlet,
        title="Council approves budget",
        body="\n\n".join(body_lines),
        word_count=0,
        image=image,
    )


def test_pipeline_applies_default_network_and_outlet_rules(pipeline: JunkPipeline) -> None:
    body = [
        "Mayor Jane Doe | Facebook/Jane Doe",
        "Council approves budget",
        "Get alerts for this organization",
        *STORY,
        "This article originally appeared on The Center Square.",
        "Globe Banner Home",
    ]
    item = pipeline.process_item(_item("globe-banner", body))
    assert item["body"] == "\n\n".join(STORY)
    assert item["word_count"] == len(item["body"].split())
    assert item["image"] == {"url": None, "caption": "Mayor Jane Doe", "credit": "Facebook/Jane Doe"}
    assert item["original_source"] == "The Center Square"
    stats = pipeline.stats.get_stats()
    assert stats["junk/removed/lookalike-notify"] == 1
    assert stats["junk/removed/globe-footer"] == 1
    assert stats["junk/removed/caption-bar-credit"] == 1


def test_pipeline_keeps_the_extractors_caption(pipeline: JunkPipeline) -> None:
    image = {"url": "https://globebanner.example/a.jpg", "caption": "The mayor", "credit": None}
    item = pipeline.process_item(_item("globe-banner", ["Mayor Jane Doe | Facebook/Jane Doe", *STORY], image))
    assert item["image"] == {"url": image["url"], "caption": "The mayor", "credit": "Facebook/Jane Doe"}
    assert item["original_source"] is None


def test_unknown_outlets_get_the_defaults(pipeline: JunkPipeline) -> None:
    item = pipeline.process_item(_item("example.org", [*STORY, "Globe Banner Home", "Advertisement"]))
    assert item["body"] == "\n\n".join([*STORY, "Globe Banner Home"])


def test_a_bad_outlet_rule_stops_the_pipeline_at_start(tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(OUTLETS.replace('exact = ["Globe Banner Home"]', 'pattern = "(oops"'), encoding="utf-8")
    crawler = get_crawler(settings_dict={"NEWSCRAWL_OUTLETS": str(outlets)})
    with pytest.raises(ConfigError) as error:
        JunkPipeline.from_crawler(crawler)
    assert error.value.file == str(outlets)
    assert error.value.key.startswith("outlet.globe-banner.junk.rule[0]")


# --- the command --------------------------------------------------------------------------------


def test_scrapy_junk_labels_a_text_file(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("\n\n".join(["Jane Doe | Facebook/Jane Doe", *STORY, "More News"]), encoding="utf-8")
    done = run_scrapy(["junk", str(page)], timeout=120)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert rows[0].split()[:2] == ["caption", "caption-bar-credit"]
    assert rows[1].startswith("story")
    assert rows[4].split()[:2] == ["widget", "widget-heading"]
    assert "image caption: 'Jane Doe'" in done.stdout


def test_scrapy_junk_reports_a_missing_file(tmp_path: Path) -> None:
    done = run_scrapy(["junk", str(tmp_path / "nope.txt")], timeout=120)
    assert done.returncode == 2
    assert "error:" in done.stderr
