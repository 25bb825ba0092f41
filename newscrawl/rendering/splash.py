"""``render = "splash"``: pages rendered by a Splash server (SPLASH_URL) through scrapy-splash.

Every page goes through one small Lua script on Splash's ``execute`` endpoint, so the wait rules
(``wait_for`` / ``max_wait``) behave like the browser's, the site's HTTP status comes back as the
response status, and the response body is the rendered HTML for the extractor.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urljoin

import scrapy

from newscrawl.rendering import splash_compat
from newscrawl.rendering.options import RenderOptions

SPLASH_MIDDLEWARE_ORDER = 725  # scrapy-splash's documented place among the downloader middlewares
# Without a wait_for selector: time for load-time scripts to finish building the page.
SETTLE_SECONDS = 0.5
# Splash's own render timeout beyond max_wait (navigation itself can take this long).
NAVIGATION_ALLOWANCE = 20.0

# Images are not needed for text; a 4xx/5xx page keeps its status so HttpErrorMiddleware drops it.
RENDER_SCRIPT = """
function main(splash, args)
  splash.images_enabled = false
  local ok, reason = splash:go{args.url, headers=args.headers}
  if not ok then
    -- Splash's Lua sandbox has no string.match; its HTTP errors read "http404" and so on.
    local status = nil
    if reason and string.sub(reason, 1, 4) == "http" then
      status = tonumber(string.sub(reason, 5))
    end
    if not status then
      error(reason)
    end
    splash:set_result_status_code(status)
  end
  if args.wait_for then
    local waited = 0
    while not splash:select(args.wait_for) and waited < args.max_wait do
      splash:wait(0.1)
      waited = waited + 0.1
    end
  else
    splash:wait(args.settle)
  end
  splash:set_result_content_type("text/html; charset=utf-8")
  return splash:html()
end
"""


def splash_request(request: scrapy.Request, options: RenderOptions, slot: str) -> scrapy.Request:
    """The same request, sent through Splash with the outlet's wait rules."""
    args: dict[str, object] = {
        "lua_source": RENDER_SCRIPT,
        "max_wait": options.max_wait,
        "settle": SETTLE_SECONDS,
        "timeout": options.max_wait + NAVIGATION_ALLOWANCE,
    }
    if options.wait_for:
        args["wait_for"] = options.wait_for
    rendered: scrapy.Request = splash_compat.SplashRequest(
        request.url,
        callback=request.callback,
        errback=request.errback,
        endpoint="execute",
        args=args,
        slot_policy=splash_compat.SLOT_POLICY,
        meta={**request.meta, "download_slot": slot},
        priority=request.priority,
        dont_filter=request.dont_filter,
        cb_kwargs=request.cb_kwargs,
    )
    return rendered


def splash_problem(splash_url: str, timeout: float = 5.0) -> str | None:
    """Why Splash at ``splash_url`` cannot render (None when its ``/_ping`` answers ok)."""
    ping = urljoin(splash_url.rstrip("/") + "/", "_ping")
    try:
        with urllib.request.urlopen(ping, timeout=timeout) as answer:
            answered = json.loads(answer.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no Splash answers at {ping} ({reason})"
    status = answered.get("status") if isinstance(answered, dict) else answered
    if status != "ok":
        return f"{ping} answered status {status!r}, not 'ok'"
    return None
