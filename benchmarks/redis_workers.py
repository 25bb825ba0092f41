"""Wall time of one crawl done by 1, 2 and 4 workers sharing a Redis, against one plain process.

    python benchmarks/redis_workers.py --workers 1 2 4 --delay 0.2 --clones 4

Serves the loopback test network (tests/sites) ``--clones`` times over (outlets renamed
``<name>-<n>``, so 4 clones make 20 outlets; clones of an article are syndicated copies of each
other), starts a private redis-server, and for each
worker count seeds a fresh run and starts the workers together; the time is from seeding to the
last worker's exit (process start-up and the drained wait included), and the articles exported
by all workers together are counted. ``--delay`` is a per-site download delay standing in for
the politeness that bounds real crawls. On a machine with 2 cores shared with other work, read
the ratios between the lines, not the seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import SITES, Network, crawl_command, read_jsonl, run_scrapy  # noqa: E402
from tests.loopback import fill_bases, serve_sites  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def cloned_network(root: Path, clones: int) -> tuple[Path, str]:
    """The test network's outlet folders and outlets file, ``clones`` times over under new names."""
    names = sorted(path.name for path in SITES.iterdir() if path.is_dir())
    template = (SITES / "outlets.toml.tmpl").read_text(encoding="utf-8")
    head, *outlets = template.split("[[outlet]]")

    def renamed(text: str, clone: int) -> str:
        for name in names:
            text = text.replace(f"__BASE_{name}__", f"__BASE_{name}-{clone}__").replace(
                f'"{name}"', f'"{name}-{clone}"'
            )
        return text

    tables = []
    for clone in range(1, clones + 1):
        for name in names:
            for path in (SITES / name).rglob("*"):
                if path.is_file():
                    target = root / f"{name}-{clone}" / path.relative_to(SITES / name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = path.read_bytes()
                    if path.suffix in (".xml", ".html", ".txt", ""):
                        data = renamed(data.decode("utf-8"), clone).encode("utf-8")
                    target.write_bytes(data)
        tables += [renamed("[[outlet]]" + table, clone) for table in outlets]
    return root, head + "".join(tables)


def crawl(command_for: list[list[str]]) -> float:
    started = time.monotonic()
    processes = [
        subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in command_for
    ]
    for process in processes:
        process.wait(timeout=900)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay", type=float, default=0.2, help="DOWNLOAD_DELAY per site, seconds")
    parser.add_argument("--clones", type=int, default=4, help="copies of the 5-outlet test network")
    options = parser.parse_args()
    pace = (
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        "-s",
        f"DOWNLOAD_DELAY={options.delay}",
        "-s",
        "NEWSCRAWL_REDIS_IDLE_STOP=0",
    )
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        server = RedisServer(folder)
        try:
            sites, outlets = cloned_network(folder / "sites", options.clones)
            with serve_sites(sites) as bases:
                outlets_file = folder / "outlets.toml"
                outlets_file.write_text(fill_bases(outlets, bases), encoding="utf-8")
                network = Network(bases=bases, outlets_file=outlets_file, expected=[], root=sites)
                single = folder / "single"
                seconds = crawl([crawl_command(network, single / "state", single / "out.jsonl", *pace)])
                print(
                    f"one process, no Redis      {seconds:6.1f} s  {len(read_jsonl(single / 'out.jsonl'))} articles"
                )
                for count in options.workers:
                    client = server.client()
                    client.flushall()
                    client.close()
                    run = folder / f"workers-{count}"
                    started = time.monotonic()
                    run_scrapy(
                        [
                            "seed",
                            "outlets",
                            "-s",
                            f"NEWSCRAWL_OUTLETS={network.outlets_file}",
                            "-s",
                            f"NEWSCRAWL_REDIS_URL={server.url}",
                        ]
                    )
                    seed_seconds = time.monotonic() - started
                    commands = [
                        crawl_command(
                            network,
                            run / f"state-{n}",
                            run / f"out-{n}.jsonl",
                            *pace,
                            "-s",
                            f"NEWSCRAWL_REDIS_URL={server.url}",
                            "-s",
                            f"NEWSCRAWL_WORKER_ID=w{n}",
                        )
                        for n in range(count)
                    ]
                    seconds = seed_seconds + crawl(commands)
                    articles = sum(len(read_jsonl(path)) for path in run.glob("out-*.jsonl"))
                    print(f"{count} worker(s) on Redis      {seconds:6.1f} s  {articles} articles")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
