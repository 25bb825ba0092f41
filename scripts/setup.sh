#!/usr/bin/env bash
# Everything newscrawl and its tests need on a fresh Debian/Ubuntu machine, run as root:
# the Python requirements, Chromium and Splash for JavaScript outlets, redis-server for scaled-out crawls.
# Running it again is safe and quick.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements.txt
bash scripts/install-renderers.sh
if ! command -v redis-server >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
echo "setup: ready ($(redis-server --version | cut -d' ' -f1-3))"
