"""Word lists for byline normalization, read from ``settings/bylines/*.toml`` and compiled once.

Every list is data a user may extend: each TOML file in the folder contributes lists under the known keys,
and lists of the same key from several files are merged (so a ``local.toml`` can add outlets without editing
the shipped files).
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newscrawl.errors import ConfigError

RULES_SETTING = "NEWSCRAWL_BYLINE_RULES"
DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "settings" / "bylines"

LIST_KEYS = frozenset(
    {
        "wires",
        "outlets",
        "indicator_words",
        "indicator_suffixes",
        "leading_articles",
        "domain_endings",
        "role_heads",
        "role_modifiers",
        "staff_credits",
        "staff_words",
        "non_author_credits",
        "cms_account_parts",
        "honorifics",
        "credentials",
        "generational",
        "particles",
        "glued_name_prefixes",
        "prefixes",
        "author_credits",
        "excluded_credits",
        "organization_introducers",
        "location_prepositions",
        "conjunctions",
        "coauthor_counts",
        "cut_markers",
        "bio_markers",
        "months",
        "weekdays",
        "time_units",
        "date_lead_words",
        "places",
        "section_labels",
        "social_hosts",
        "photo_agencies",
        "photo_roles",
        "author_path_segments",
        "generic_path_segments",
    }
)
# Lists holding regular expressions rather than words.
PATTERN_KEYS = frozenset({"coauthor_counts"})


def _uppercase_class() -> str:
    """A regex character class of every capital letter in the BMP (``re`` has no ``\\p{Lu}``)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x41, 0x10000):
        if chr(code).isupper():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return (
        "["
        + "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
        )
        + "]"
    )


UPPERCASE = _uppercase_class()
_NON_ALNUM_RE = re.compile(r"[\W_]+")
_COMBINING_RE = re.compile("[\u0300-\u036f]")
_CJK_RE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def organization_key(name: str) -> str:
    """Compare organization names ignoring case, punctuation, spaces and a leading "The"."""
    folded = name.casefold()
    if not folded.isascii():  # "LA NACION" is "La Nación"
        folded = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", folded))
    key = _NON_ALNUM_RE.sub("", folded)
    return key[3:] if key.startswith("the") and len(key) > 5 else key


def _phrase_alternation(phrases: Iterable[str]) -> str:
    """One regex matching any of the literal phrases (case-folded; spaces match any run of whitespace).

    The phrases are merged into a prefix tree, so the regex engine tests a handful of branches at each
    position instead of every phrase, and a longer phrase ("editing by") is preferred to its prefix ("edit").
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        words = phrase.lower().split()
        if not words:
            continue
        node = trie
        for char in " ".join(words):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie) or "(?!)"


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    optional = "" in node
    if len(branches) == 1 and not optional:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")


def _first_chars(phrases: Iterable[str]) -> str:
    """A lookahead on the phrases' first two characters: the engine then skips most positions at once."""
    starts = [p.strip() for p in phrases if p.strip()]
    if not starts:
        return ""

    def char_class(chars: set[str]) -> str:
        cased = {c for ch in chars for c in (ch.lower(), ch.upper())}
        return "[" + "".join(re.escape(c) for c in sorted(cased)) + "]"

    firsts = char_class({p[0] for p in starts})
    if any(len(p) < 2 for p in starts):
        return f"(?={firsts})"
    seconds = char_class(
        {p[1] for p in starts} | ({" ", "\t"} if any(p[1] == " " for p in starts) else set())
    )
    return f"(?={firsts}{seconds})"


def _bounded(phrases: list[str]) -> str:
    """Any of the phrases as whole words; phrases ending in punctuation need no right edge."""
    return rf"(?<![\w@.]){_first_chars(phrases)}(?:{_phrase_alternation(phrases)})(?:(?<=[^\w])|(?!\w))"


