"""What scrapy-splash 0.11.1 (its last release) needs to run on Scrapy 2.19, in one place.

Importing this module imports scrapy-splash (ImportError when it is not installed).

1. Since Scrapy 2.16 ``canonicalize_url`` lives only in ``w3lib.url``; scrapy-splash still imports it
   from ``scrapy.utils.url`` and fails at import. It is put back under the old name first (it is the
   same function Scrapy itself re-exported before 2.16).
2. scrapy-splash's default per-domain slot policy calls the downloader's private
   ``_get_slot_key(request, spider)``, which current Scrapy no longer has (it is now
   ``get_slot_key(request)``): every request must carry ``slot_policy=SCRAPY_DEFAULT``
   (``SLOT_POLICY``), and newscrawl sets the download slot itself.
3. ``SplashDeduplicateArgsMiddleware`` has only a synchronous ``process_spider_output``, which fails
   on Scrapy 2.19's asynchronous spider output; newscrawl does not install it (it only saves
   bandwidth for large repeated arguments). Spiders must use ``async def start()`` (ours do).
4. Scrapy 2.19 deprecates the ``spider`` argument of downloader-middleware methods and will stop
   passing it; ``SplashMiddleware`` below takes it as optional and fills it from the crawler.

``tests/test_rendering_splash_compat.py`` fails when any of these facts changes upstream, so the
workaround that became unnecessary (or wrong) is noticed and removed.
"""

from __future__ import annotations

from typing import Any

import scrapy.utils.url
import w3lib.url

if not hasattr(scrapy.utils.url, "canonicalize_url"):
    scrapy.utils.url.canonicalize_url = w3lib.url.canonicalize_url  # type: ignore[attr-defined]

import scrapy_splash

SCRAPY_SPLASH_VERSION = "0.11.1"
SLOT_POLICY = scrapy_splash.SlotPolicy.SCRAPY_DEFAULT
SplashRequest = scrapy_splash.SplashRequest


class SplashMiddleware(scrapy_splash.SplashMiddleware):
    """scrapy-splash's downloader middleware, callable with or without the deprecated spider argument."""

    def process_request(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> Any:
        return super().process_request(request, spider or self.crawler.spider)

    def process_response(
        self, request: scrapy.Request, response: Any, spider: scrapy.Spider | None = None
    ) -> Any:
        return super().process_response(request, response, spider or self.crawler.spider)
