"""Bylines normalized per second on one core, over a realistic mix of raw author values.

The main mix: every case of ``tests/data/bylines*.tsv`` (visible bylines, JSON-LD, meta values and author URLs
from many countries) plus, when ``../shared/data/extraction-dev`` is there, every raw author value the
article extractor finds on those 88 real pages (also measured alone: a crawl's own mix, mostly plain
JSON-LD and meta names). The list is shuffled each round; nothing is cached between
calls (each call reads its value from scratch with the rules loaded once, as in a crawl). Time is the
process's CPU time (one thread, so one core), so other work on a shared machine does not count against it.

    python benchmarks/bylines_speed.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newscrawl.text.bylines import BylineRules, load_byline_rules, normalize_byline  # noqa: E402

DEV_SET = REPO.parent / "shared" / "data" / "extraction-dev"


def case_values() -> list[tuple[str, str]]:
    values = []
    for path in sorted((REPO / "tests" / "data").glob("bylines*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                raw, source = [*line.split("\t"), ""][:2]
                values.append((raw, source or "byline"))
    return values


def page_values() -> list[tuple[str, str]]:
    """Raw author values of the real pages, as the extractor hands them to the byline pipeline."""
    if not DEV_SET.is_dir():
        return []
    from newscrawl.extraction import extract_article

    truth = json.loads((DEV_SET / "ground-truth.json").read_text(encoding="utf-8"))
    values = []
    for page_id, record in sorted(truth.items()):
        html = gzip.decompress((DEV_SET / "html" / f"{page_id}.html.gz").read_bytes())
        article = extract_article(html, record["url"])
        values += [(c["value"], c["source"]) for c in article.get("author_candidates") or []]
        if article.get("byline_raw"):
            values.append((article["byline_raw"], "byline"))
    return values


def measure(values: list[tuple[str, str]], rounds: int, rules: BylineRules) -> list[float]:
    """Bylines per CPU second, one figure per round over the shuffled list."""
    values = list(values)
    rng = random.Random(7)
    rates = []
    for _ in range(rounds):
        rng.shuffle(values)
        start = time.process_time()
        for raw, source in values:
            normalize_byline(raw, source, rules)
        rates.append(len(values) / (time.process_time() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    options = parser.parse_args()
    rules = load_byline_rules()
    cases, pages = case_values(), page_values()
    mixes = [("test cases + real pages", cases + pages)] + ([("real pages only", pages)] if pages else [])
    for label, values in mixes:
        rates = measure(values, options.rounds, rules)
        print(
            f"{label}: {len(values)} values ({len(set(values))} distinct), {options.rounds} rounds on one core"
        )
        print(
            f"  bylines/s: median {statistics.median(rates):,.0f}, best {max(rates):,.0f}, "
            f"worst {min(rates):,.0f}"
        )


if __name__ == "__main__":
    main()
