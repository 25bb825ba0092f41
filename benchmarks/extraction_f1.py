"""Body F1 of extract_article (generic path, no outlet selectors) against plain trafilatura.

    python benchmarks/extraction_f1.py [DATASET_DIR] [--worst N]

DATASET_DIR defaults to ../shared/data/extraction-dev (html/<id>.html.gz + ground-truth.json);
the metric is the one described in that set's README (see newscrawl/extraction/scoring.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newscrawl.extraction import extract_article
from newscrawl.extraction.scoring import PageScore, evaluate, load_benchmark_pages, summarize

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev"


def newscrawl_body(html: bytes, url: str) -> str:
    return str(extract_article(html, url)["body"])


def trafilatura_body(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


SYSTEMS: dict[str, Callable[[bytes, str], str]] = {
    "newscrawl extract_article": newscrawl_body,
    "trafilatura 2.3.1 (defaults)": trafilatura_body,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of extract_article")
    args = parser.parse_args()
    if not (args.dataset / "ground-truth.json").exists():
        print(f"skipped: no benchmark data at {args.dataset} (../shared is not beside this checkout)")
        return
    pages = load_benchmark_pages(args.dataset)
    print(f"{len(pages)} pages from {args.dataset}")
    results: dict[str, dict[str, PageScore]] = {}
    for name, system in SYSTEMS.items():
        started = time.process_time()
        results[name] = evaluate(pages, system)
        cpu_ms = (time.process_time() - started) * 1000 / len(pages)
        summary = summarize(results[name].values())
        print(f"{name:32} F1 {summary.f1:.4f}  P {summary.precision:.4f}  R {summary.recall:.4f}  "
              f"{cpu_ms:.1f} ms CPU/page")
    urls = {page.page_id: page.url for page in pages}
    ours = results["newscrawl extract_article"]
    for page_id, score in sorted(ours.items(), key=lambda item: item[1].precision * item[1].recall)[: args.worst]:
        print(f"  P {score.precision:.3f} R {score.recall:.3f}  {urls[page_id]}")


if __name__ == "__main__":
    main()
