"""URL identity: the cheapest dedup layer.

Two URLs name the same article when they differ only by scheme, a ``www.``/``m.``/``amp.`` host
prefix, a trailing slash, tracking parameters, parameter order, a fragment or an AMP variant of the
path. ``url_key`` maps all of them to one string; ``story_key`` hashes such strings for the store.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode

from newscrawl.text.urls import is_tracking_parameter

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_DEFAULT_PORTS = {":80", ":443"}
# Query parameters that only ask for the AMP rendering of the same article.
_AMP_PARAMETERS = {"amp", "outputtype", "output", "amp_js_v", "usqp", "_amp"}
_AMP_PATH = re.compile(r"(?:/amp(?=/|$)|\.amp(?=\.html?$|$)|/amp\.html?$)", re.IGNORECASE)
_REPEATED_SLASHES = re.compile(r"/{2,}")


def url_key(url: str | None) -> str | None:
    """The identity of ``url`` as ``host/path?sorted-query``; None when it is not an http(s) URL.

    Hand-split rather than ``urlsplit``: this runs twice per item on the offline hot path.
    """
    if not url:
        return None
    scheme, separator, rest = url.strip().partition("://")
    if not separator or scheme.lower() not in {"http", "https"}:
        return None
    location, _, query = rest.split("#", 1)[0].partition("?")
    host, slash, path = location.partition("/")
    host = host.lower().rsplit("@", 1)[-1]
    if not host:
        return None
    for port in _DEFAULT_PORTS:
        host = host.removesuffix(port)
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    path = slash + path
    if "//" in path:
        path = _REPEATED_SLASHES.sub("/", path)
    if "amp" in path.lower():
        path = _AMP_PATH.sub("", path)
    path = path.rstrip("/")
    if not query:
        return host + path
    kept = sorted(
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not is_tracking_parameter(name) and name.lower() not in _AMP_PARAMETERS
    )
    return f"{host}{path}?{urlencode(kept)}" if kept else host + path


def is_article_key(key: str) -> bool:
    """False for a bare host: a canonical link to a home page names no article."""
    return "/" in key or "?" in key


def story_key(namespace: str, value: str) -> int:
    """A 63-bit key (fits SQLite's signed INTEGER) for one identity of a story."""
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
