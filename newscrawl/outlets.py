"""The outlet registry: outlet and network definitions read from TOML data files.

Definitions are data so that adding an outlet, or fixing a network's template
rules, never needs a code change. Every file is validated strictly on load: a
typo in a key is an error naming the file and the key, not a silently ignored
setting.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from newscrawl.errors import ConfigError
from newscrawl.extraction.selectors import SELECTOR_KEYS as EXTRACTION_SELECTOR_KEYS
from newscrawl.extraction.selectors import compile_selector

RENDER_MODES = ("splash", "browser")
# What an outlet's selectors may name: the extraction fields, plus the links discovery follows.
DISCOVERY_SELECTOR_KEYS = frozenset({"article_links", "next_page"})
SELECTOR_KEYS = EXTRACTION_SELECTOR_KEYS | DISCOVERY_SELECTOR_KEYS
DEFAULT_SETTINGS_DIR = Path(__file__).resolve().parent.parent / "settings" / "outlets"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Network:
    """Outlets that share one template: their common selectors and junk rules."""

    name: str
    source_file: str
    description: str = ""
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    junk: Mapping[str, Any] = field(default_factory=dict)
    example: bool = False


@dataclass(frozen=True)
class Outlet:
    """One site to crawl: where its article URLs are found and how its pages read."""

    name: str
    base_url: str
    source_file: str
    network: str | None = None
    robots_txt: bool = True
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    max_section_pages: int = 5
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    junk: Mapping[str, Any] = field(default_factory=dict)
    render: str | None = None
    render_options: Mapping[str, Any] = field(default_factory=dict)
    example: bool = False

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).netloc.lower()

    def absolute(self, url: str) -> str:
        """Resolve a configured path such as ``/sitemap.xml`` against the outlet's base URL."""
        return urljoin(self.base_url.rstrip("/") + "/", url)

    def accepts_article(self, url: str) -> bool:
        """Apply the allow/deny patterns: deny wins, and no allow list means allow all."""
        if any(pattern.search(url) for pattern in self.deny):
            return False
        return not self.allow or any(pattern.search(url) for pattern in self.allow)


@dataclass(frozen=True)
class Registry:
    """Every outlet and network defined under one path."""

    outlets: Mapping[str, Outlet]
    networks: Mapping[str, Network]

    def select(self, outlet: str | None = None, network: str | None = None) -> list[Outlet]:
        """The outlets a crawl should cover, narrowed by name or network; unknown names are errors."""
        chosen = list(self.outlets.values())
        if outlet:
            wanted = [name.strip() for name in outlet.split(",") if name.strip()]
            missing = [name for name in wanted if name not in self.outlets]
            if missing:
                raise ValueError(f"unknown outlet(s): {', '.join(missing)}; known: {', '.join(self.outlets)}")
            chosen = [self.outlets[name] for name in wanted]
        if network:
            if network not in self.networks and not any(o.network == network for o in chosen):
                raise ValueError(f"unknown network: {network}; known: {', '.join(self.networks)}")
            chosen = [o for o in chosen if o.network == network]
        return chosen

    def outlet_for_url(self, url: str) -> Outlet | None:
        host = urlsplit(url).netloc.lower()
        for outlet in self.outlets.values():
            if outlet.domain == host:
                return outlet
        return None


class _Table:
    """Typed reads from one TOML table that report the file and the dotted key on error."""

    def __init__(self, data: Mapping[str, Any], file: str, prefix: str) -> None:
        self.data = data
        self.file = file
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), problem)

    def check_keys(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"unknown key; expected one of: {', '.join(sorted(allowed))}")

    def string(self, name: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.data.get(name, default)
        if value is None:
            if required:
                raise self.fail(name, "missing; expected a string")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(name, f"expected a non-empty string, got {value!r}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, got {value!r}")
        return value

    def positive_int(self, name: str, default: int) -> int:
        value = self.data.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(name, f"expected a whole number >= 1, got {value!r}")
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(name, f"expected a list of non-empty strings, got {value!r}")
        return tuple(value)

    def patterns(self, name: str) -> tuple[re.Pattern[str], ...]:
        compiled = []
        for index, text in enumerate(self.strings(name)):
            try:
                compiled.append(re.compile(text))
            except re.error as exc:
                raise ConfigError(
                    self.file, f"{self.key(name)}[{index}]", f"bad regular expression: {exc}"
                ) from exc
        return tuple(compiled)

    def table(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"expected a table, got {value!r}")
        return value

    def selectors(self, name: str = "selectors") -> dict[str, tuple[str, ...]]:
        raw = self.table(name)
        result: dict[str, tuple[str, ...]] = {}
        for key, value in raw.items():
            if key not in SELECTOR_KEYS:
                raise ConfigError(
                    self.file,
                    f"{self.key(name)}.{key}",
                    f"unknown selector; expected one of: {', '.join(sorted(SELECTOR_KEYS))}",
                )
            values = [value] if isinstance(value, str) else value
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v for v in values)
            ):
                raise ConfigError(
                    self.file, f"{self.key(name)}.{key}", "expected a CSS/XPath string or a list of them"
                )
            for expression in values:
                try:
                    compile_selector(expression)
                except ValueError as exc:
                    raise ConfigError(self.file, f"{self.key(name)}.{key}", str(exc)) from exc
            result[key] = tuple(values)
        return result


