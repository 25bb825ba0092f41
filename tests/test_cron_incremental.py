"""Incremental runs against a network that changes between them: new, updated, unchanged, broken."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newscrawl.monitor import ExitCode
from tests.conftest import REPO, Network, crawl_command, read_jsonl, start
from tests.sites.generate import BASE, make_story, wordpress_page

pytestmark = pytest.mark.e2e

LEDGER_SITEMAP = "lakeside-ledger/post-sitemap.xml"


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, timeout=300)


def fetched_urls(log: str) -> set[str]:
    return set(re.findall(r"Crawled \(\d+\) <GET ([^>]+)>", log))


def expected_urls(network: Network) -> set[str]:
    return {network.bases[page["outlet"]] + page["path"] for page in network.expected}


def add_ledger_articles(network: Network, count: int) -> list[str]:
    """New WordPress articles listed in the ledger's post sitemap; returns their URLs."""
    rng = random.Random(99)
    sitemap = network.root / LEDGER_SITEMAP
    rows = []
    urls = []
    for index in range(count):
        story = make_story(rng, 200 + index * 3, 28)
        story.slug = f"{story.slug}-late-edition-{index}"
        story.paragraphs = [f"{p} ({story.slug} report {index})" for p in story.paragraphs]
        path = f"/2026/11/28/{story.slug}/"
        page = network.root / "lakeside-ledger" / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(wordpress_page(story, f"{BASE}{path}", "Lakeside Ledger"), encoding="utf-8")
        rows.append(f"<url><loc>{BASE}{path}</loc><lastmod>2026-11-28T20:00:00-05:00</lastmod></url>")
        urls.append(network.bases["lakeside-ledger"] + path)
    sitemap.write_text(sitemap.read_text().replace("</urlset>", "\n".join(rows) + "\n</urlset>"))
    return urls


def update_ledger_article(network: Network) -> str:
    """Add a correction to the first article of the post sitemap and bump its lastmod."""
    sitemap = network.root / LEDGER_SITEMAP
    text = sitemap.read_text()
    match = re.search(r"<url><loc>__BASE__(/[^<]+)</loc><lastmod>([^<]+)</lastmod></url>", text)
    assert match
    path, lastmod = match.groups()
    sitemap.write_text(text.replace(f"{path}</loc><lastmod>{lastmod}", f"{path}</loc><lastmod>2026-11-29T09:00:00+00:00"))
    page = network.root / "lakeside-ledger" / path.strip("/") / "index.html"
    html = page.read_text()
    page.write_text(html.replace("</p>\n<div class=\"sharedaddy\">", "</p>\n<p>Correction: an earlier version of this story misstated the date of the next vote, which is on Dec. 9.</p>\n<div class=\"sharedaddy\">", 1))
    return network.bases["lakeside-ledger"] + path


