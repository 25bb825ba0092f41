"""``scrapy extract`` as a real subprocess: a stored page in, extract_article's fields out as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "tests" / "fixtures" / "pages" / "metro-network" / "syndicated-copy-no-jsonld"


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "extract", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )


def test_extract_prints_the_fields_with_outlet_selectors(tmp_path: Path) -> None:
    meta = json.loads((CASE / "meta.json").read_text(encoding="utf-8"))
    outlets = tmp_path / "outlets.toml"
    lines = ['[[outlet]]', 'name = "benton-county-today"', 'base_url = "https://bentoncountytoday.com/"']
    lines += [f"selectors.{key} = {json.dumps(value)}" for key, value in meta["selectors"].items()]
    outlets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_extract(
        str(CASE / "page.html"), "--url", meta["url"], "--selectors-from", "benton-county-today",
        "-s", f"NEWSCRAWL_OUTLETS={outlets}",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((CASE / "expected.json").read_text(encoding="utf-8"))


def test_extract_reports_a_missing_file_and_an_unknown_outlet() -> None:
    missing = run_extract("no-such-page.html")
    assert missing.returncode == 2
    assert "no-such-page.html" in missing.stderr
    unknown = run_extract(str(CASE / "page.html"), "--selectors-from", "no-such-outlet")
    assert unknown.returncode == 2
    assert "unknown outlet 'no-such-outlet'" in unknown.stderr
