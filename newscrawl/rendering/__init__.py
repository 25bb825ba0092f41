"""JavaScript rendering for outlets with ``render = "splash"`` or ``render = "browser"``.

The spiders call three functions and know nothing else about renderers:
``configure(settings)`` when the spider class sets up its settings, ``check(outlets, settings)``
before the first request (raise a clear error naming the outlet and the setting when a renderer
is missing), and ``prepare(outlet, request, listing)`` for every request of a rendered outlet.

Only the article requests (and, with ``render_options.listings = true``, section requests) of a
rendered outlet are rendered; every other request keeps Scrapy's plain downloader. Rendered
requests of all outlets share one download slot whose concurrency is
``NEWSCRAWL_RENDER_CONCURRENCY``, so renderers are never flooded, whatever the crawl's size.

Settings (defaults are set here at the lowest priority, so settings.py, profiles and ``-s`` win;
entries added to dict settings such as DOWNLOAD_HANDLERS keep every entry already there):
``SPLASH_URL`` (scrapy-splash's own, default http://127.0.0.1:8050), ``NEWSCRAWL_CHROMIUM``
(the Chromium executable, default /usr/lib/chromium/chromium), ``NEWSCRAWL_RENDER_CONCURRENCY``
(pages rendered at once, default 4). Any ``PLAYWRIGHT_*`` setting given explicitly wins too.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable
from dataclasses import replace
from importlib.util import find_spec

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.misc import load_object

from newscrawl.errors import ConfigError
from newscrawl.outlets import RENDER_MODES, Outlet, registry_from_settings
from newscrawl.rendering.options import RenderOptions, render_options

__all__ = ["RenderOptions", "RendererUnavailable", "check", "configure", "prepare", "render_options"]

logger = logging.getLogger(__name__)

RENDER_SLOT = "newscrawl-render"
DEFAULT_RENDER_CONCURRENCY = 4
DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"  # /usr/bin/chromium is a wrapper script that warns
DEFAULT_SPLASH_URL = "http://127.0.0.1:8050"
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
SPLASH_MIDDLEWARE = "newscrawl.rendering.splash_compat.SplashMiddleware"
README_HINT = 'see "Rendering JavaScript" in the README'


class RendererUnavailable(CloseSpider):
    """An outlet's renderer cannot be used: the crawl stops before its first request."""

    def __init__(self, message: str) -> None:
        super().__init__(reason="renderer_unavailable")
        self.message = message

    def __str__(self) -> str:
        return self.message


def configure(settings: BaseSettings) -> None:
    """Install what rendering needs in the crawler settings (download handlers, middlewares)."""
    settings.set("SPLASH_URL", DEFAULT_SPLASH_URL, priority="default")
    settings.set("NEWSCRAWL_CHROMIUM", DEFAULT_CHROMIUM, priority="default")
    settings.set("NEWSCRAWL_RENDER_CONCURRENCY", DEFAULT_RENDER_CONCURRENCY, priority="default")
    concurrency = max(1, settings.getint("NEWSCRAWL_RENDER_CONCURRENCY"))
    _merge_dict(settings, "DOWNLOAD_SLOTS", {RENDER_SLOT: {"concurrency": concurrency}})
    modes = _render_modes_in_use(settings)

    if "splash" in modes and find_spec("scrapy_splash") is not None:
        from newscrawl.rendering.splash import SPLASH_MIDDLEWARE_ORDER

        # Acts only on requests carrying meta["splash"]; every other request passes untouched.
        _merge_dict(settings, "DOWNLOADER_MIDDLEWARES", {SPLASH_MIDDLEWARE: SPLASH_MIDDLEWARE_ORDER})

    if "browser" in modes and find_spec("scrapy_playwright") is not None:
        from newscrawl.rendering import browser

        # The handler renders only requests marked "playwright"; the rest take its plain HTTP path.
        _merge_dict(settings, "DOWNLOAD_HANDLERS", {"http": HANDLER, "https": HANDLER})
        defaults: dict[str, object] = {
            "PLAYWRIGHT_BROWSER_PROVIDER": f"{browser.__name__}.LazyChromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": browser.launch_options(settings.get("NEWSCRAWL_CHROMIUM")),
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency,
            "PLAYWRIGHT_ABORT_REQUEST": f"{browser.__name__}.skip_heavy_resources",
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000,
        }
        for name, value in defaults.items():
            settings.set(name, value, priority="default")


