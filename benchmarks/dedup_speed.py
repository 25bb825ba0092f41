"""Throughput and index size of ``scrapy dedup`` on a synthetic syndication corpus.

    python benchmarks/dedup_speed.py --items 100000

Generates the corpus (tests/dedup_corpus.py; a few seconds, cached in the work directory), then
runs ``scrapy dedup IN -o OUT --mode tag`` as a subprocess, once as is (junk-line rules applied
to every record) and once with ``--assume-clean`` (records that came out of newscrawl's own junk
pipeline), and prints items/s (wall clock, process start included), the CPU time per item summed
over all processes (a figure that other load on the machine disturbs less), bytes of state per
item and per story, and the peak memory of the command.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.dedup_corpus import generate  # noqa: E402

ITEMS_PER_STORY = 5.3  # what generate() makes on average with 40 outlets


def write_corpus(path: Path, items: int) -> None:
    records = generate(seed=1, stories=int(items / ITEMS_PER_STORY) + 50, outlets=40, sentences=(18, 48))
    with path.open("wb") as stream:
        for record in records[:items]:
            stream.write(orjson.dumps(record) + b"\n")


# Runs the command in a fresh process and reports its children's CPU time and peak memory only.
_MEASURE = (
    "import resource, subprocess, sys, json; subprocess.run(sys.argv[1:], check=True); "
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(json.dumps([usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))"
)


def run(corpus: Path, workdir: Path, extra: list[str]) -> dict[str, float]:
    state = workdir / "state"
    shutil.rmtree(state, ignore_errors=True)  # a fresh index: every run decides every record
    output = workdir / "out.jsonl"
    command = [sys.executable, "-m", "scrapy.cmdline", "dedup", str(corpus), "-o", str(output)]
    command += ["--mode", "tag", "--state", str(state), "--loglevel", "WARNING", *extra]
    started = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], cwd=REPO, check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    cpu, peak_kb = json.loads(measured.stdout.strip().splitlines()[-1])
    items = sum(1 for _ in output.open("rb"))
    stories = len({orjson.loads(line)["story_id"] for line in output.open("rb")})
    state_bytes = sum(path.stat().st_size for path in state.iterdir())
    return {
        "items": items,
        "seconds": elapsed,
        "items_per_second": items / elapsed,
        "cpu_microseconds_per_item": cpu / items * 1e6,
        "state_bytes_per_item": state_bytes / items,
        "state_bytes_per_story": state_bytes / stories,
        "peak_rss_mb": peak_kb / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and outputs here")
    parser.add_argument("--workers", type=int, help="passed on to scrapy dedup (default: its own)")
    parser.add_argument("--only-clean", action="store_true", help="skip the run that applies junk rules")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        corpus = workdir / f"corpus-{args.items}.jsonl"
        if not corpus.exists():
            # In a child process, so the corpus in memory does not count in the figures below.
            maker = multiprocessing.get_context("spawn").Process(
                target=write_corpus, args=(corpus, args.items)
            )
            maker.start()
            maker.join()
        size = corpus.stat().st_size
        print(f"corpus: {args.items} items, {size / args.items:.0f} bytes per record")
        variants = [["--assume-clean"]] if args.only_clean else [[], ["--assume-clean"]]
        for extra in variants:
            workers = [] if args.workers is None else ["--workers", str(args.workers)]
            result = run(corpus, workdir, [*extra, *workers])
            label = " ".join(extra) or "(junk rules applied)"
            print(
                f"{label}: {result['items']:.0f} items in {result['seconds']:.1f} s = "
                f"{result['items_per_second']:.0f} items/s ({result['cpu_microseconds_per_item']:.0f} µs CPU "
                f"per item, all processes); state {result['state_bytes_per_item']:.0f} B/item, "
                f"{result['state_bytes_per_story']:.0f} B/story; peak RSS {result['peak_rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
