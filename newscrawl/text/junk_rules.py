"""Junk-line rules as data: read, validate, compile and layer them.

Rules live in TOML so that a new network's widget or promo is fixed by adding
lines to ``settings/``, not code. Three layers apply to an item: the built-in
defaults (``settings/junk/default.toml``), the item's network, and its outlet;
a more specific layer may add rules, replace a rule by reusing its name, switch
rules off with ``disable``, and change the structure options. Every regular
expression is compiled once when its layer is loaded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from newscrawl.errors import ConfigError
from newscrawl.text.regex_screen import PatternScreen

DEFAULT_RULES_FILE = Path(__file__).resolve().parents[2] / "settings" / "junk" / "default.toml"

KINDS = frozenset(
    {
        "caption",
        "credit",
        "headline",
        "byline",
        "meta",
        "widget",
        "related",
        "promo",
        "ad",
        "share",
        "consent",
        "copyright",
        "wire",
        "attribution",
        "navigation",
    }
)
TABLE_KEYS = frozenset({"rule", "disable", "macros", "structure"})
RULE_KEYS = frozenset(
    {
        "name",
        "kind",
        "exact",
        "pattern",
        "unless",
        "case_sensitive",
        "first",
        "last",
        "min_words",
        "max_words",
        "fragment",
        "block",
    }
)
CAPTURE_GROUPS = frozenset({"caption", "credit", "source"})
MACRO_REFERENCE = re.compile(r"\{\{(\w+)\}\}")
MACRO_NAME = re.compile(r"^\w+$")
# Characters trimmed from both ends of a line before an exact comparison, so that
# "Related:", "More News »" and "— Advertisement —" match "related", "more news", "advertisement".
EXACT_TRIM = " \t:|»›>→←«‹<•·*#=_-–—…."
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})


def exact_key(text: str) -> str:
    """The form lines and ``exact`` entries are compared in: case, spacing and quote style ignored."""
    return " ".join(text.translate(QUOTES).split()).strip(EXACT_TRIM).casefold()


@dataclass(frozen=True)
class Rule:
    """One way to recognise a junk line; every condition given must hold for it to fire."""

    name: str
    kind: str
    origin: str
    exact: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    unless: re.Pattern[str] | None = None
    first: int | None = None
    last: int | None = None
    min_words: int | None = None
    max_words: int | None = None
    fragment: bool | None = None
    block: int = 0

    def where_allowed(self, position: int, total: int) -> bool:
        """Position limits: with ``first`` and/or ``last`` set, the line must fall in one of those windows."""
        if self.first is None and self.last is None:
            return True
        in_head = self.first is not None and position < self.first
        in_tail = self.last is not None and position >= total - self.last
        return in_head or in_tail

    def shape_allowed(self, words: int, fragment: bool) -> bool:
        if self.min_words is not None and words < self.min_words:
            return False
        if self.max_words is not None and words > self.max_words:
            return False
        return self.fragment is None or self.fragment == fragment


@dataclass(frozen=True)
class Structure:
    """Options for the context rules; ``None`` means "as the less specific layer says"."""

    lead_chrome: bool | None = None
    tail_chrome: bool | None = None
    fragment_max_words: int | None = None


@dataclass(frozen=True)
class JunkRules:
    """An ordered rule set: the first rule that fires names a line's kind."""

    rules: tuple[Rule, ...] = ()
    disable: frozenset[str] = frozenset()
    structure: Structure = field(default_factory=Structure)
    macros: Mapping[str, str] = field(default_factory=dict)
    # The loaded sets a combined set was made of (empty for a loaded set): their screens are reused.
    layers: tuple[JunkRules, ...] = ()

    @cached_property
    def exact_index(self) -> dict[str, Rule]:
        """Exact lines looked up in one dict probe instead of a scan; earlier rules win."""
        index: dict[str, Rule] = {}
        for rule in self.rules:
            for key in rule.exact:
                index.setdefault(key, rule)
        return index

    @cached_property
    def by_name(self) -> dict[str, Rule]:
        return {rule.name: rule for rule in self.rules}

    @cached_property
    def longest_exact(self) -> int:
        return max(self.exact_lengths, default=0)

    @cached_property
    def exact_lengths(self) -> frozenset[int]:
        return frozenset(map(len, self.exact_index))

    @cached_property
    def order(self) -> dict[str, int]:
        """A rule's rank: when several fire on a line, the earliest names its kind."""
        return {rule.name: rank for rank, rule in enumerate(self.rules)}

    @cached_property
    def screen(self) -> PatternScreen:
        """This set's own patterns in one RE2 screen (see ``screens``)."""
        return PatternScreen([pattern for _, pattern in self.screened])

    @cached_property
    def screened(self) -> tuple[tuple[Rule, re.Pattern[str]], ...]:
        """Every (rule, pattern) pair, in the order of the screen's pattern indexes."""
        return tuple((rule, pattern) for rule in self.rules for pattern in rule.patterns)

    @cached_property
    def screens(self) -> tuple[JunkRules, ...]:
        """The loaded sets whose screens cover this set's patterns.

        A screen costs a fraction of a second to build, so a combined set reuses the screens of
        the layers it was made of (the defaults' is built once for every outlet); rules those
        screens propose that this set disabled or replaced are skipped by the caller.
        """
        return self.layers or (self,)

    @cached_property
    def line_memo(self) -> dict[str, Any]:
        """What was learnt of each line text: syndicated copies and network widgets repeat lines verbatim."""
        return {}

    @property
    def lead_chrome(self) -> bool:
        return bool(self.structure.lead_chrome)

    @property
    def tail_chrome(self) -> bool:
        return bool(self.structure.tail_chrome)

    @property
    def fragment_max_words(self) -> int:
        return self.structure.fragment_max_words or 20


