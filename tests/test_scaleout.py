"""Scaled out on a real Redis: several worker processes crawl the loopback network as one crawler."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
import redis
from scrapy import Request

from newscrawl.monitor import ExitCode
from newscrawl.scaleout import QUEUE_KEY, ROSTER_KEY, Heartbeat, InFlight, Roster, RunClaims, worker_of
from newscrawl.store.redis import connect, key_digest
from tests.conftest import REPO, Network, crawl_command, read_jsonl, run_scrapy, start

pytestmark = pytest.mark.e2e
pytest_plugins = ("tests.redis_server",)

# Dedup in tag mode: every article stays in the output, copies name their first copy.
WITH_DEDUP = ("-s", "DEDUP_MODE=tag")
SLOW = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.1")


STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def no_stray_workers() -> Iterator[None]:
    """A failed test leaves no worker behind."""
    yield
    for process in STARTED:
        if process.poll() is None:
            process.kill()
            process.communicate()
    STARTED.clear()


def expected_urls(network: Network) -> set[str]:
    return {network.bases[page["outlet"]] + page["path"] for page in network.expected}


def seed(network: Network, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy(
        [
            "seed", "outlets", "-s", f"NEWSCRAWL_OUTLETS={network.outlets_file}",
            "-s", f"NEWSCRAWL_REDIS_URL={url}", *extra,
        ]
    )  # fmt: skip


def worker(
    network: Network, url: str, folder: Path, name: str, *extra: str, output: bool = True
) -> subprocess.Popen[str]:
    """``scrapy crawl outlets`` as worker ``name``: -O out-<name>.jsonl, or the default feed."""
    command = crawl_command(
        network, folder / f"state-{name}", folder / f"out-{name}.jsonl" if output else None,
        "-s", f"NEWSCRAWL_REDIS_URL={url}", "-s", f"NEWSCRAWL_WORKER_ID={name}",
        "-s", "NEWSCRAWL_REDIS_IDLE_STOP=2", *WITH_DEDUP, *extra,
    )  # fmt: skip
    STARTED.append(start(command))
    return STARTED[-1]


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, errors = process.communicate(timeout=300)
    return process.returncode, errors


def assert_worker_done(code: int, log: str) -> None:
    """A worker finished its share. Its health check sees only that share: one whose only request
    to an outlet was the test network's redirect loop judges that outlet unreachable (exit 4)."""
    problems = re.findall(r"outlet health: (.*)", log)
    if code == ExitCode.OUTLET_FAILED and problems:
        assert all(problem.endswith("unreachable: no response at all") for problem in problems), problems
    else:
        assert code == ExitCode.OK, log[-3000:]


