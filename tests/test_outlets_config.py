"""The outlet registry: valid files load, broken ones name the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newscrawl.errors import ConfigError
from newscrawl.outlets import DEFAULT_SETTINGS_DIR, load_registry
from tests.conftest import run_scrapy

CASES = tomllib.loads((Path(__file__).parent / "data" / "bad_outlet_configs.toml").read_text())["case"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_file_names_file_and_key(tmp_path: Path, case: dict) -> None:
    path = tmp_path / "outlet.toml"
    path.write_text(case["text"])
    with pytest.raises(ConfigError) as caught:
        load_registry(path)
    assert caught.value.file == str(path)
    assert caught.value.key == case["key"]
    assert case["says"] in str(caught.value)


def test_shipped_definitions_load_and_are_marked_examples() -> None:
    registry = load_registry(DEFAULT_SETTINGS_DIR)
    assert len(registry.networks) >= 2
    assert all(outlet.example for outlet in registry.outlets.values())
    assert all(outlet.network in registry.networks for outlet in registry.outlets.values())


def test_outlet_inherits_network_selectors_and_overrides_them(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[network]]\nname = "n"\nselectors.title = "h1.a"\nselectors.body = "div.a p"\n'
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.toml").write_text(
        '[[outlet]]\nname = "o"\nbase_url = "http://127.0.0.1:8/"\nnetwork = "n"\nselectors.body = ["div.b p", "p"]\n'
    )
    outlet = load_registry(tmp_path).outlets["o"]
    assert outlet.selectors == {"title": ("h1.a",), "body": ("div.b p", "p")}
    assert outlet.absolute("/feed/") == "http://127.0.0.1:8/feed/"


def test_outlet_defined_twice_is_an_error(tmp_path: Path) -> None:
    text = '[[outlet]]\nname = "o"\nbase_url = "http://127.0.0.1:8/"\n'
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text)
    with pytest.raises(ConfigError, match="defined twice"):
        load_registry(tmp_path)


def test_allow_and_deny_patterns(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[outlet]]\nname = "o"\nbase_url = "http://127.0.0.1:8/"\n'
        "allow = ['/stories/\\d+']\ndeny = ['/stories/\\d+-sponsored']\n"
    )
    outlet = load_registry(tmp_path).outlets["o"]
    assert outlet.accepts_article("http://127.0.0.1:8/stories/123-council-votes")
    assert not outlet.accepts_article("http://127.0.0.1:8/stories/123-sponsored-post")
    assert not outlet.accepts_article("http://127.0.0.1:8/about/")


def test_crawl_with_broken_file_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[outlet]]\nname = "x"\nbase_url = "http://127.0.0.1:1/"\nfeed = ["/rss"]\n')
    done = run_scrapy(
        ["crawl", "outlets", "-s", f"NEWSCRAWL_OUTLETS={path}", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}"]
    )
    assert done.returncode != 0
    assert f"{path}: outlet.x.feed: unknown key" in done.stderr
