"""Real renderers for the tests: a Splash server on a free 127.0.0.1 port, and the machine's Chromium.

Both are installed by ``scripts/install-renderers.sh``. A test that needs one and cannot get it
fails with the reason: a renderer test that silently skipped would prove nothing.
Use them with ``from tests.renderers import chromium, splash_url`` in a test module.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.rendering import DEFAULT_CHROMIUM

INSTALL_HINT = "run scripts/install-renderers.sh (Debian, as root)"
SPLASH_START_SECONDS = 60.0
SPLASH_STOP_SECONDS = 10.0


def splash_python() -> Path:
    """The Splash venv's python, where scripts/install-renderers.sh puts it."""
    venv = os.environ.get("NEWSCRAWL_SPLASH_VENV") or str(
        Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        / "newscrawl"
        / "splash-venv"
    )
    return Path(venv) / "bin" / "python"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def splash_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_ping", timeout=1) as answer:
            return json.loads(answer.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def splash_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Splash 3.5 (WebKit engine) listening on 127.0.0.1, stopped after the session."""
    python = splash_python()
    if not python.is_file():
        pytest.fail(f"Splash is not installed (no {python}): {INSTALL_HINT}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("splash") / "splash.log"
    # Offscreen Qt, no Xvfb; as root QtWebEngine must not try its sandbox or Splash dies at start.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1")
    command = [
        str(python), "-m", "splash.server", "--ip", "127.0.0.1", "--port", str(port),
        "--disable-xvfb", "--browser-engines", "webkit",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SPLASH_START_SECONDS
        while not splash_answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"Splash did not start on {url} (exit code {server.poll()}):\n{tail}")
            time.sleep(0.2)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(SPLASH_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable rendered outlets use on this machine."""
    path = os.environ.get("NEWSCRAWL_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"Chromium is not installed at {path}: {INSTALL_HINT}")
    return path