def exporting_worker(
    folder: Path, workers: dict[str, subprocess.Popen[str]], pattern: str = "out-{}.jsonl.part"
) -> str:
    """The first worker seen with items in its output file while it is still running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for name, process in workers.items():
            parts = list(folder.glob(pattern.format(name)))
            if process.poll() is None and parts and parts[0].stat().st_size:
                return name
        time.sleep(0.05)
    raise AssertionError("no worker exported anything in 60 s")


def story_groups(items: list[dict]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for item in items:
        groups[item["story_id"]].add(item["url"])
    return {frozenset(urls) for urls in groups.values()}


def check_one_crawl(items: list[dict], reference: list[dict], network: Network) -> None:
    """Every article exactly once, the same stories as one process, one first copy per story."""
    counts = Counter(item["url"] for item in items)
    assert {url for url, count in counts.items() if count > 1} == set()
    assert set(counts) == expected_urls(network) == {item["url"] for item in reference}
    assert story_groups(items) == story_groups(reference)
    firsts = Counter(item["story_id"] for item in items if item["duplicate_of"] is None)
    assert set(firsts.values()) == {1}
    assert set(firsts) == {item["story_id"] for item in items}


@pytest.fixture(scope="module")
def single_process(network: Network, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    folder = tmp_path_factory.mktemp("single")
    done = subprocess.run(
        crawl_command(network, folder / "state", folder / "out.jsonl", *WITH_DEDUP),
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == ExitCode.OK, done.stderr[-3000:]
    return read_jsonl(folder / "out.jsonl")


def test_three_workers_crawl_like_one_process(
    network: Network,
    redis_url: str,
    tmp_path: Path,
    single_process: list[dict],
) -> None:
    seeded = seed(network, redis_url)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert json.loads(seeded.stdout)["requests"] > 0
    workers = [worker(network, redis_url, tmp_path, f"w{n}") for n in range(3)]
    results = [finish(process) for process in workers]
    for code, errors in results:
        assert_worker_done(code, errors)
    outputs = {name: read_jsonl(tmp_path / f"out-{name}.jsonl") for name in ("w0", "w1", "w2")}
    check_one_crawl([item for items in outputs.values() for item in items], single_process, network)


def test_killed_worker_is_replaced_without_loss_or_double(
    network: Network,
    redis_url: str,
    tmp_path: Path,
    single_process: list[dict],
) -> None:
    assert seed(network, redis_url).returncode == 0
    workers = {name: worker(network, redis_url, tmp_path, name, *SLOW) for name in ("a", "b")}
    stopped = exporting_worker(tmp_path, workers)
    workers[stopped].send_signal(signal.SIGINT)  # a worker being stopped: it finishes what it holds
    workers["c"] = worker(network, redis_url, tmp_path, "c", *SLOW)
    for name, process in workers.items():
        code, errors = finish(process)
        if name == stopped:
            assert code == ExitCode.CRAWL_FAILED, errors[-3000:]  # it left before the crawl was done
            assert "Spider closed (shutdown)" in errors
        else:
            assert_worker_done(code, errors)
    items = [item for name in ("a", "b", "c") for item in read_jsonl(tmp_path / f"out-{name}.jsonl")]
    check_one_crawl(items, single_process, network)


def test_seed_refuses_while_the_previous_run_is_queued(network: Network, redis_url: str) -> None:
    assert seed(network, redis_url).returncode == 0
    again = seed(network, redis_url)
    assert again.returncode == ExitCode.LOCKED
    assert "has not drained" in again.stdout
    forced = seed(network, redis_url, "--force")
    assert forced.returncode == 0, forced.stderr[-2000:]


def test_seed_without_redis_is_a_usage_error(network: Network) -> None:
    done = run_scrapy(["seed", "outlets", "-s", f"NEWSCRAWL_OUTLETS={network.outlets_file}"])
    assert done.returncode == 2
    assert "NEWSCRAWL_REDIS_URL" in done.stderr


@pytest.mark.parametrize("replacement", ["c", "same name"])
def test_worker_killed_with_sigkill_is_replaced_without_loss_or_double(
    network: Network,
    redis_url: str,
    tmp_path: Path,
    single_process: list[dict],
    replacement: str,
) -> None:
    """kill -9: the requests the worker had not finished go back to the queue, and the feed file it
    left is recovered by the worker that replaces it on its machine (under another name or its own),
    without the items of those requests: the other workers export them."""
    data = tmp_path / "data"
    feed = ("-s", f"NEWSCRAWL_DEFAULT_FEED={data}/{{spider}}-{{worker}}.jsonl", *SLOW)
    assert seed(network, redis_url).returncode == 0
    workers = {name: worker(network, redis_url, tmp_path, name, *feed, output=False) for name in ("a", "b")}
    killed = exporting_worker(data, workers, "outlets-{}.jsonl.part")
    workers[killed].send_signal(signal.SIGKILL)
    workers[killed].wait()
    name = killed if replacement == "same name" else "c"
    successor = worker(network, redis_url, tmp_path, name, *feed, output=False)
    for other, process in workers.items():
        code, errors = finish(process)
        if other == killed:
            assert code == -signal.SIGKILL
        else:
            assert_worker_done(code, errors)
    assert_worker_done(*finish(successor))
    assert not list(data.glob("*.part*"))
    items = [item for path in sorted(data.glob("*.jsonl")) for item in read_jsonl(path)]
    check_one_crawl(items, single_process, network)


def test_a_worker_frozen_longer_than_its_heartbeat_fails_its_run(
    network: Network, redis_url: str, tmp_path: Path
) -> None:
    """SIGSTOP for longer than the roster's 10 s: the others hand its requests to the queue and
    finish; when it runs again it says it was taken for dead and ends with exit code 1."""
    assert seed(network, redis_url).returncode == 0
    workers = {name: worker(network, redis_url, tmp_path, name, *SLOW) for name in ("a", "b")}
    frozen = exporting_worker(tmp_path, workers)
    workers[frozen].send_signal(signal.SIGSTOP)
    client = connect(redis_url)
    deadline = time.monotonic() + 60
    while client.hexists(ROSTER_KEY.format(spider="outlets"), frozen) and time.monotonic() < deadline:
        time.sleep(0.2)
    client.close()
    workers[frozen].send_signal(signal.SIGCONT)
    for name, process in workers.items():
        code, errors = finish(process)
        if name == frozen:
            assert code == ExitCode.CRAWL_FAILED, errors[-3000:]
            assert f"worker {frozen} was taken for dead" in errors
        else:
            assert_worker_done(code, errors)


def test_run_claims_are_first_come_and_reset_by_the_next_run(redis_url: str) -> None:
    first, second = (RunClaims(connect(redis_url), "outlets") for _ in range(2))
    first.start_run()
    assert first.discovered(["a", "b"]) == {"a", "b"}
    assert second.discovered(["b", "c", "c"]) == {"c"}
    assert second.first_fetch("a", requested="x") and not first.first_fetch("a", requested="y")
    assert first.first_fetch("a", requested="x")  # the same request again: its first worker was killed
    second.start_run()
    assert first.discovered(["a", "b", "c"]) == {"a", "b", "c"}
    first.close()
    second.close()


def roster(client: redis.Redis, incarnation: str) -> Roster:
    return Roster(client, "outlets", worker_of(incarnation), incarnation)


def test_roster_waits_for_live_busy_workers_only(redis_url: str) -> None:
    client = connect(redis_url)
    me, other = roster(client, "me#1"), roster(client, "other#1")
    me.join()
    other.join()
    me.report("idle")
    assert not me.drained()
    other.report("idle")
    assert me.drained()
    client.zadd(QUEUE_KEY % {"spider": "outlets"}, {b"request": 0})
    assert not me.drained()
    client.delete(QUEUE_KEY % {"spider": "outlets"})
    other.report("busy")
    client.hset(ROSTER_KEY.format(spider="outlets"), "other", "busy 0 other#1")  # its heartbeat stopped
    assert me.drained()
    assert client.hkeys(ROSTER_KEY.format(spider="outlets")) == [b"me"]
    me.leave()
    assert client.hkeys(ROSTER_KEY.format(spider="outlets")) == []
    client.close()


def test_a_dead_workers_unfinished_requests_go_back_to_the_queue(redis_url: str) -> None:
    client = connect(redis_url)
    queue = QUEUE_KEY % {"spider": "outlets"}
    client.zadd(queue, {b"first": -10, b"second": 0})
    dying, alive = roster(client, "dead#1"), roster(client, "alive#1")
    dying.join()
    dead = InFlight(client, "outlets", "dead#1")
    taken = dead.take(queue)
    assert taken == b"first" and client.zrange(queue, 0, -1) == [b"second"]
    dead.hold(Request("https://outlet.example/a?utm_source=x"), taken)
    assert alive.reap("dead#1") == -1  # its heartbeat still runs: alive
    client.hset(ROSTER_KEY.format(spider="outlets"), "dead", "busy 0 dead#1")
    alive.reap_dead()
    assert client.zrange(queue, 0, -1, withscores=True) == [(b"first", -10.0), (b"second", 0.0)]
    assert alive.handed_back("dead#1") == {key_digest("outlet.example/a")}
    assert client.hkeys(ROSTER_KEY.format(spider="outlets")) == []
    assert alive.reap("dead#1", force=True) == 0  # nothing left to hand back
    client.close()


def test_a_worker_restarted_under_its_name_is_never_reaped_for_its_predecessor(redis_url: str) -> None:
    """The killed predecessor's requests go back when its successor joins; when another worker
    later recovers the predecessor's feed file, the successor's requests stay where they are."""
    client = connect(redis_url)
    queue = QUEUE_KEY % {"spider": "outlets"}
    client.zadd(queue, {b"first": 0, b"second": 1})
    roster(client, "a#old").join()
    killed = InFlight(client, "outlets", "a#old")
    killed.hold(Request("https://outlet.example/first"), cast(bytes, killed.take(queue)))
    successor = roster(client, "a#new")
    successor.join()
    assert client.zrange(queue, 0, -1) == [b"first", b"second"]
    held = InFlight(client, "outlets", "a#new")
    held.hold(Request("https://outlet.example/first"), cast(bytes, held.take(queue)))
    other = roster(client, "b#1")
    assert other.reap("a#old", force=True) == 0  # the recovery of the killed one's file
    assert other.reap("a#old") == 0
    assert other.reap_dead() == [("a", "busy")]
    assert client.zrange(queue, 0, -1) == [b"second"]
    assert other.handed_back("a#old") == {key_digest("outlet.example/first")}
    assert other.handed_back("a#new") == set()
    client.close()


def test_a_worker_taken_for_dead_says_so_and_fails_its_run(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = connect(redis_url)
    slow, other = roster(client, "slow#1"), roster(client, "other#1")
    slow.join()
    client.hset(ROSTER_KEY.format(spider="outlets"), "slow", "busy 0 slow#1")  # a stop of 10 s and more
    assert other.reap_dead() == []
    slow.renew()
    assert slow.taken_for_dead
    assert "worker slow was taken for dead" in caplog.text
    assert other.reap_dead() == [("slow", "busy")]  # back in the roster: the others wait for it
    client.hset(ROSTER_KEY.format(spider="outlets"), "slow", "busy 0 slow#1")  # and frozen once more
    assert other.reap_dead() == []
    slow.renew()
    assert other.reap_dead() == [("slow", "busy")]
    assert caplog.text.count("was taken for dead") == 1
    client.close()


def test_the_heartbeat_beats_while_the_reactor_ticks_and_stops_when_it_hangs(redis_url: str) -> None:
    client = connect(redis_url)
    beating = roster(client, "w#1")
    beating.join()
    heartbeat = Heartbeat(beating, every=0.05, stall_limit=2.0)
    entry = ROSTER_KEY.format(spider="outlets")

    def renewed() -> bool:
        return int(cast(bytes, client.hget(entry, "w")).split()[1]) > time.time()

    heartbeat.start()
    try:
        client.hset(entry, "w", "busy 0 w#1")
        assert until(renewed, within=1.5)
        time.sleep(2.5)  # the reactor has not ticked for longer than the stall limit
        client.hset(entry, "w", "busy 0 w#1")
        time.sleep(0.5)
        assert client.hget(entry, "w") == b"busy 0 w#1"
        heartbeat.tick()
        assert until(renewed, within=1.5)
    finally:
        heartbeat.stop()
    assert not beating.taken_for_dead
    client.close()


def until(condition: Callable[[], bool], within: float) -> bool:
    """Whether ``condition`` holds within ``within`` seconds (asked every 20 ms)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
