"""Shared fixtures: the loopback test network and real `scrapy crawl` subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.loopback import fill_bases, serve_sites

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "tests" / "sites"
SHARED = REPO.parent / "shared"


@dataclass
class Network:
    bases: dict[str, str]
    outlets_file: Path
    expected: list[dict]
    root: Path


@contextmanager
def served_network(root: Path, config_folder: Path) -> Iterator[Network]:
    """Serve the outlet folders under ``root`` and write their outlets file into ``config_folder``."""
    with serve_sites(root) as bases:
        outlets_file = config_folder / "test-network.toml"
        outlets_file.write_text(fill_bases((SITES / "outlets.toml.tmpl").read_text(), bases), encoding="utf-8")
        expected = json.loads((SITES / "expected.json").read_text(encoding="utf-8"))
        yield Network(bases=bases, outlets_file=outlets_file, expected=expected, root=root)


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    """The stored test network served on 127.0.0.1, one free port per outlet, and its outlets file."""
    with served_network(SITES, tmp_path_factory.mktemp("outlets")) as served:
        yield served


@pytest.fixture
def changing_network(tmp_path: Path) -> Iterator[Network]:
    """A private copy of the test network that a test may change between crawls."""
    root = tmp_path / "sites"
    shutil.copytree(SITES, root, ignore=shutil.ignore_patterns("*.py", "*.tmpl", "*.json"))
    with served_network(root, tmp_path) as served:
        yield served


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict]
    log: str


def run_scrapy(args: list[str], cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a scrapy command in a real subprocess from the project root."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def crawl(tmp_path: Path):
    """Run ``scrapy crawl SPIDER ... -O out.jsonl`` with its state in a temporary folder."""

    def run(spider: str, *args: str, settings: dict[str, str] | None = None) -> CrawlResult:
        output = tmp_path / f"{spider}.jsonl"
        command = [
            "crawl",
            spider,
            *args,
            "-O",
            str(output),
            "-s",
            f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
        ]
        command += ["-s", "AUTOTHROTTLE_START_DELAY=0.05"]
        for key, value in (settings or {}).items():
            command += ["-s", f"{key}={value}"]
        done = run_scrapy(command)
        items = []
        if output.exists():
            items = [
                json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
        return CrawlResult(done.returncode, items, done.stderr)

    return run


def crawl_command(network: Network, state: Path, output: Path | None, *extra: str) -> list[str]:
    """``scrapy crawl outlets`` over the network with its state in ``state`` (no -O when output is None)."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "outlets",
        "-s", f"NEWSCRAWL_OUTLETS={network.outlets_file}", "-s", f"NEWSCRAWL_STATE_DIR={state}",
        "-s", "AUTOTHROTTLE_START_DELAY=0.05", *extra,
    ]
    return [*command, "-O", str(output)] if output else command


def start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