@dataclass(frozen=True)
class BylineRules:
    """Compiled word lists; build with :func:`load_byline_rules`."""

    source: str
    wires: dict[str, str]
    long_wire_keys: tuple[tuple[str, str], ...]
    organizations: dict[str, str]
    indicator_words: frozenset[str]
    indicator_suffixes: tuple[str, ...]
    leading_articles: frozenset[str]
    domain_re: re.Pattern[str]
    role_heads: frozenset[str]
    cjk_role_heads: tuple[str, ...]
    cjk_title_then_text_re: re.Pattern[str]
    role_modifiers: frozenset[str]
    title_words: frozenset[str]
    staff_credits: frozenset[str]
    staff_words: frozenset[str]
    staff_word_span: int
    non_author_credits: frozenset[str]
    cms_account_parts: tuple[str, ...]
    honorifics: frozenset[str]
    credentials: frozenset[str]
    generational: frozenset[str]
    generational_re: re.Pattern[str]
    particles: frozenset[str]
    glued_name_prefixes: frozenset[str]
    prefix_re: re.Pattern[str]
    credit_re: re.Pattern[str]
    author_credit_words: frozenset[str]
    introducer_re: re.Pattern[str]
    introducer_words: frozenset[str]
    location_prepositions: frozenset[str]
    conjunction_re: re.Pattern[str]
    trailing_conjunction_re: re.Pattern[str]
    coauthor_count_re: re.Pattern[str]
    places: frozenset[str]
    section_labels: frozenset[str]
    social_hosts: tuple[str, ...]
    photo_agencies: frozenset[str]
    photo_credit_re: re.Pattern[str]
    author_path_segments: frozenset[str]
    generic_path_segments: frozenset[str]
    rule_words: frozenset[str]
    conjoined_org_re: re.Pattern[str]
    cut_re: re.Pattern[str]
    bio_re: re.Pattern[str]
    date_re: re.Pattern[str]


def _read_lists(folder: Path) -> dict[str, list[str]]:
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else [folder]
    if not files or not files[0].exists():
        raise ConfigError(str(folder), "-", "no byline rule files (*.toml) found")
    merged: dict[str, list[str]] = {key: [] for key in LIST_KEYS}
    for path in files:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(str(path), "-", f"cannot read TOML: {exc}") from exc
        for key, value in data.items():
            if key not in LIST_KEYS:
                raise ConfigError(
                    str(path), key, f"unknown key; expected one of {', '.join(sorted(LIST_KEYS))}"
                )
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ConfigError(str(path), key, "expected a list of strings")
            if key in PATTERN_KEYS:
                for item in value:
                    try:
                        re.compile(item)
                    except re.error as exc:
                        raise ConfigError(str(path), key, f"bad regular expression {item!r}: {exc}") from exc
            merged[key].extend(value)
    return merged


def _lower_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(item.strip().casefold() for item in items if item.strip())


def _date_pattern(months: list[str], weekdays: list[str], units: list[str], leads: list[str]) -> str:
    lead = rf"(?:(?:{_phrase_alternation(leads)})\s+)?" if leads else ""
    month = _phrase_alternation(months)
    weekday = _phrase_alternation(weekdays)
    unit = _phrase_alternation(units)
    day = r"\d{1,2}(?:st|nd|rd|th|er|\.|º)?"
    year = r"(?:\d{4}|'\d\d)"
    zone = r"(?:\s*\(?(?:[A-Z]{2,5}|GMT[+-]?\d*|UTC[+-]?\d*)\)?(?![\w]))?"
    clock = (
        rf"\d{{1,2}}(?:[:.h]\d{{2}}){{1,2}}(?:\s*[ap]\.?\s?m\.?)?{zone}|\d{{1,2}}\s*[ap]\.?m\.?(?!\w){zone}"
    )
    named = (
        rf"(?:(?:{weekday})\.?,?\s+)?(?:(?:{month})\.?\s+{day},?(?:\s+{year})?"
        rf"|{day}\s*(?:de\s+)?(?:{month})\.?,?(?:\s+(?:de\s+)?{year})?)"
    )
    numeric = (
        r"\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?"
        r"|\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
        r"|\d{4}\s*[년年]\s*\d{1,2}\s*[월月]\s*\d{1,2}\s*[일日]?"
        r"|\d{1,2}\s*[월月]\s*\d{1,2}\s*[일日]"
    )
    relative = rf"\d+[\s-]*(?:{unit})\.?(?:\s+(?:ago|read|lesezeit|de lectura|de lecture))?(?!\w)"
    starts = _first_chars(months + weekdays + leads + [str(d) for d in range(10)])
    return rf"(?i:(?<!\w){starts}{lead}(?:{named}|{numeric}|{clock}|{relative})(?!\w)|\b(?:19|20)\d\d\b)"


