"""Cron discipline: one run per state folder, honest exit codes, crash-safe output, run summary."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.feeds import recover_partial_files
from newscrawl.monitor import ExitCode
from newscrawl.runlock import LockHeld, RunLock
from tests.conftest import REPO, Network, crawl_command, read_jsonl, start

pytestmark = pytest.mark.e2e


def test_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    first = RunLock(tmp_path)
    first.acquire(command="crawl outlets")
    with pytest.raises(LockHeld, match=f'"pid": {os.getpid()}'):
        RunLock(tmp_path).acquire(command="crawl outlets")
    first.release()
    again = RunLock(tmp_path)
    again.acquire(command="crawl outlets")
    again.release()


def test_two_runs_started_together_one_works_one_exits_locked(network: Network, tmp_path: Path) -> None:
    slow = ("-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=0", "-a", "outlet=valley-times")
    runs = [
        start(crawl_command(network, tmp_path / "state", tmp_path / f"out{n}.jsonl", *slow)) for n in (1, 2)
    ]
    results = [(run.wait(timeout=300), run.stdout.read() if run.stdout else "") for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [ExitCode.OK, ExitCode.LOCKED], results
    locked_output = next(out for code, out in results if code == ExitCode.LOCKED)
    assert "another newscrawl run holds" in locked_output


def test_lock_of_a_killed_run_is_taken_over(network: Network, tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = start(
        crawl_command(
            network, state, tmp_path / "a.jsonl", "-s", "DOWNLOAD_DELAY=0.5", "-s", "AUTOTHROTTLE_ENABLED=0"
        )
    )
    deadline = time.monotonic() + 60
    while not (state / "run.lock").exists() or not (state / "run.lock").read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    run.send_signal(signal.SIGKILL)
    run.wait()
    done = subprocess.run(
        crawl_command(network, state, tmp_path / "b.jsonl", "-a", "outlet=rheinblatt"),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == ExitCode.OK, done.stderr[-2000:]


def test_unreachable_outlet_gives_exit_code_4_and_summary(network: Network, tmp_path: Path) -> None:
    config = tmp_path / "outlets.toml"
    config.write_text(
        network.outlets_file.read_text()
        + '\n[[outlet]]\nname = "gone-gazette"\nbase_url = "http://127.0.0.1:9"\nfeeds = ["/feed/"]\n'
    )
    output = tmp_path / "out.jsonl"
    command = crawl_command(network, tmp_path / "state", output, "-a", "outlet=gone-gazette,rheinblatt")
    command[command.index(f"NEWSCRAWL_OUTLETS={network.outlets_file}")] = f"NEWSCRAWL_OUTLETS={config}"
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.OUTLET_FAILED
    assert "outlet health: gone-gazette: unreachable" in done.stderr
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    assert summary["exit_code"] == ExitCode.OUTLET_FAILED
    assert summary["outlets"]["rheinblatt"]["items"] == 3
    assert summary["outlets"]["rheinblatt"]["coverage"]["date"] == 1.0
    assert summary["outlets"]["gone-gazette"]["problems"]


def test_bad_outlet_file_gives_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[outlet]]\nname = "x"\nbase_url = "http://127.0.0.1:1/"\nsitemap = "/s.xml"\n')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "outlets",
            "-s",
            f"NEWSCRAWL_OUTLETS={path}",
            "-s",
            f"NEWSCRAWL_STATE_DIR={tmp_path}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == ExitCode.BAD_START
    assert f"{path}: outlet.x.sitemap: unknown key" in done.stderr


def test_partial_output_of_a_killed_run_is_recovered(tmp_path: Path) -> None:
    part = tmp_path / "2026-11-29T06-00-00.jsonl.part"
    part.write_text('{"url": "a"}\n{"url": "b"}\n{"url": "c", "bo')
    taken = tmp_path / "out.jsonl"
    taken.write_text('{"url": "old"}\n')
    (tmp_path / "out.jsonl.part").write_text('{"url": "d"}\n')
    recovered = recover_partial_files(tmp_path, reserved={taken})
    assert (tmp_path / "2026-11-29T06-00-00.jsonl").read_text() == '{"url": "a"}\n{"url": "b"}\n'
    assert taken.read_text() == '{"url": "old"}\n'
    others = [path for path in recovered if path.name.startswith("out.recovered-")]
    assert len(others) == 1 and others[0].read_text() == '{"url": "d"}\n'
    assert not list(tmp_path.glob("*.part"))


def test_profile_sets_state_log_and_output_and_command_line_wins(network: Network, tmp_path: Path) -> None:
    profile = tmp_path / "nightly.toml"
    profile.write_text(
        "[settings]\n"
        f'NEWSCRAWL_STATE_DIR = "{tmp_path / "state"}"\n'
        f'LOG_FILE = "{tmp_path}/logs/{{spider}}-{{time}}.log"\n'
        f'NEWSCRAWL_DEFAULT_FEED = "{tmp_path}/data/{{spider}}/{{time}}.jsonl"\n'
        'LOG_LEVEL = "DEBUG"\n'
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "outlets",
            "-a",
            "outlet=rheinblatt",
            "-s",
            f"NEWSCRAWL_PROFILE={profile}",
            "-s",
            f"NEWSCRAWL_OUTLETS={network.outlets_file}",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == ExitCode.OK
    (log,) = (tmp_path / "logs").glob("outlets-*.log")
    assert "DEBUG" not in log.read_text()
    (output,) = (tmp_path / "data" / "outlets").glob("*.jsonl")
    assert len(output.read_text().splitlines()) == 3
    assert (tmp_path / "state" / "runs.jsonl").exists()
    assert list((tmp_path / "data" / "outlets").glob("*.summary.json"))


def test_shipped_cron_profile_loads() -> None:
    from newscrawl.commands.crawl import load_profile

    path, values = load_profile("cron")
    assert path.name == "cron.toml"
    assert {"NEWSCRAWL_STATE_DIR", "LOG_FILE", "NEWSCRAWL_DEFAULT_FEED"} <= set(values)


def test_a_run_that_cannot_write_its_output_fails_and_marks_nothing_seen(
    network: Network, tmp_path: Path
) -> None:
    """The output folder cannot be made (a file sits where it should be): the run ends with exit code
    1 and names the file, and the next run, writing where it can, exports every article."""
    (tmp_path / "blocked").write_text("a file, not a folder\n")
    state = tmp_path / "state"
    blocked = crawl_command(network, state, tmp_path / "blocked" / "out.jsonl", "-a", "outlet=rheinblatt")
    done = subprocess.run(blocked, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.CRAWL_FAILED, done.stderr[-3000:]
    assert "blocked/out.jsonl" in done.stderr
    again = crawl_command(network, state, tmp_path / "out.jsonl", "-a", "outlet=rheinblatt")
    done = subprocess.run(again, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.OK, done.stderr[-3000:]
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 3
