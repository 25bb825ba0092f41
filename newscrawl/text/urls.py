"""URL helpers shared by extraction and discovery (pure string functions)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived (campaigns, click ids,
# newsletter ids); they never change which article a URL names.
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "ncid",
        "cmpid",
        "ocid",
        "sr_share",
        "smid",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_")

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Remove tracking parameters, keeping every other parameter in its order."""
    parts = urlsplit(url.strip())
    if not parts.query:
        return urlunsplit(parts)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not is_tracking_parameter(name)]
    if len(kept) == len(pairs):
        return urlunsplit(parts)
    return urlunsplit(parts._replace(query=urlencode(kept)))


def absolute_url(href: str, base: str) -> str | None:
    """``href`` resolved against ``base``; None for empty, script or data links."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    resolved = urljoin(base, href)
    if _SCHEME.match(resolved) and urlsplit(resolved).scheme.lower() not in {"http", "https"}:
        return None
    return resolved


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


def page_key(url: str) -> str:
    """The key under which URL variants of one page (scheme, ``www.``, slash, tracking, AMP) are one:
    ``url_key``, or the URL itself when it is no http(s) URL."""
    return url_key(url) or url