def test_second_run_fetches_only_listings_and_third_only_what_changed(
    changing_network: Network, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    first = run([*crawl_command(changing_network, state, tmp_path / "run1.jsonl"), "-s", "LOG_LEVEL=DEBUG"])
    assert first.returncode == ExitCode.OK, first.stderr[-3000:]
    exported = read_jsonl(tmp_path / "run1.jsonl") + read_jsonl(state / "copies.jsonl")
    assert sorted(item["url"] for item in exported) == sorted(expected_urls(changing_network))

    second = run([*crawl_command(changing_network, state, tmp_path / "run2.jsonl"), "-s", "LOG_LEVEL=DEBUG"])
    assert second.returncode == ExitCode.OK, second.stderr[-3000:]
    assert read_jsonl(tmp_path / "run2.jsonl") == []
    assert not fetched_urls(second.stderr) & expected_urls(changing_network)
    assert "/sitemap-news.xml" in " ".join(fetched_urls(second.stderr))

    new = add_ledger_articles(changing_network, 3)
    updated = update_ledger_article(changing_network)
    third = run([*crawl_command(changing_network, state, tmp_path / "run3.jsonl"), "-s", "LOG_LEVEL=DEBUG"])
    assert third.returncode == ExitCode.OK, third.stderr[-3000:]
    items = read_jsonl(tmp_path / "run3.jsonl")
    assert sorted(item["url"] for item in items) == sorted([*new, updated])
    assert fetched_urls(third.stderr) & expected_urls(changing_network) == {updated}
    revised = next(item for item in items if item["url"] == updated)
    assert "Correction:" in revised["body"]
    original = next(item for item in read_jsonl(tmp_path / "run1.jsonl") if item["url"] == updated)
    assert revised["story_id"] == original["story_id"]


def test_layout_change_gives_a_health_warning_and_exit_code_5(changing_network: Network, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = run(crawl_command(changing_network, state, tmp_path / "run1.jsonl", "-a", "outlet=valley-times"))
    assert first.returncode == ExitCode.OK, first.stderr[-3000:]
    for page in (changing_network.root / "valley-times" / "stories").glob("6*"):
        page.write_text(page.read_text().replace('class="story-body"', 'class="article-text"'))
    second = run(
        crawl_command(
            changing_network, state, tmp_path / "run2.jsonl", "-a", "outlet=valley-times",
            "-s", "NEWSCRAWL_INCREMENTAL=0",
        )
    )
    assert second.returncode == ExitCode.UNHEALTHY, second.stderr[-3000:]
    assert "outlet health: valley-times: body_selector coverage fell to 0%" in second.stderr


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_random_moments_loses_nothing(changing_network: Network, tmp_path: Path, seed: int) -> None:
    state, data = tmp_path / "state", tmp_path / "data"
    slow = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.04", "-s", f"NEWSCRAWL_DEFAULT_FEED={data}/{{time}}-{{spider}}.jsonl")
    rng = random.Random(seed)
    for _ in range(3):
        crawl = start(crawl_command(changing_network, state, None, *slow))
        time.sleep(rng.uniform(1.0, 4.0))
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        time.sleep(1.1)  # output files are named by the second
    final = run(crawl_command(changing_network, state, None, *slow))
    assert final.returncode == ExitCode.OK, final.stderr[-3000:]
    assert not list(data.glob("*.part"))
    items = [item for path in sorted(data.glob("*.jsonl")) for item in read_jsonl(path)]
    copies = [item["url"] for item in read_jsonl(state / "copies.jsonl")]
    # Every article once after collapsing re-exports: a story's first copy in the outputs (an item a killed
    # run wrote but had not yet recorded as seen comes again, with the same story_id), the rest as copies.
    assert sorted({item["url"] for item in items} | set(copies)) == sorted(expected_urls(changing_network))
    story_ids: dict[str, set[str]] = {}
    for item in items:
        story_ids.setdefault(item["url"], set()).add(item["story_id"])
    assert all(len(ids) == 1 for ids in story_ids.values())


def test_state_command_reports_and_forgets(network: Network, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert run(crawl_command(network, state, tmp_path / "run1.jsonl")).returncode == ExitCode.OK
    shown = run(["scrapy", "state", "-s", f"NEWSCRAWL_STATE_DIR={state}"])
    report = json.loads(shown.stdout)
    per_outlet = {page["outlet"] for page in network.expected}
    assert set(report["seen_urls_per_outlet"]) >= per_outlet
    assert report["seen_urls_per_outlet"]["rheinblatt"] == 3
    assert report["bytes"] > 0
    forgot = json.loads(
        run(["scrapy", "state", "--forget-outlet", "rheinblatt", "-s", f"NEWSCRAWL_STATE_DIR={state}"]).stdout
    )
    assert forgot["forgotten_outlet"] == {"rheinblatt": 3}
    again = run(crawl_command(network, state, tmp_path / "run2.jsonl"))
    assert again.returncode == ExitCode.OK
    assert {item["outlet"] for item in read_jsonl(tmp_path / "run2.jsonl")} <= {"rheinblatt"}