def _render_modes_in_use(settings: BaseSettings) -> set[str]:
    """Renderers the defined outlets ask for: crawls of plain outlets keep Scrapy's own handlers."""
    try:
        registry = registry_from_settings(settings)
    except ConfigError:
        return set()  # the spider reports the broken file itself, naming file and key
    return {outlet.render for outlet in registry.outlets.values() if outlet.render}


def _merge_dict(settings: BaseSettings, name: str, entries: dict[str, object]) -> None:
    """Add ``entries`` to a dict setting, keeping every key it already has.

    The result sits at spider priority at least, like a spider's custom_settings: a crawl started
    from a ready Crawler re-applies the project's settings over lower priorities after this.
    """
    current = settings.getdict(name)
    merged = {**entries, **current}
    if merged != current:
        priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"])
        settings.set(name, merged, priority=priority)


def check(outlets: Iterable[Outlet], settings: BaseSettings) -> None:
    """Fail at start, naming the outlet and the setting, when an outlet's renderer cannot be used."""
    rendered = [outlet for outlet in outlets if outlet.render]
    for outlet in rendered:
        render_options(outlet)  # a bad render_options table is a ConfigError before any request
    problems = []
    for mode in RENDER_MODES:
        names = [outlet.name for outlet in rendered if outlet.render == mode]
        if not names:
            continue
        problem = _splash_problem(settings) if mode == "splash" else _browser_problem(settings)
        if problem:
            problems.append(f'{", ".join(names)}: render = "{mode}" cannot work: {problem}')
        else:
            logger.info('rendering with %s (render = "%s"): %s', mode, mode, ", ".join(names))
    if problems:
        for problem in problems:
            logger.critical("%s", problem)
        raise RendererUnavailable("; ".join(problems))


def _splash_problem(settings: BaseSettings) -> str | None:
    if find_spec("scrapy_splash") is None:
        return "the scrapy-splash package is not installed (pip install scrapy-splash)"
    from newscrawl.rendering.splash import splash_problem

    splash_url = settings.get("SPLASH_URL") or DEFAULT_SPLASH_URL
    problem = splash_problem(splash_url)
    if problem:
        return f"SPLASH_URL={splash_url}: {problem}; start Splash or set SPLASH_URL ({README_HINT})"
    return None


def _browser_problem(settings: BaseSettings) -> str | None:
    if find_spec("scrapy_playwright") is None:
        return "the scrapy-playwright package is not installed (pip install scrapy-playwright)"
    handler_class = load_object(HANDLER)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    for scheme in ("http", "https"):
        configured = handlers.get(scheme)
        handler = load_object(configured) if isinstance(configured, str) else configured
        if not (isinstance(handler, type) and issubclass(handler, handler_class)):
            return f"DOWNLOAD_HANDLERS[{scheme!r}] is {configured!r}; it must be {HANDLER}"
    if settings.get("PLAYWRIGHT_CDP_URL") or settings.get("PLAYWRIGHT_CONNECT_URL"):
        return None  # a remote browser: nothing to find on this machine
    executable = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path")
    if not executable:
        return None  # Playwright's own browser download, if the user installed one
    problem = _executable_problem(executable)
    if problem:
        setting = (
            "NEWSCRAWL_CHROMIUM"
            if executable == settings.get("NEWSCRAWL_CHROMIUM")
            else "PLAYWRIGHT_LAUNCH_OPTIONS['executable_path']"
        )
        return (
            f"{setting}={executable} {problem}; install Chromium "
            f"(apt-get install chromium) or set {setting} ({README_HINT})"
        )
    return None


def _executable_problem(executable: str) -> str | None:
    """Why the browser binary cannot run; ``--version`` (~50 ms) also catches missing libraries."""
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        return "is not an executable file"
    try:
        done = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"does not run ({exc})"
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return f"does not run (exit code {done.returncode}: {lines[-1] if lines else 'no output'})"
    return None


def prepare(outlet: Outlet, request: scrapy.Request, listing: bool) -> scrapy.Request:
    """The request as the outlet's renderer needs it (unchanged for plain outlets)."""
    if not outlet.render:
        return request
    options = render_options(outlet)
    if listing:
        if not options.listings:
            return request
        options = replace(options, wait_for=None)  # the selector describes article pages
    if outlet.render == "splash":
        from newscrawl.rendering.splash import splash_request

        return splash_request(request, options, RENDER_SLOT)
    from newscrawl.rendering.browser import browser_request

    return browser_request(request, outlet.name, options, RENDER_SLOT)
