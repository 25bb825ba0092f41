"""CPU cost of strip_junk per article body, and its worst line.

    python benchmarks/junk_speed.py [--rounds R]

Bodies: the fixture bodies of tests/fixtures/junk/ plus, when /work/shared is beside
the repo, the 88 hand-cleaned real bodies of its extraction-dev set. Also times
adversarial lines (long runs of capitalised words, slashes and bars, the shapes the
caption rules look for) to show no rule backtracks badly.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newscrawl.text.junk import default_rules, split_paragraphs, strip_junk

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "junk"
GROUND_TRUTH = REPO.parent / "shared" / "data" / "extraction-dev" / "ground-truth.json"


def bodies() -> list[list[str]]:
    found = [split_paragraphs(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*/*/body.txt"))]
    if GROUND_TRUTH.exists():
        truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
        found += [split_paragraphs(record["articleBody"]) for record in truth.values()]
    return found


def adversarial_lines() -> list[str]:
    """Lines short enough for every rule to try them, shaped like credits, captions and attributions."""
    names = "Jane Doe Smith Jones"
    return [
        " ".join([names] * 3),
        " ".join([names] * 3) + " | " + names,
        "/".join(["Jane Doe"] * 8),
        (names + ". ") * 3 + "via " + names,
        "(" + names * 2 + "/" + names,
        "This story was originally published by " + " ".join([names] * 5),
        "Photo by " + " ".join([names] * 3) + " /",
        "Share " * 20,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    default_rules()
    print(f"load and compile default rules: {(time.perf_counter() - started) * 1000:.1f} ms")
    articles = bodies()
    lines = sum(len(body) for body in articles)
    for label, keep_memo in (("unseen lines", False), ("lines seen before (syndicated copies)", True)):
        per_round = []
        for _ in range(args.rounds):
            if not keep_memo:
                default_rules().line_memo.clear()
            started = time.process_time()
            for body in articles:
                strip_junk(body)
            per_round.append(time.process_time() - started)
        best = min(per_round)
        print(f"{label}: {len(articles)} bodies, {lines} lines; best of {args.rounds} rounds: {best * 1000:.1f} ms CPU")
        print(f"  per body: {best / len(articles) * 1000:.2f} ms (median round {statistics.median(per_round) * 1000:.1f} ms)")
    worst = 0.0
    for line in adversarial_lines():
        started = time.perf_counter()
        strip_junk([line])
        worst = max(worst, time.perf_counter() - started)
    print(f"slowest adversarial line: {worst * 1000:.2f} ms")


if __name__ == "__main__":
    main()
