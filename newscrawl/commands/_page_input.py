"""Reading the one page a checking command (`scrapy extract`, `scrapy junk`) is pointed at."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

FETCH_TIMEOUT = 30


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def read_page(target: str, purpose: str) -> tuple[bytes, str, list[str]]:
    """(content, URL, lower-case suffixes left) of a saved file (``.gz`` unpacked) or of one URL fetch."""
    if is_url(target):
        request = urllib.request.Request(target, headers={"User-Agent": f"newscrawl {purpose}"})
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            return response.read(), response.geturl(), [".html"]
    path = Path(target)
    data = path.read_bytes()
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        data = gzip.decompress(data)
        suffixes.pop()
    return data, path.resolve().as_uri(), suffixes
