"""CPU per page: the full newscrawl pipeline against a bare Scrapy spider, on the same loopback network.

Generates a network of look-alike outlets whose pages weigh 60-120 KB like real
news pages (navigation, inline scripts and styles, teaser rails, footers around
the story), serves it on 127.0.0.1 and runs, as real subprocesses:

  (a) a bare Scrapy SitemapSpider that only reads ``<h1>`` from every article, and
  (b) ``scrapy crawl outlets`` with the whole pipeline and JSON Lines export.

CPU time is the children's user+sys time. Each side runs at two sizes; the
difference divided by the difference in pages is the per-page cost without
process start-up (imports), which is reported too.

    python benchmarks/crawl_cpu.py [--pages 600] [--small 150] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.loopback import serve_sites  # noqa: E402
from tests.sites.generate import BASE, FIRST, LAST, make_story, network_page  # noqa: E402

OUTLETS = ["north-star", "south-post", "east-herald", "west-courier"]
BARE_SPIDER = '''
import scrapy
from scrapy.spiders import SitemapSpider

class Bare(SitemapSpider):
    name = "bare"
    def __init__(self, sitemaps="", **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = sitemaps.split(",")
    def parse(self, response):
        yield {"url": response.url, "h1": response.css("h1::text").get()}
'''
SETTINGS = [
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "CONCURRENT_REQUESTS=16",
    "-s", "LOG_LEVEL=WARNING", "-s", "ROBOTSTXT_OBEY=0",
]


def chrome(rng: random.Random, site: str) -> tuple[str, str, str]:
    """Header, rail and footer markup of the size real outlets wrap around a story (60-120 KB a page)."""
    weight = rng.uniform(0.55, 1.45)
    nav = "".join(
        f'<li class="menu-item menu-item-type-taxonomy"><a href="{BASE}/section/{rng.randint(1, 999)}/">'
        f"{rng.choice(FIRST)} {rng.choice(LAST)} topics</a></li>"
        for _ in range(int(120 * weight))
    )
    script = "".join(
        f"window.__cfg_{i}={{id:{rng.randint(1, 10**9)},slot:'ad-{i}',sizes:[[300,250],[728,90]],"
        f"targeting:{{section:'local',kw:['{rng.choice(LAST)}','{rng.choice(FIRST)}']}}}};\n"
        for i in range(int(260 * weight))
    )
    style = "".join(f".c{i}{{margin:{i % 9}px;padding:{i % 7}px;color:#{i * 4111 % 0xFFFFFF:06x}}}\n" for i in range(500))
    header = (
        f"<style>{style}</style><script>{script}</script>"
        f'<header class="site-header"><a href="{BASE}/">{site}</a><nav><ul>{nav}</ul></nav></header>'
    )
    teasers = "".join(
        f'<div class="teaser"><a href="{BASE}/section/{rng.randint(1, 99)}/"><img src="/t/{i}.jpg" alt="">'
        f"<span>{rng.choice(FIRST)} {rng.choice(LAST)} says the county budget is on track</span></a></div>"
        for i in range(int(60 * weight))
    )
    rail = f'<aside class="rail"><h3>Trending</h3>{teasers}</aside>'
    links = "".join(f'<a href="{BASE}/info/{i}">Footer link {i}</a> ' for i in range(150))
    footer = f"<footer>{links}<p>© 2026 {site}</p></footer>"
    return header, rail, footer


def build_network(root: Path, pages: int) -> Path:
    rng = random.Random(7)
    per_outlet = pages // len(OUTLETS)
    outlets_toml = [
        "[[network]]",
        'name = "bench-network"',
        'selectors.title = "h1.story-title"',
        'selectors.body = "div.story-body > p"',
        'selectors.byline = "div.story-byline .byline-name"',
        'selectors.image_caption = "figure.lead-image figcaption"',
        "",
    ]
    sizes = []
    for outlet in OUTLETS:
        folder = root / outlet
        rows = []
        for n in range(per_outlet):
            header, rail, footer = chrome(rng, outlet)
            story = make_story(rng, n, 1 + n % 27)
            story.slug = f"{story.slug}-{n}"
            path = f"/stories/{100000 + n}-{story.slug}"
            page = network_page(story, f"{BASE}{path}", outlet, f"Photo | {rng.choice(LAST)}/{outlet}", "Globe Banner")
            page = page.replace("<body>", f"<body>{header}", 1).replace("</body>", f"{rail}{footer}</body>", 1)
            (folder / "stories").mkdir(parents=True, exist_ok=True)
            (folder / "stories" / f"{100000 + n}-{story.slug}").write_text(page, encoding="utf-8")
            sizes.append(len(page.encode()))
            rows.append(f"<url><loc>{BASE}{path}</loc><lastmod>{story.modified}</lastmod></url>")
        (folder / "sitemap.xml").write_text(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(rows) + "</urlset>"
        )
        (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n")
        outlets_toml += [
            "[[outlet]]",
            f'name = "{outlet}"',
            f'base_url = "__BASE_{outlet}__"',
            'network = "bench-network"',
            "robots_txt = false",
            'sitemaps = ["/sitemap.xml"]',
            "",
        ]
    (root / "outlets.toml.tmpl").write_text("\n".join(outlets_toml))
    print(f"generated {len(sizes)} pages, {min(sizes) // 1024}-{max(sizes) // 1024} KB (mean {sum(sizes) // len(sizes) // 1024} KB)")
    return root


def child_cpu(command: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr[-3000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def count_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def measure(pages: int, work: Path) -> dict[str, float]:
    site_root = build_network(work / f"sites-{pages}", pages)
    with serve_sites(site_root, OUTLETS) as bases:
        config = site_root / "outlets.toml"
        text = (site_root / "outlets.toml.tmpl").read_text()
        for name, base in bases.items():
            text = text.replace(f"__BASE_{name}__", base)
        config.write_text(text)
        bare_dir = work / f"bare-{pages}"
        bare_dir.mkdir()
        (bare_dir / "bare.py").write_text(BARE_SPIDER)
        sitemaps = ",".join(f"{base}/sitemap.xml" for base in bases.values())
        bare_out = bare_dir / "out.jsonl"
        bare_cpu = child_cpu(
            [sys.executable, "-m", "scrapy", "runspider", "bare.py", "-a", f"sitemaps={sitemaps}", "-O", str(bare_out), *SETTINGS],
            bare_dir,
        )
        full_out = work / f"full-{pages}.jsonl"
        full_cpu = child_cpu(
            [
                sys.executable, "-m", "scrapy", "crawl", "outlets", "-O", str(full_out),
                "-s", f"NEWSCRAWL_OUTLETS={config}", "-s", f"NEWSCRAWL_STATE_DIR={work / f'state-{pages}'}", *SETTINGS,
            ],
            REPO,
        )
    return {
        "pages": pages,
        "bare_items": count_lines(bare_out),
        "full_items": count_lines(full_out),
        "bare_cpu_s": round(bare_cpu, 3),
        "full_cpu_s": round(full_cpu, 3),
    }


def one_comparison(small_pages: int, large_pages: int, work: Path) -> dict[str, float]:
    for part in ("a", "b"):
        (work / part).mkdir(parents=True)
    small = measure(small_pages, work / "a")
    large = measure(large_pages, work / "b")
    pages = large["pages"] - small["pages"]
    bare = (large["bare_cpu_s"] - small["bare_cpu_s"]) / pages * 1000
    full = (large["full_cpu_s"] - small["full_cpu_s"]) / pages * 1000
    return {
        "bare_ms_per_page_incl_startup": round(large["bare_cpu_s"] / large["pages"] * 1000, 2),
        "full_ms_per_page_incl_startup": round(large["full_cpu_s"] / large["pages"] * 1000, 2),
        "bare_ms_per_page": round(bare, 2),
        "full_ms_per_page": round(full, 2),
        "ratio": round(full / bare, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--small", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3, help="comparisons to run; the median ratio is reported")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newscrawl-bench-"))
    try:
        comparisons = []
        for round_number in range(args.repeat):
            comparisons.append(one_comparison(args.small, args.pages, work / str(round_number)))
            print(json.dumps(comparisons[-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"median_ratio": statistics.median(c["ratio"] for c in comparisons)}))


if __name__ == "__main__":
    main()
