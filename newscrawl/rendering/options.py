"""An outlet's ``render_options`` table, validated into one typed value both renderers read.

Keys (all optional):

- ``wait_for``: a CSS selector that exists once the page's script has built the article
  (for example ``"article .story-text p"``). Without it (and on section pages) the renderer
  waits for the page's network to go quiet (browser) or a short fixed settle time (Splash).
- ``max_wait``: seconds to wait at most for ``wait_for`` / the quiet network (default 10).
  A page still not ready then is extracted as it is; extraction decides if it is an article.
- ``listings``: ``true`` to render the outlet's section pages too (default: only articles).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newscrawl.errors import ConfigError
from newscrawl.outlets import Outlet

DEFAULT_MAX_WAIT = 10.0
# Splash refuses render timeouts above its --max-timeout (90 s by default); keep well inside it.
MAX_WAIT_LIMIT = 60.0


@dataclass(frozen=True)
class RenderOptions:
    wait_for: str | None = None
    max_wait: float = DEFAULT_MAX_WAIT
    listings: bool = False


def render_options(outlet: Outlet) -> RenderOptions:
    """The outlet's options; a wrong key or value is a ConfigError naming file and key."""
    raw: dict[str, Any] = dict(outlet.render_options)

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(outlet.source_file, f"outlet.{outlet.name}.render_options.{key}", problem)

    allowed = {"wait_for", "max_wait", "listings"}
    for key in raw:
        if key not in allowed:
            raise fail(key, f"unknown key; expected one of: {', '.join(sorted(allowed))}")
    if raw and not outlet.render:
        raise ConfigError(
            outlet.source_file,
            f"outlet.{outlet.name}.render_options",
            'set render = "splash" or "browser" too, or remove render_options',
        )
    wait_for = raw.get("wait_for")
    if wait_for is not None and (not isinstance(wait_for, str) or not wait_for.strip()):
        raise fail("wait_for", f"expected a CSS selector string, got {wait_for!r}")
    max_wait = raw.get("max_wait", DEFAULT_MAX_WAIT)
    if (
        isinstance(max_wait, bool)
        or not isinstance(max_wait, int | float)
        or not 0 < max_wait <= MAX_WAIT_LIMIT
    ):
        raise fail("max_wait", f"expected seconds between 0 and {MAX_WAIT_LIMIT:g}, got {max_wait!r}")
    listings = raw.get("listings", False)
    if not isinstance(listings, bool):
        raise fail("listings", f"expected true or false, got {listings!r}")
    return RenderOptions(wait_for=wait_for, max_wait=float(max_wait), listings=listings)
