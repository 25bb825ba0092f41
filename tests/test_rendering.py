"""Rendering configuration: render_options validation, settings installed, requests prepared, start checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from newscrawl import rendering
from newscrawl.errors import ConfigError
from newscrawl.outlets import Outlet
from newscrawl.rendering import RendererUnavailable, RenderOptions, render_options
from tests.renderers import free_port


def outlet(render: str | None = "browser", **options: Any) -> Outlet:
    return Outlet(
        name="js-site",
        base_url="https://js.example/",
        source_file="settings/outlets/js.toml",
        render=render,
        render_options=options,
    )


RENDERED_OUTLETS = Path(__file__).parent / "data" / "rendered_outlets.toml"


def configured(**settings: Any) -> Settings:
    """Project settings (plus ``settings`` from the command line) after rendering.configure.

    The outlet set has one Splash and one browser outlet unless NEWSCRAWL_OUTLETS says otherwise.
    """
    values = Settings()
    values.setmodule("newscrawl.settings", priority="project")
    values.setdict({"NEWSCRAWL_OUTLETS": str(RENDERED_OUTLETS), **settings}, priority="cmdline")
    rendering.configure(values)
    return values


def test_plain_outlets_keep_scrapys_own_download_handlers(tmp_path: Path) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text('[[outlet]]\nname = "plain"\nbase_url = "http://127.0.0.1:8/"\n')
    settings = configured(NEWSCRAWL_OUTLETS=str(plain))
    assert rendering.HANDLER not in settings.getdict("DOWNLOAD_HANDLERS").values()
    assert rendering.SPLASH_MIDDLEWARE not in settings.getdict("DOWNLOADER_MIDDLEWARES")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, RenderOptions()),
        ({"wait_for": "article p"}, RenderOptions(wait_for="article p")),
        ({"max_wait": 2.5, "listings": True}, RenderOptions(max_wait=2.5, listings=True)),
        ({"max_wait": 60}, RenderOptions(max_wait=60.0)),
    ],
)
def test_render_options_read(options: dict, expected: RenderOptions) -> None:
    assert render_options(outlet(**options)) == expected


@pytest.mark.parametrize(
    ("render", "options", "key"),
    [
        ("browser", {"wait": 2}, "render_options.wait"),
        ("browser", {"wait_for": ""}, "render_options.wait_for"),
        ("browser", {"wait_for": ["p"]}, "render_options.wait_for"),
        ("browser", {"max_wait": 0}, "render_options.max_wait"),
        ("browser", {"max_wait": 61}, "render_options.max_wait"),
        ("browser", {"max_wait": "5"}, "render_options.max_wait"),
        ("browser", {"max_wait": True}, "render_options.max_wait"),
        ("splash", {"listings": "yes"}, "render_options.listings"),
        (None, {"wait_for": "p"}, "render_options"),
    ],
)
def test_bad_render_options_name_file_and_key(render: str | None, options: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        render_options(outlet(render, **options))
    assert error.value.file == "settings/outlets/js.toml"
    assert error.value.key == f"outlet.js-site.{key}"


def test_bad_render_options_stop_the_start_check() -> None:
    with pytest.raises(ConfigError):
        rendering.check([outlet(max_wait=-1)], configured())


def test_plain_outlets_and_unrendered_listings_keep_the_plain_request() -> None:
    request = Request("https://js.example/news/1")
    assert rendering.prepare(outlet(None), request, listing=False) is request
    assert rendering.prepare(outlet("browser"), request, listing=True) is request
    assert rendering.prepare(outlet("splash"), request, listing=True) is request


def test_browser_requests_are_marked_for_the_shared_context_and_render_slot() -> None:
    request = Request("https://js.example/news/1", meta={"outlet": "js-site"}, priority=3)
    rendered = rendering.prepare(outlet(wait_for="article p"), request, listing=False)
    assert rendered.url == request.url and rendered.priority == 3
    assert rendered.meta["outlet"] == "js-site"
    assert rendered.meta["playwright"] is True
    assert rendered.meta["download_slot"] == rendering.RENDER_SLOT
    (settle,) = rendered.meta["playwright_page_methods"]
    assert settle.args == ("js-site", "article p", 10.0)


def test_rendered_listings_wait_for_a_quiet_network_not_the_article_selector() -> None:
    request = Request("https://js.example/latest/")
    rendered = rendering.prepare(outlet(wait_for="article p", listings=True), request, listing=True)
    (settle,) = rendered.meta["playwright_page_methods"]
    assert settle.args == ("js-site", None, 10.0)


def test_configure_installs_handlers_middleware_and_render_slot() -> None:
    settings = configured()
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == rendering.HANDLER
    assert rendering.SPLASH_MIDDLEWARE in settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert settings.getdict("DOWNLOAD_SLOTS")[rendering.RENDER_SLOT] == {"concurrency": 4}
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == rendering.DEFAULT_CHROMIUM
    assert settings.get("SPLASH_URL") == rendering.DEFAULT_SPLASH_URL
    load_object(settings.get("PLAYWRIGHT_BROWSER_PROVIDER"))
    load_object(settings.get("PLAYWRIGHT_ABORT_REQUEST"))


def test_configured_settings_survive_the_project_settings_being_applied_again() -> None:
    settings = configured()
    project = Settings()
    project.setmodule("newscrawl.settings", priority="project")
    settings.update(project)  # what CrawlerProcess.crawl(crawler) does to a ready crawler's settings
    assert settings.getdict("DOWNLOAD_HANDLERS")["http"] == rendering.HANDLER
    assert rendering.SPLASH_MIDDLEWARE in settings.getdict("DOWNLOADER_MIDDLEWARES")


def test_explicit_settings_win_over_the_defaults() -> None:
    settings = configured(
        NEWSCRAWL_CHROMIUM="/opt/chromium/chrome",
        NEWSCRAWL_RENDER_CONCURRENCY=2,
        SPLASH_URL="http://splash.internal:8050",
    )
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == "/opt/chromium/chrome"
    assert settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 2
    assert settings.getdict("DOWNLOAD_SLOTS")[rendering.RENDER_SLOT] == {"concurrency": 2}
    assert settings.get("SPLASH_URL") == "http://splash.internal:8050"


@pytest.mark.parametrize(
    ("render", "settings", "named"),
    [
        (
            "browser",
            {"NEWSCRAWL_CHROMIUM": "/nonexistent/chromium"},
            "NEWSCRAWL_CHROMIUM=/nonexistent/chromium",
        ),
        (
            "browser",
            {"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/nonexistent/chrome"}},
            "PLAYWRIGHT_LAUNCH_OPTIONS['executable_path']=/nonexistent/chrome",
        ),
        (
            "browser",
            {"DOWNLOAD_HANDLERS": {"http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"}},
            "DOWNLOAD_HANDLERS['http']",
        ),
        ("splash", {"SPLASH_URL": "http://127.0.0.1:{port}"}, "SPLASH_URL=http://127.0.0.1:{port}"),
    ],
)
def test_an_unusable_renderer_stops_the_start_naming_outlet_and_setting(
    render: str, settings: dict, named: str
) -> None:
    port = free_port()  # nothing listens there
    settings = {
        key: value.format(port=port) if isinstance(value, str) else value for key, value in settings.items()
    }
    with pytest.raises(RendererUnavailable) as error:
        rendering.check([outlet(None), outlet(render)], configured(**settings))
    message = str(error.value)
    assert message.startswith(f'js-site: render = "{render}"')
    assert named.format(port=port) in message
    assert error.value.reason == "renderer_unavailable"


def test_no_rendered_outlet_needs_no_renderer() -> None:
    rendering.check(
        [outlet(None)], configured(NEWSCRAWL_CHROMIUM="/nonexistent", SPLASH_URL="http://127.0.0.1:9")
    )


def test_a_browser_binary_that_does_not_run_is_reported_with_its_error(tmp_path) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\nexit 127\n")
    broken.chmod(0o755)
    with pytest.raises(RendererUnavailable) as error:
        rendering.check([outlet("browser")], configured(NEWSCRAWL_CHROMIUM=str(broken)))
    assert f"NEWSCRAWL_CHROMIUM={broken} does not run (exit code 127: error while loading" in str(error.value)
