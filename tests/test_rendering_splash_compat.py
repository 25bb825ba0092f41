"""scrapy-splash on current Scrapy: the facts newscrawl.rendering.splash_compat works around.

Each test fails when upstream changes one of them, naming the workaround to remove or re-check.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import subprocess
import sys

import pytest
from scrapy.core.downloader import Downloader
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.extraction import extract_article
from newscrawl.outlets import Outlet
from newscrawl.rendering import RENDER_SLOT, prepare, splash_compat

scrapy_splash = splash_compat.scrapy_splash
SPLASH_URL = "http://127.0.0.1:8050"


def test_installed_scrapy_splash_is_the_release_the_workarounds_cover() -> None:
    installed = importlib.metadata.version("scrapy-splash")
    assert installed == splash_compat.SCRAPY_SPLASH_VERSION, (
        f"scrapy-splash {installed} is installed; re-check every workaround in splash_compat, "
        "then update SCRAPY_SPLASH_VERSION"
    )


def test_scrapy_splash_still_needs_the_canonicalize_url_alias() -> None:
    plain_import = subprocess.run(
        [sys.executable, "-c", "import scrapy_splash"], capture_output=True, text=True, check=False
    )
    assert plain_import.returncode != 0 and "canonicalize_url" in plain_import.stderr, (
        "scrapy_splash imports on this Scrapy without help: remove the canonicalize_url alias from splash_compat"
    )


def test_per_domain_slot_policy_still_needs_the_removed_downloader_method() -> None:
    assert not hasattr(Downloader, "_get_slot_key"), (
        "Downloader._get_slot_key is back: scrapy-splash's default slot policy may work again"
    )
    assert splash_compat.SLOT_POLICY == scrapy_splash.SlotPolicy.SCRAPY_DEFAULT


def test_splash_middleware_still_requires_the_deprecated_spider_argument() -> None:
    for name in ("process_request", "process_response"):
        spider = inspect.signature(getattr(scrapy_splash.SplashMiddleware, name)).parameters.get("spider")
        assert spider is not None and spider.default is inspect.Parameter.empty, (
            f"SplashMiddleware.{name} no longer requires spider: drop the subclass in splash_compat"
        )


def test_dedupe_args_middleware_is_still_synchronous_only() -> None:
    middleware = scrapy_splash.SplashDeduplicateArgsMiddleware
    assert not inspect.isasyncgenfunction(middleware.process_spider_output)
    assert not hasattr(middleware, "process_spider_output_async"), (
        "SplashDeduplicateArgsMiddleware handles async spider output now: it could be installed"
    )


@pytest.fixture
def splash_middleware():
    crawler = get_crawler(settings_dict={"SPLASH_URL": SPLASH_URL})
    return splash_compat.SplashMiddleware.from_crawler(crawler)


def test_a_prepared_request_reaches_splash_and_its_answer_reads_as_the_page(splash_middleware) -> None:
    middleware = splash_middleware
    outlet = Outlet(
        name="js-site",
        base_url="https://js.example/",
        source_file="outlets.toml",
        render="splash",
        render_options={"wait_for": "article p", "max_wait": 4},
    )
    article_url = "https://js.example/news/story-1"
    request = prepare(outlet, Request(article_url, meta={"outlet": "js-site"}), listing=False)

    to_splash = middleware.process_request(request)
    assert to_splash.url == f"{SPLASH_URL}/execute" and to_splash.method == "POST"
    args = json.loads(to_splash.body)
    assert args["url"] == article_url
    assert args["wait_for"] == "article p" and args["max_wait"] == 4
    assert "splash:go" in args["lua_source"]
    assert to_splash.meta["download_slot"] == RENDER_SLOT and to_splash.meta["outlet"] == "js-site"

    html = (
        b"<html><body><article><h1>Rendered title</h1>"
        + b"<p>Rendered paragraph text.</p>" * 3
        + b"</article>"
    )
    answer = HtmlResponse(
        f"{SPLASH_URL}/execute", body=html, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    response = middleware.process_response(to_splash, answer)
    assert response.url == article_url
    assert response.meta["outlet"] == "js-site"
    assert "Rendered paragraph text." in extract_article(response.body, response.url)["body"]
