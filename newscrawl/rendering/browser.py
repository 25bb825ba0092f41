"""``render = "browser"``: pages rendered by a headless Chromium found on the machine (scrapy-playwright).

scrapy-playwright's download handler serves every http(s) request, but it only renders requests
marked ``playwright``; the rest take Scrapy's normal HTTP/1.1 path inside the same handler. Its
default browser provider starts the Playwright driver when the engine starts; ``LazyChromium``
defers the driver and the browser to the first rendered page, so a crawl without rendered outlets
starts no extra process at all.
"""

from __future__ import annotations

import logging

import scrapy
from playwright.async_api import Browser, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request as PlaywrightRequest
from scrapy_playwright.page import PageMethod
from scrapy_playwright.provider import PlaywrightBrowserProvider

from newscrawl.rendering.options import RenderOptions

logger = logging.getLogger(__name__)

# One browser context for every rendered page: the page limit per context is then the crawl's
# limit of pages open at once. scrapy-playwright closes each page once its HTML is read.
CONTEXT = "newscrawl"
# Root needs --no-sandbox; the rest keep Chromium from calling home on a closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
# Text extraction needs none of these; skipping them saves the sites' bandwidth and our time.
SKIPPED_RESOURCE_TYPES = frozenset({"image", "media", "font"})


class LazyChromium(PlaywrightBrowserProvider):
    """scrapy-playwright's provider, started on the first rendered page instead of at engine start."""

    async def start(self) -> None:
        """Nothing yet: ``launch_browser`` starts Playwright when a page first needs it."""

    async def launch_browser(self) -> Browser:
        if self.playwright is None:
            await super().start()
        return await super().launch_browser()


def launch_options(executable: str) -> dict[str, object]:
    return {"executable_path": executable, "headless": True, "args": list(CHROMIUM_ARGS)}


def skip_heavy_resources(request: PlaywrightRequest) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: true for sub-resources text extraction never reads."""
    return request.resource_type in SKIPPED_RESOURCE_TYPES


async def settle(page: Page, outlet: str, wait_for: str | None, max_wait: float) -> None:
    """Wait until the script has built the page (``wait_for``, else a quiet network), at most max_wait.

    A page that is not ready in time is still extracted as it is: a warning, not a failed request.
    """
    timeout_ms = max_wait * 1000
    try:
        if wait_for:
            await page.wait_for_selector(wait_for, state="attached", timeout=timeout_ms)
        else:
            await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    except PlaywrightError as exc:
        awaited = f"{wait_for!r}" if wait_for else "a quiet network"
        logger.warning(
            "%s: %s: %s not reached within %gs; extracting the page as it is (%s)",
            outlet,
            page.url,
            awaited,
            max_wait,
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )


def browser_request(
    request: scrapy.Request, outlet: str, options: RenderOptions, slot: str
) -> scrapy.Request:
    """The same request, rendered by Chromium with the outlet's wait rules."""
    return request.replace(
        meta={
            **request.meta,
            "playwright": True,
            "playwright_context": CONTEXT,
            "playwright_page_methods": [PageMethod(settle, outlet, options.wait_for, options.max_wait)],
            "download_slot": slot,
        }
    )
