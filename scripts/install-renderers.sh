#!/usr/bin/env bash
# Install the two JavaScript renderers newscrawl can use, on Debian 12 as root (CI and developers):
#   * Chromium for render = "browser" (scrapy-playwright drives it; the pip package is in requirements.txt);
#   * Splash 3.5 for render = "splash", in its own venv on Debian's python3 with Debian's PyQt5/QtWebKit.
# PyPI's PyQt5 has no QtWebKit, so Splash cannot come from PyPI alone. Splash 3.5 (the last release) also
# needs small fixes to run on Python 3.11 / PyQt 5.15; they are applied below and the script stops if one of
# them no longer matches the installed source. Safe to run again: finished steps are skipped.
#
# Environment:
#   NEWSCRAWL_SPLASH_VENV  where the Splash venv goes (default: ~/.local/share/newscrawl/splash-venv);
#                          the tests read the same variable.
set -euo pipefail

SPLASH_VENV="${NEWSCRAWL_SPLASH_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/newscrawl/splash-venv}"
SYSTEM_PYTHON=/usr/bin/python3   # Debian's own: its dist-packages hold PyQt5, QtWebKit, Twisted, lupa
DEBIAN_PACKAGES=(
    chromium
    python3-venv python3-pyqt5 python3-pyqt5.qtwebkit python3-pyqt5.qtwebengine python3-qt5reactor
    python3-twisted python3-lupa python3-psutil python3-pil python3-attr python3-funcparserlib
    python3-xvfbwrapper python3-h2 python3-priority
)

say() { printf 'install-renderers: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || die "need root to install Debian packages: ${missing[*]}"
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ -x /usr/lib/chromium/chromium ]] || die "chromium is installed but /usr/lib/chromium/chromium is missing"

if [[ ! -x "$SPLASH_VENV/bin/python" ]]; then
    say "creating the Splash venv in $SPLASH_VENV"
    mkdir -p "$(dirname "$SPLASH_VENV")"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$SPLASH_VENV"
fi
if ! "$SPLASH_VENV/bin/python" -m pip show --quiet splash 2>/dev/null \
    || [[ $("$SPLASH_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("splash"))') != 3.5 ]]; then
    say "installing splash 3.5 into $SPLASH_VENV"
    # --no-deps: every dependency comes from Debian (--system-site-packages), never from PyPI.
    "$SPLASH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        splash==3.5 adblockparser==0.7
fi

# The fixes: file, then the exact text Splash 3.5 ships and what it becomes. Each must match exactly once
# (or already be applied); anything else means the source changed and the fix must be re-checked by hand.
SPLASH_DIR=$("$SPLASH_VENV/bin/python" -c 'import os, splash; print(os.path.dirname(splash.__file__))' 2>/dev/null) \
    || die "splash does not import in $SPLASH_VENV"
"$SPLASH_VENV/bin/python" - "$SPLASH_DIR" <<'PY'
import sys
from pathlib import Path

root = Path(sys.argv[1])
FIXES = [
    # json.loads lost its encoding argument in Python 3.9: every JSON POST (all scrapy-splash requests) fails.
    ("render_options.py", "json.loads(content, encoding='utf8')", "json.loads(content)"),
    # PyQt 5.15 no longer accepts a float for QTimer.start(msec).
    ("browser_tab.py", "timer.start(time_ms)", "timer.start(int(time_ms))"),
    ("browser_tab.py", "self._timer.start(timeout * 1000)", "self._timer.start(int(timeout * 1000))"),
    ("qtrender_lua.py", "qtimer.start(timeout)", "qtimer.start(int(timeout))"),
    ("qtrender_lua.py", "qtimer.start(delay)", "qtimer.start(int(delay))"),
    ("network_manager.py", "timer.start(timeout_ms)", "timer.start(int(timeout_ms))"),
]
for name, old, new in FIXES:
    path = root / name
    text = path.read_text(encoding="utf-8")
    if text.count(new) == 1 and old not in text.replace(new, ""):
        continue
    if text.count(old) != 1:
        sys.exit(f"install-renderers: ERROR: {path}: expected {old!r} exactly once, found it "
                 f"{text.count(old)} times; Splash changed, re-check this fix")
    path.write_text(text.replace(old, new), encoding="utf-8")
    print(f"install-renderers: fixed {path.name}: {new}", file=sys.stderr)
PY

"$SPLASH_VENV/bin/python" -c 'import splash.server, PyQt5.QtWebKit' \
    || die "splash.server or QtWebKit does not import in $SPLASH_VENV"
say "ready: chromium $(/usr/lib/chromium/chromium --version 2>/dev/null | awk '{print $2}'), splash in $SPLASH_VENV"