def _conjoined_names(lists: dict[str, list[str]], conjunctions: list[str]) -> list[str]:
    """Outlet names a separator or conjunction would cut apart (``The Globe and Mail``, ``Página/12``)."""
    joiners = {c.casefold() for c in conjunctions}
    names = [
        name
        for name in lists["wires"] + lists["outlets"]
        if any(mark in name for mark in "/|;,")
        or any(word.casefold() in joiners for word in name.split()[1:-1])
    ]
    return names


def compile_rules(lists: dict[str, list[str]], source: str) -> BylineRules:
    """Turn raw word lists into the matchers the normalizer uses."""
    wires = {organization_key(name): name for name in reversed(lists["wires"])}
    organizations = {organization_key(name): name for name in reversed(lists["outlets"])} | wires
    prefixes = _phrase_alternation(lists["prefixes"])
    introducers = _phrase_alternation(lists["organization_introducers"])
    conjunctions = [c for c in lists["conjunctions"] if c.strip()]
    word_conjunctions = _phrase_alternation(c for c in conjunctions if len(c) > 1)
    cjk_heads = tuple(sorted({h for h in lists["role_heads"] if _CJK_RE.search(h)}, key=len, reverse=True))
    letter_conjunctions = "".join(sorted({re.escape(c) for c in conjunctions if len(c) == 1}))
    coauthor = "|".join(f"(?:{p})" for p in lists["coauthor_counts"]) or r"(?!)"
    bio = _phrase_alternation(lists["bio_markers"])
    conjoined = _conjoined_names(lists, conjunctions)
    endings = "|".join(re.escape(e) for e in sorted(set(lists["domain_endings"]), key=len, reverse=True))
    return BylineRules(
        source=source,
        wires=wires,
        long_wire_keys=tuple((key, name) for key, name in wires.items() if len(key) >= 8),
        organizations=organizations,
        indicator_words=_lower_set(lists["indicator_words"]),
        indicator_suffixes=tuple(_lower_set(lists["indicator_suffixes"])),
        leading_articles=frozenset(word.strip() for word in lists["leading_articles"]),
        domain_re=re.compile(rf"^[\w-]+(?:\.[\w-]+)*\.(?:{endings})$", re.IGNORECASE),
        role_heads=_lower_set(lists["role_heads"]),
        cjk_role_heads=cjk_heads,
        cjk_title_then_text_re=re.compile("(" + "|".join(map(re.escape, cjk_heads)) + r")\s*=.*$", re.DOTALL),
        role_modifiers=_lower_set(lists["role_modifiers"]),
        title_words=_lower_set(lists["role_heads"] + lists["role_modifiers"] + lists["section_labels"]),
        staff_credits=_lower_set(lists["staff_credits"]),
        staff_words=_lower_set(lists["staff_words"]),
        staff_word_span=max((len(w.split()) for w in lists["staff_words"]), default=0),
        non_author_credits=_lower_set(lists["non_author_credits"]),
        cms_account_parts=tuple(_lower_set(lists["cms_account_parts"])),
        honorifics=_lower_set(lists["honorifics"]),
        credentials=_lower_set(lists["credentials"]),
        generational=_lower_set(lists["generational"]),
        generational_re=re.compile(
            r",\s*("
            + _phrase_alternation(g for g in lists["generational"] if 1 < len(g) <= 3)
            + r")(?=$|[\s,;|])",
            re.IGNORECASE,
        ),
        particles=_lower_set(lists["particles"]),
        glued_name_prefixes=_lower_set(lists["glued_name_prefixes"]),
        prefix_re=re.compile(
            rf"^\s*(?:{prefixes})(?:\s*[:：]|(?<=[^\w\s])|\s+|(?<=[\u3040-\u9fff\uac00-\ud7af]))",
            re.IGNORECASE,
        ),
        credit_re=re.compile(
            _bounded(lists["author_credits"] + lists["excluded_credits"]) + r"\s*:?", re.IGNORECASE
        ),
        author_credit_words=_lower_set(lists["author_credits"]),
        introducer_re=re.compile(rf"(?:^|\s)({introducers})\s+(?-i:the\s+)?(?=\S)", re.IGNORECASE),
        introducer_words=frozenset(w for w in _lower_set(lists["organization_introducers"]) if " " not in w),
        location_prepositions=_lower_set(lists["location_prepositions"]),
        trailing_conjunction_re=re.compile(rf"\s+(?i:{word_conjunctions})\s*$"),
        conjunction_re=re.compile(
            rf"^(?:{word_conjunctions})\s+|\s+(?i:{word_conjunctions})\s+|(?<=[A-ZÀ-Þ]{{2}})\s+Y\s+(?=[A-ZÀ-Þ]{{2}})"
            + (rf"|(?<=\w\w)\s+[{letter_conjunctions}]\s+(?={UPPERCASE})" if letter_conjunctions else "")
        ),
        coauthor_count_re=re.compile(rf"(?:{coauthor}).*$", re.IGNORECASE | re.DOTALL),
        places=_lower_set(lists["places"]),
        section_labels=_lower_set(lists["section_labels"]),
        social_hosts=tuple(_lower_set(lists["social_hosts"])),
        photo_agencies=frozenset(organization_key(name) for name in lists["photo_agencies"]),
        photo_credit_re=re.compile(
            rf"[^,;|/()]*\(\s*(?:{_phrase_alternation(lists['photo_roles'])})\s*\)", re.IGNORECASE
        ),
        author_path_segments=_lower_set(lists["author_path_segments"]),
        generic_path_segments=_lower_set(lists["generic_path_segments"]),
        rule_words=frozenset(
            word.strip(".,:;!?'\"()").casefold()
            for key, items in lists.items()
            if key not in PATTERN_KEYS
            for item in items
            for word in item.split()
        ),
        conjoined_org_re=re.compile(_bounded(conjoined) if conjoined else r"(?!)", re.IGNORECASE),
        cut_re=re.compile(_bounded(lists["cut_markers"]) + r"\s*:?", re.IGNORECASE),
        bio_re=re.compile(rf"\s(?:{bio})\s"),
        date_re=re.compile(
            _date_pattern(lists["months"], lists["weekdays"], lists["time_units"], lists["date_lead_words"])
        ),
    )


def load_byline_rules(path: str | os.PathLike[str] | None = None) -> BylineRules:
    """Load the rules from a folder of TOML files (or one file).

    Without a path, the ``NEWSCRAWL_BYLINE_RULES`` environment variable names it, else the shipped
    ``settings/bylines``. Bad files raise :class:`~newscrawl.errors.ConfigError` naming file and key.
    """
    chosen = path if path is not None else os.environ.get(RULES_SETTING) or DEFAULT_RULES_DIR
    return _load_cached(os.fspath(chosen))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> BylineRules:
    resolved = Path(path).resolve()
    return compile_rules(_read_lists(resolved), str(resolved))