NETWORK_KEYS = {"name", "description", "selectors", "junk", "example"}
OUTLET_KEYS = {
    "name",
    "base_url",
    "network",
    "robots_txt",
    "sitemaps",
    "feeds",
    "sections",
    "max_section_pages",
    "allow",
    "deny",
    "selectors",
    "junk",
    "render",
    "render_options",
    "example",
}


def _read_network(data: Any, file: str, index: int) -> Network:
    if not isinstance(data, dict):
        raise ConfigError(file, f"network[{index}]", "expected a table")
    table = _Table(data, file, f"network[{index}]")
    name = _checked_name(table)
    table.prefix = f"network.{name}"
    table.check_keys(NETWORK_KEYS)
    return Network(
        name=name,
        source_file=file,
        description=table.string("description", "") or "",
        selectors=table.selectors(),
        junk=table.table("junk"),
        example=table.boolean("example", False),
    )


def _checked_name(table: _Table) -> str:
    name = table.string("name", required=True)
    assert name is not None
    if not NAME_PATTERN.match(name):
        raise table.fail("name", f"expected letters, digits, '.', '_' or '-', got {name!r}")
    return name


def _read_outlet(data: Any, file: str, index: int) -> tuple[Outlet, dict[str, tuple[str, ...]]]:
    if not isinstance(data, dict):
        raise ConfigError(file, f"outlet[{index}]", "expected a table")
    table = _Table(data, file, f"outlet[{index}]")
    name = _checked_name(table)
    table.prefix = f"outlet.{name}"
    table.check_keys(OUTLET_KEYS)
    base_url = table.string("base_url", required=True)
    assert base_url is not None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise table.fail("base_url", f"expected an absolute http(s) URL, got {base_url!r}")
    render = table.string("render")
    if render is not None and render not in RENDER_MODES:
        raise table.fail(
            "render", f"expected one of {', '.join(RENDER_MODES)} (or leave it out), got {render!r}"
        )
    outlet = Outlet(
        name=name,
        base_url=base_url,
        source_file=file,
        network=table.string("network"),
        robots_txt=table.boolean("robots_txt", True),
        sitemaps=table.strings("sitemaps"),
        feeds=table.strings("feeds"),
        sections=table.strings("sections"),
        max_section_pages=table.positive_int("max_section_pages", 5),
        allow=table.patterns("allow"),
        deny=table.patterns("deny"),
        junk=table.table("junk"),
        render=render,
        render_options=table.table("render_options"),
        example=table.boolean("example", False),
    )
    return outlet, table.selectors()


def _toml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    raise ConfigError(str(path), "NEWSCRAWL_OUTLETS", "no such file or folder")


def load_registry(path: str | Path) -> Registry:
    """Read every ``*.toml`` below ``path`` (or the one file) into a validated registry."""
    networks: dict[str, Network] = {}
    pending: list[tuple[Outlet, dict[str, tuple[str, ...]]]] = []
    for file_path in _toml_files(Path(path)):
        file = str(file_path)
        try:
            with file_path.open("rb") as handle:
                document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(file, "(syntax)", f"not valid TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(file, "(file)", f"cannot read: {exc}") from exc
        for key in document:
            if key not in ("network", "outlet"):
                raise ConfigError(
                    file, key, "unknown top-level key; expected [[network]] or [[outlet]] tables"
                )
        for index, data in enumerate(_as_list(document.get("network", []), file, "network")):
            network = _read_network(data, file, index)
            if network.name in networks:
                raise ConfigError(
                    file,
                    f"network.{network.name}",
                    f"defined twice (also in {networks[network.name].source_file})",
                )
            networks[network.name] = network
        for index, data in enumerate(_as_list(document.get("outlet", []), file, "outlet")):
            pending.append(_read_outlet(data, file, index))
    outlets: dict[str, Outlet] = {}
    for outlet, own_selectors in pending:
        if outlet.name in outlets:
            raise ConfigError(
                outlet.source_file,
                f"outlet.{outlet.name}",
                f"defined twice (also in {outlets[outlet.name].source_file})",
            )
        selectors: dict[str, tuple[str, ...]] = {}
        if outlet.network is not None:
            parent = networks.get(outlet.network)
            if parent is None:
                raise ConfigError(
                    outlet.source_file,
                    f"outlet.{outlet.name}.network",
                    f"unknown network {outlet.network!r}; defined: {', '.join(networks) or 'none'}",
                )
            selectors.update(parent.selectors)
        selectors.update(own_selectors)
        outlets[outlet.name] = replace(outlet, selectors=selectors)
    return Registry(outlets=outlets, networks=networks)


def _as_list(value: Any, file: str, key: str) -> list[Any]:
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise ConfigError(file, key, f"expected [[{key}]] tables")
    return value


@lru_cache(maxsize=8)
def _cached_registry(path: str) -> Registry:
    return load_registry(path)


def registry_from_settings(settings: Mapping[str, Any] | Any) -> Registry:
    """The registry named by the NEWSCRAWL_OUTLETS setting, loaded once per process."""
    getter: Callable[[str], Any] = settings.get
    path = getter("NEWSCRAWL_OUTLETS") or DEFAULT_SETTINGS_DIR
    return _cached_registry(str(Path(path).resolve()))