def combine_rules(*layers: JunkRules) -> JunkRules:
    """Layer rule sets from general to specific (defaults, network, outlet).

    The specific layer's rules come first, a name reused in a specific layer replaces
    the general rule, and ``disable`` in a layer removes rules of the layers before it.
    """
    if len(layers) == 1:
        return layers[0]  # nothing to layer: keep its compiled screen and memo
    chosen: list[Rule] = []
    seen: set[str] = set()
    disabled: set[str] = set()
    for layer in reversed(layers):
        for rule in layer.rules:
            if rule.name not in seen and rule.name not in disabled:
                chosen.append(rule)
                seen.add(rule.name)
        disabled |= layer.disable
    structure = Structure()
    macros: dict[str, str] = {}
    for layer in layers:
        overrides = {
            item.name: getattr(layer.structure, item.name)
            for item in fields(Structure)
            if getattr(layer.structure, item.name) is not None
        }
        structure = replace(structure, **overrides)
        macros.update(layer.macros)
    bases = tuple(base for layer in layers for base in layer.screens)
    return JunkRules(rules=tuple(chosen), structure=structure, macros=macros, layers=bases)


class _Reader:
    """Typed reads from one table; errors name the file and the dotted key."""

    def __init__(self, data: Mapping[str, Any], origin: str, prefix: str) -> None:
        self.data = data
        self.origin = origin
        self.prefix = prefix

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.origin, f"{self.prefix}.{key}" if self.prefix else key, problem)

    def check_keys(self, allowed: frozenset[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"unknown key; expected one of: {', '.join(sorted(allowed))}")

    def strings(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.fail(key, f"expected a string or a list of non-empty strings, got {value!r}")
        return value

    def count(self, key: str, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(key, f"expected a whole number >= {minimum}, got {value!r}")
        return value

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a table, got {value!r}")
        return value


def _expand(text: str, macros: Mapping[str, str], reader: _Reader, key: str, depth: int = 0) -> str:
    """Replace ``{{name}}`` with the macro's pattern, so shared pieces are written once."""
    if depth > 8:
        raise reader.fail(key, "macros refer to each other in a loop")

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise reader.fail(key, f"unknown macro {{{{{name}}}}}; defined: {', '.join(sorted(macros))}")
        return _expand(macros[name], macros, reader, key, depth + 1)

    return MACRO_REFERENCE.sub(substitute, text)


def _compile(text: str, flags: int, reader: _Reader, key: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(text, flags)
    except re.error as exc:
        raise reader.fail(key, f"bad regular expression: {exc}") from exc
    unknown = set(compiled.groupindex) - CAPTURE_GROUPS
    if unknown:
        raise reader.fail(
            key,
            f"unknown named group(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(CAPTURE_GROUPS))}",
        )
    return compiled


def _read_rule(data: Any, origin: str, prefix: str, macros: Mapping[str, str]) -> Rule:
    if not isinstance(data, Mapping):
        raise ConfigError(origin, prefix, f"expected a table, got {data!r}")
    reader = _Reader(data, origin, prefix)
    reader.check_keys(RULE_KEYS)
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise reader.fail("name", f"expected a name of letters, digits, '.', '_' or '-', got {name!r}")
    reader.prefix = f"{prefix}({name})"
    kind = data.get("kind")
    if kind not in KINDS:
        raise reader.fail("kind", f"expected one of: {', '.join(sorted(KINDS))}, got {kind!r}")
    exact = reader.strings("exact")
    pattern_texts = reader.strings("pattern")
    if bool(exact) == bool(pattern_texts):
        raise reader.fail("exact", "give either 'exact' lines or 'pattern' regexes (one of them)")
    flags = 0 if reader.flag("case_sensitive") else re.IGNORECASE
    patterns = tuple(
        _compile(_expand(text, macros, reader, "pattern"), flags, reader, "pattern") for text in pattern_texts
    )
    unless_texts = reader.strings("unless")
    unless = None
    if unless_texts:
        either = "|".join(f"(?:{text})" for text in unless_texts)
        unless = _compile(_expand(either, macros, reader, "unless"), flags, reader, "unless")
    return Rule(
        name=name,
        kind=kind,
        origin=origin,
        exact=frozenset(exact_key(line) for line in exact),
        patterns=patterns,
        unless=unless,
        first=reader.count("first", 1),
        last=reader.count("last", 1),
        min_words=reader.count("min_words", 1),
        max_words=reader.count("max_words", 1),
        fragment=reader.flag("fragment"),
        block=reader.count("block") or 0,
    )


def load_rules(
    table: Mapping[str, Any], origin: str, base: JunkRules | None = None, prefix: str = "junk"
) -> JunkRules:
    """Validate and compile one ``junk`` table: a network's or an outlet's sub-table, or a rules file.

    ``origin`` names the file in error messages and ``prefix`` the table's key in it.
    Patterns may use the ``{{macros}}`` of ``base`` (the built-in defaults unless given)
    and their own.
    """
    if not isinstance(table, Mapping):
        raise ConfigError(origin, prefix or "(top level)", f"expected a table, got {table!r}")
    reader = _Reader(table, origin, prefix)
    reader.check_keys(TABLE_KEYS)
    own_macros = dict(reader.table("macros"))
    for name, value in own_macros.items():
        if not MACRO_NAME.match(name) or not isinstance(value, str):
            raise reader.fail(f"macros.{name}", "expected name = 'regular expression'")
    inherited = (base if base is not None else default_rules()).macros
    macros = {**inherited, **own_macros}
    raw_rules = table.get("rule", [])
    if isinstance(raw_rules, Mapping):
        raw_rules = [raw_rules]
    if not isinstance(raw_rules, list):
        raise reader.fail("rule", "expected [[rule]] tables")
    rule_prefix = f"{prefix}.rule" if prefix else "rule"
    rules = [
        _read_rule(data, origin, f"{rule_prefix}[{index}]", macros) for index, data in enumerate(raw_rules)
    ]
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise reader.fail("rule", f"rule name(s) used twice: {', '.join(duplicates)}")
    structure_key = f"{prefix}.structure" if prefix else "structure"
    structure_reader = _Reader(reader.table("structure"), origin, structure_key)
    structure_reader.check_keys(frozenset(item.name for item in fields(Structure)))
    structure = Structure(
        lead_chrome=structure_reader.flag("lead_chrome"),
        tail_chrome=structure_reader.flag("tail_chrome"),
        fragment_max_words=structure_reader.count("fragment_max_words", 1),
    )
    return JunkRules(
        rules=tuple(rules),
        disable=frozenset(reader.strings("disable")),
        structure=structure,
        macros=macros,
    )


def load_rules_file(path: str | Path, base: JunkRules | None = None) -> JunkRules:
    """A TOML file of junk rules: the keys of a ``junk`` table at its top level."""
    file = str(path)
    try:
        with Path(path).open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "(syntax)", f"not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(file, "(file)", f"cannot read: {exc}") from exc
    return load_rules(document, file, base=base, prefix="")


@lru_cache(maxsize=1)
def default_rules() -> JunkRules:
    """The built-in rules for common English junk, read once per process."""
    return load_rules_file(DEFAULT_RULES_FILE, base=JunkRules())
