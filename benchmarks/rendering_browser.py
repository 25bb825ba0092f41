"""Rendered-crawl throughput and browser memory over many pages (render = "browser").

Serves N copies of the modern JavaScript test page (tests/sites_js) on 127.0.0.1, crawls them
with `scrapy crawl outlets` and samples the summed RSS of Chromium's processes every 2 s, to
show pages/s and that memory stays flat (pages are closed, one context is reused).

    python benchmarks/rendering_browser.py [PAGES]      # default 300

Measured 2026-11-29 on the 2-core dev machine (shared with other jobs), 300 pages,
NEWSCRAWL_RENDER_CONCURRENCY=4, wait_for set: 60 s (5 pages/s), Chromium RSS summed over its
~14 processes 1.26-1.42 GiB from the first sample to the last (no growth), stats
playwright/page_count 300 = page_count/closed 300, page_count/max_concurrent 4, one context.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.loopback import serve_sites  # noqa: E402

SOURCE = REPO / "tests" / "sites_js" / "harbor-tribune"
MODERN_PAGE = SOURCE / "news" / "2026" / "11" / "council-approves-library-budget"


def build_site(root: Path, pages: int) -> None:
    site = root / "bench"
    (site / "news").mkdir(parents=True)
    (site / "data").mkdir()
    (site / "data" / "library-budget.json").write_bytes((SOURCE / "data" / "library-budget.json").read_bytes())
    page = MODERN_PAGE.read_text(encoding="utf-8")
    entries = []
    for number in range(pages):
        (site / "news" / f"story-{number}").write_text(page, encoding="utf-8")
        entries.append(
            f'<entry><title>Story {number}</title><link href="__BASE__/news/story-{number}"/>'
            f"<id>urn:bench:{number}</id><updated>2026-11-25T10:00:00Z</updated></entry>"
        )
    feed = '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>bench</title>\n'
    (site / "feed.xml").write_text(feed + "\n".join(entries) + "\n</feed>\n", encoding="utf-8")


def chromium_rss_mib() -> float:
    listing = subprocess.run(["ps", "-eo", "rss,comm"], capture_output=True, text=True).stdout
    return sum(int(line.split()[0]) for line in listing.splitlines()[1:] if "chrom" in line) / 1024


def main(pages: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_site(root / "sites", pages)
        with serve_sites(root / "sites") as bases:
            outlets = root / "outlets.toml"
            outlets.write_text(
                f'[[outlet]]\nname = "bench"\nbase_url = "{bases["bench"]}"\nrobots_txt = false\n'
                'feeds = ["/feed.xml"]\nrender = "browser"\n'
                'render_options.wait_for = "article .story-text p"\n',
                encoding="utf-8",
            )
            command = [
                sys.executable, "-m", "scrapy", "crawl", "outlets", "-O", str(root / "out.jsonl"),
                "-s", f"NEWSCRAWL_OUTLETS={outlets}", "-s", f"NEWSCRAWL_STATE_DIR={root / 'state'}",
                "-s", "AUTOTHROTTLE_ENABLED=False",
            ]  # fmt: skip
            started = time.monotonic()
            with (root / "crawl.log").open("w") as log:
                crawl = subprocess.Popen(command, cwd=REPO, stderr=log)
                samples = []
                while crawl.poll() is None:
                    samples.append(chromium_rss_mib())
                    time.sleep(2)
            elapsed = time.monotonic() - started
            items = sum(1 for _ in (root / "out.jsonl").open())
            log_text = (root / "crawl.log").read_text()
            stats = dict(re.findall(r"'(playwright/[a-z_/]+)': (\d+)", log_text))
            running = [round(mib) for mib in samples if mib > 0]
            print(json.dumps({
                "pages": pages, "items": items, "seconds": round(elapsed, 1),
                "pages_per_second": round(items / elapsed, 2),
                "chromium_rss_mib_first_last_max": [running[0], running[-1], max(running)] if running else None,
                "stats": stats,
            }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
