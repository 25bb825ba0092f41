"""Bylines to clean person names plus the credited organization (rules: ``shared/design/BYLINES.md``).

``normalize_byline`` is pure: a string in, a :class:`Byline` out. Word lists (wires, outlets, job titles,
prefixes in many languages, …) live in ``settings/bylines/*.toml``; this module only holds the procedure:

1. clean the text (markup, invisible characters) and route author-page URLs to the slug reader;
2. split Reuters-style credit lines and keep only the author credits;
3. cut what follows the names (dates, UI text, bios), drop emails, handles and co-author counts;
4. split glued text and separators into parts, read each part as a person, an organization or noise;
5. share a surname across given names, drop places after names, re-case, de-duplicate.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from newscrawl.text.bylines_names import (
    APOSTROPHES,
    fix_name_case,
    has_case,
    is_initials,
    is_lower_word,
    is_upper_word,
    surname_of,
)
from newscrawl.text.bylines_rules import BylineRules, load_byline_rules, organization_key
from newscrawl.text.bylines_url import looks_like_url, names_from_slug, slug_from_url

SOURCES: tuple[str, ...] = ("byline", "jsonld", "meta", "url")


@dataclass(frozen=True)
class Byline(Mapping[str, object]):
    """People credited (natural order, clean) and the credited outlet/wire, readable as a mapping."""

    authors: list[str] = field(default_factory=list)
    organization: str | None = None

    def __getitem__(self, key: str) -> object:
        if key == "authors":
            return self.authors
        if key == "organization":
            return self.organization
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("authors", "organization"))

    def __len__(self) -> int:
        return 2

    def as_dict(self) -> dict[str, object]:
        return {"authors": list(self.authors), "organization": self.organization}


def normalize_byline(
    raw: str, source: str = "byline", rules: BylineRules | str | os.PathLike[str] | None = None
) -> Byline:
    """Clean person names and the credited organization from one raw byline value.

    ``source`` says where the value came from (``byline``, ``jsonld``, ``meta``, ``url``): only JSON-LD and
    meta values are read as ``Family, Given``, and URLs as author-page slugs. ``rules`` are loaded rules or
    the folder to load them from; by default ``NEWSCRAWL_BYLINE_RULES`` or ``settings/bylines``.
    """
    if not isinstance(raw, str):
        raise TypeError(f"byline must be a string, not {type(raw).__name__}")
    if source not in SOURCES:
        raise ValueError(f"unknown byline source {source!r}; expected one of {', '.join(SOURCES)}")
    if not isinstance(rules, BylineRules):
        rules = load_byline_rules(rules)
    return _BylineReader(rules).read(raw, source)


# --- text clean-up -----------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^<>]{0,300}>")
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_SPACE_RE = re.compile(r"[^\S\n]+")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:mailto:)\S+", re.IGNORECASE)
_URL_IN_TEXT_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE_RE = re.compile(r"(?<![\w@])@[\w.]+")
# Footnote marks after names ("Jane Doe1", "John Smith*"); "g1", "BR24", "News24" are outlets, not notes.
_LETTER_DIGIT_RE = re.compile(r"(?<=[a-zà-ÿ]{2})(?=\d(?!\d))|[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]+")
# Hard separators end a group of names; commas and conjunctions only separate names inside a group.
_HARD_SEPARATOR_RE = re.compile(
    r"[|;/\\•·►▪●◆■▶✉\n\r\t()\[\]{}<>«»\"“”„=（）【】「」『』〈〉《》，、；／…]|\.{3}|\s[-–—~]+\s|^[-–—]+|[-–—]+$"
    r"|(?<=[a-zà-ÿ]{3})\.\s(?=[A-ZÀ-Þ])"
)
_COLON_RE = re.compile(r"\s*[:：]\s+|(?<=[^\W\d_])[:：](?=[^\W\d_])")
_LONE_LETTER_RE = re.compile(r"(?<=[a-zà-ÿ]{2}) ([b-df-hj-np-tv-xz])(?=$|[\s,;|])")
_COMMA_RE = re.compile(r"\s*,\s*")
_DIGIT_RE = re.compile(r"\d")
_LONE_LETTER_TOKEN_RE = re.compile(r" [^\W\d_](?:$| )")
# A name printed letter by letter ("J a n e D o e"): one text node per letter, joined with spaces.
_SPACED_LETTERS_RE = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")
_POSSESSIVE_RE = re.compile(r"['’]s$")  # "Jane Doe's avatar"
# Emoji and pictographs ("✍️ Jane Doe", "Jane Doe 🇺🇸"); a camera before a name is a photo credit (settings).
_PICTOGRAPH_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")
DATE_LOOKBACK = 32  # "Wednesday, September 18": the longest month/weekday lead-in before a date's digits
_SLUG_NAME_RE = re.compile(r"^[a-z]+(?:[-_][a-z]+){1,3}$")
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Korean wire datelines name the place, then the agency: "(서울=연합뉴스)".
_PLACE_AGENCY_RE = re.compile(r"[(（\[【]\s*[^()（）\[\]【】=]{1,20}=\s*([^()（）\[\]【】=]{1,40})[)）\]】]")
_EDGE_PUNCT = " \t.,:;!?*+=_-–—~'\"“”‘’«»()[]{}#|/\\•·"
_GLUE_LOWER_UPPER_RE = re.compile(r"(?<=[a-zà-ÿß])(?=[A-ZÀ-Þ][a-zà-ÿ])")
_GLUE_CAPS_RE = re.compile(r"(?<=[A-ZÀ-Þ]{2})(?=[A-ZÀ-Þ][a-zà-ÿ]{2})")
_NAME_TOKEN_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’ʼ`.‐-](?=[^\W\d_])|\.$)*$")
_CJK_RE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_VOWELS = frozenset("AEIOUYÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜАЕЁИОУЫЭЮЯІЇЄΑΕΗΙΟΥΩ")

# Separators inside a listed outlet name (``The Globe and Mail``) are swapped for private-use characters
# while the byline is split, and swapped back in the result.
_PROTECTED = {" ": "\ue000", "/": "\ue001", ",": "\ue002", ";": "\ue003", "|": "\ue004"}
_PROTECT = str.maketrans(_PROTECTED)
_UNPROTECT = str.maketrans({hidden: shown for shown, hidden in _PROTECTED.items()})

Part = tuple[str, object]  # ("person", [tokens]) | ("single", token) | ("org", text) | ("staff", None)


def _clean(raw: str) -> str:
    text = _TAG_RE.sub(" ", raw) if "<" in raw else raw
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text)).replace("\u00a0", " ")
    return _SPACE_RE.sub(" ", text).strip()


class _BylineReader:
    """One reading of one byline; holds the compiled rules and the running result."""

    def __init__(self, rules: BylineRules) -> None:
        self.rules = rules
        self.authors: list[str] = []
        self.organizations: list[str] = []
        # One-word names with no full name beside them ("Regan"): authors only if nobody else is named.
        self.lone_names: list[str] = []
        # Organization lookups already made while reading this byline (text -> listed name or None).
        self._listed_orgs: dict[str, str | None] = {}
        # A staff credit ("Mwandishi Wetu, Dodoma") makes a lone word a place, not a one-word name.
        self.staff_credited = False
        # Whether the credit being read names a picture agency (then it credits a photo, not the story).
        self.photo_credit = False
        # Whether the byline text being read mixes capitals and lowercase: then lowercase words are no name.
        self.mixed_case = True

    # entry -------------------------------------------------------------------------------------------------
    def read(self, raw: str, source: str) -> Byline:
        text = _clean(raw)
        if not text:
            return Byline()
        if source == "url" or looks_like_url(text):
            slug = slug_from_url(text, self.rules) if looks_like_url(text) else text  # a bare slug
            authors, organization = names_from_slug(slug, self.rules) if slug else ([], None)
            return Byline(authors, organization)
        if self._is_plain_name(text):
            return Byline([" ".join(fix_name_case(text.split(" "), self.rules))], None)
        if source in ("jsonld", "meta"):
            if _SLUG_NAME_RE.match(text):  # a CMS slug given as the name: "jane-doe"
                authors, organization = names_from_slug(text, self.rules)
                return Byline(authors, organization)
            text = "; ".join(self._family_given_order(piece.strip()) for piece in text.split(";"))
        for chunk in self._author_chunks(text):
            self._read_chunk(chunk)
        if not self.authors and not self.organizations and not self.staff_credited:
            for name in self.lone_names:
                self._add_person([name])
        return Byline(_unique_names(self.authors), "; ".join(_unique_orgs(self.organizations)) or None)

    def _is_plain_name(self, text: str) -> bool:
        """``Jane Doe``, ``Sarah E. Needleman``, ``JOHN SMITH``: two to four capitalised (or all-capital)
        words and initials, none of them a rule word. Most JSON-LD and meta values, and most parts of a
        byline, look like this; they need none of the steps below but re-casing.
        """
        words = text.split(" ")
        if not 2 <= len(words) <= 4 or len(set(words)) < len(words) or words[0][1:2] == ".":
            return False
        capitals = words[0].isupper()
        for word in words:
            if len(word) == 2 and word[1] == "." and word[0].isupper():
                continue
            if (
                len(word) < 2
                or not word.isalpha()
                or not (word.isupper() if capitals else word.istitle() and not word.isupper())
                or word.casefold() in self.rules.rule_words
                or word.casefold().endswith(self.rules.indicator_suffixes)
            ):
                return False
        return True

    # step 1: "Family, Given" in structured data
    def _family_given_order(self, text: str) -> str:
        sides = [side.strip() for side in text.split(",")]
        while len(sides) > 2 and _is_credential(sides[-1], self.rules, alone=True):
            sides.pop()  # "Doe, Jane, MD"
        if len(sides) != 2:
            return text
        family, given = sides
        family_tokens, given_tokens = family.split(), given.split()
        surnames = [t for t in family_tokens if t.casefold() not in self.rules.particles]
        if len(surnames) != 1 or not 1 <= len(given_tokens) <= 3:
            return text
        words = family_tokens + given_tokens
        if not all(_NAME_TOKEN_RE.match(t) for t in words) or any(self._is_decoration(t) for t in words):
            return text
        if self._known_org(given) or self._known_org(family):
            return text
        return f"{given} {family}"

    def _is_decoration(self, token: str) -> bool:
        low = token.casefold().strip(".")
        rules = self.rules
        return any(
            variant in words
            for variant in (low, low + ".")
            for words in (
                rules.credentials,
                rules.generational,
                rules.role_heads,
                rules.indicator_words,
                rules.honorifics,
                rules.staff_credits,
                rules.non_author_credits,
            )
        )

    # step 2: credit lines
    def _author_chunks(self, text: str) -> list[str]:
        """Text credited to authors: all of it, minus stretches after editor/photo credits."""
        chunks: list[str] = []
        position, keep = 0, True
        for match in self.rules.credit_re.finditer(text):
            if keep:
                chunks.append(text[position : match.start()])
            marker = " ".join(match.group(0).casefold().rstrip(": ").split())
            keep = marker in self.rules.author_credit_words or marker + ":" in self.rules.author_credit_words
            position = match.end()
        if keep:
            chunks.append(text[position:])
        if len(chunks) > 1 or not keep:
            # "By Ellen Barry and | Photographs by …": a conjunction left dangling by a cut credit goes too.
            chunks = [self.rules.trailing_conjunction_re.sub("", chunk) for chunk in chunks]
        return [chunk for chunk in chunks if chunk.strip(_EDGE_PUNCT)]

    # step 3: noise around names
    def _trim_noise(self, text: str) -> str:
        rules = self.rules
        if "@" in text or ":" in text:
            text = _HANDLE_RE.sub(" ", _URL_IN_TEXT_RE.sub(" ", _EMAIL_RE.sub(" ", text)))
        elif "www." in text:
            text = _URL_IN_TEXT_RE.sub(" ", text)
        text = rules.coauthor_count_re.sub("", text).rstrip()
        if not text.isascii():
            text = _PICTOGRAPH_RE.sub(" ", text)
        if _DIGIT_RE.search(text):
            text = _LETTER_DIGIT_RE.sub(" ", text)
        for _ in range(12):
            match = _earliest(text, rules)
            if match is None:
                break
            before = text[: match.start()]
            if any(ch.isalpha() for ch in before) and not self._only_prefix(before):
                return before
            text = before + " " + text[match.end() :]
        return text

    def _only_prefix(self, text: str) -> bool:
        stripped = text.strip(_EDGE_PUNCT)
        return not stripped or bool(self.rules.prefix_re.fullmatch(stripped + " "))

    # step 4: parts
    def _read_chunk(self, chunk: str) -> None:
        if "(" in chunk or "（" in chunk:
            chunk = self.rules.photo_credit_re.sub("", chunk)  # "Jane Doe (Fotos)" took the pictures
        authors_before, organizations_before = len(self.authors), len(self.organizations)
        self.photo_credit = False
        unprefixed = self._strip_prefixes(chunk)  # "By jane doe" is a lowercase byline
        self.mixed_case = unprefixed.lower() != unprefixed and unprefixed.upper() != unprefixed
        text = chunk
        if "=" in chunk:
            text = _PLACE_AGENCY_RE.sub(r"(\1)", chunk)
            # "홍길동 기자 = 정부가…": after a Korean reporter credit and "=", the story starts.
            text = self.rules.cjk_title_then_text_re.sub(r"\1", text)
        text = self._split_glued(self._trim_noise(text))
        if _LONE_LETTER_TOKEN_RE.search(text):  # "Molly Woo d", "J a n e D o e": letters of split text nodes
            text = _SPACED_LETTERS_RE.sub(_join_spaced_letters, _LONE_LETTER_RE.sub(r"\1", text))
        text = self.rules.conjoined_org_re.sub(lambda m: m.group(0).translate(_PROTECT), text)
        if "," in text:
            text = self.rules.generational_re.sub(r" \1", text)
        for segment in _HARD_SEPARATOR_RE.split(text):
            if self._is_staff_credit(segment):
                self.staff_credited = True
                continue
            segment = self._strip_prefixes(segment)
            pieces = _COLON_RE.split(segment) if ":" in segment or "：" in segment else [segment]
            for piece in pieces:
                if piece:
                    self._read_segment(piece)
        if self.photo_credit:  # "Jane Doe/Getty Images": the whole credit is for a picture
            del self.authors[authors_before:]
            del self.organizations[organizations_before:]

    def _split_glued(self, text: str) -> str:
        """``VonJasper RiemannBarbara`` -> ``Von Jasper | Riemann | Barbara``; ``McDonald`` stays."""
        if " " not in text.strip() or not (_GLUE_LOWER_UPPER_RE.search(text) or _GLUE_CAPS_RE.search(text)):
            return text
        words = text.split(" ")
        pieces: list[str] = []
        for index, word in enumerate(words):
            # Text nodes glued together leave a word with more words after it ("RiemannBarbara Schneider",
            # "TUCKERAssociated Press"); a last word like "ProPublica" or "CalMatters" is a brand.
            followed = index + 1 < len(words) and word[-1:].isalnum() and words[index + 1][:1].isalnum()
            if not word or word[0].islower() or not followed or self._known_org(word.strip(_EDGE_PUNCT)):
                pieces.append(word)
                continue
            pieces.append(self._split_glued_word(word, first=not pieces))
        return " ".join(pieces)

    def _split_glued_word(self, word: str, first: bool) -> str:
        out, start = [], 0
        cuts = sorted(
            {m.start() for m in _GLUE_LOWER_UPPER_RE.finditer(word)}
            | {m.start() for m in _GLUE_CAPS_RE.finditer(word)}
        )
        for cut in cuts:
            fragment = word[start:cut]
            tail = re.split(r"(?=[A-ZÀ-Þ])", fragment)[-1] if not fragment.isupper() else fragment
            low = tail.casefold()
            if first and start == 0 and self.rules.prefix_re.fullmatch(fragment + " "):
                out.append(fragment + " ")
            elif (
                (fragment.isupper() and len(fragment) < 4)
                or low in self.rules.glued_name_prefixes
                or len(tail) < 3
            ):
                continue
            else:
                out.append(fragment + " | ")
            start = cut
        out.append(word[start:])
        return "".join(out)

    def _strip_prefixes(self, text: str) -> str:
        text = self._trim_edges(text)
        for _ in range(4):
            match = self.rules.prefix_re.match(text)
            if not match or match.end() == 0:
                break
            text = self._trim_edges(text[match.end() :])
        return text

    def _trim_edges(self, text: str) -> str:
        """Strip punctuation (and leftover digits in front) around a part, but keep the dot of ``Jr.``."""
        trimmed = text.lstrip(_EDGE_PUNCT + "0123456789").rstrip(_EDGE_PUNCT)
        if text.rstrip().endswith(".") and trimmed:
            last = trimmed.rsplit(" ", 1)[-1]
            if last.casefold() + "." in self.rules.generational or len(last) == 1 or "." in last:
                return trimmed + "."
        return trimmed

    def _read_segment(self, segment: str) -> None:
        if self._is_plain_name(segment):
            self._add_person(segment.split(" "))
            return
        parts: list[Part] = []
        for comma_part in _COMMA_RE.split(segment):
            pieces = self.rules.conjunction_re.split(comma_part)
            for index, piece in enumerate(pieces):
                if index + 1 < len(pieces) and self._is_role_phrase(pieces[index + 1]):
                    # "Dan Sabbagh Defence" + "and security editor": the qualifier belongs to the title.
                    piece = self._without_trailing_qualifiers(piece)
                parts.extend(self._read_part(piece))
        self._assemble(parts)

    def _is_role_phrase(self, text: str) -> bool:
        words = [_bare(word) for word in text.split()]
        rules = self.rules
        return any(w in rules.role_heads for w in words) and all(
            w in rules.role_heads or w in rules.role_modifiers for w in words
        )

    def _without_trailing_qualifiers(self, text: str) -> str:
        words = text.split()
        while len(words) > 2 and _bare(words[-1]) in self.rules.role_modifiers:
            words.pop()
        return " ".join(words)

    def _is_staff_credit(self, text: str) -> bool:
        low = " ".join(text.strip(_EDGE_PUNCT).casefold().split())
        return low in self.rules.staff_credits or low in self.rules.non_author_credits

    def _read_part(self, text: str) -> list[Part]:
        """One part between separators: a person, an organization, a staff credit, or noise (nothing)."""
        if self._is_plain_name(text):
            return [("person", text.split(" "))]
        if organization_key(text) in self.rules.photo_agencies:
            self.photo_credit = True
            return []
        if self._is_staff_credit(text):
            return [("staff", None)]
        text = self._strip_prefixes(text)
        if not text:
            return []
        decided = self._read_whole_part(text)
        if decided is not None:
            return decided
        staff_org = self._strip_staff_words(text)
        if staff_org is not None:
            if not self._names_an_outlet(staff_org):
                return [("staff", None)]  # "unserer Redaktion", "Senior Correspondent"
            if len(staff_org.split()) < 2 or not self._looks_like_person(staff_org.split()):
                return [("org", staff_org)]  # "HNN Staff", "Guardian staff reporter"
            text = self._without_trailing_qualifiers(staff_org)  # "Peter Walker Political | correspondent"
        return self._read_tokens(text)

    def _read_whole_part(self, text: str) -> list[Part] | None:
        """Parts recognised as a whole: staff credits, places, listed outlets, "X for Y" and "da Folha"."""
        if self._is_staff_credit(text):
            return [("staff", None)]
        if text.casefold() in self.rules.places:
            return []
        introduced = self._split_introducer(text)
        if introduced:
            return introduced
        first, _, rest = text.partition(" ")
        if (
            rest
            and first.islower()
            and (first in self.rules.particles or first in self.rules.location_prepositions)
        ):
            named = self._known_org(rest) or any(self._org_like(t) for t in rest.split())
            return [("org", rest)] if named else []  # "do g1 SP" names an outlet, "do Rio" a place
        if self._known_org(text):
            return [("org", _drop_lower_article(text))]
        if self._org_suffix(text.split()):  # "Jane Doe Tribune News Service": the outlet's own staff word
            return self._read_name_or_org(text.split(), False)
        return None

    def _read_tokens(self, text: str) -> list[Part]:
        """The part word by word: CJK titles, job titles, then a name or an organization."""
        tokens = [_POSSESSIVE_RE.sub("", t) for t in (tok.strip(",;:|") for tok in text.split()) if t]
        tokens = [t for t in tokens if t and not t.isdigit()]
        tokens, cjk_orgs = self._split_cjk_titles(tokens)
        tokens, role_org, after_title = self._strip_role(tokens)
        parts: list[Part] = [("org", org) for org in cjk_orgs]
        if role_org:
            parts.append(("org", role_org))
        if not tokens:
            return parts or [("staff", None)]
        return self._read_name_or_org(tokens, after_title) + parts

    def _split_introducer(self, text: str) -> list[Part] | None:
        """``Jane Doe for The Guardian``, ``Special to the Pioneer Press``, ``For Dailymail.Com``."""
        match = self.rules.introducer_re.search(text)
        if not match:
            return None
        left, right = text[: match.start()].strip(), text[match.end() :].strip(_EDGE_PUNCT)
        if not right or (left and not self._looks_like_name(left.split())):
            return None
        right_tokens = right.split()
        named_org = self._known_org(right) or any(self._org_like(t) for t in right_tokens)
        if left and not match.group(1).islower() and not named_org:
            return None
        if not (named_org or right[0].isupper()):
            return None
        return (self._read_part(left) if left else []) + [("org", self._cut_location(right_tokens))]

    def _split_cjk_titles(self, tokens: list[str]) -> tuple[list[str], list[str]]:
        """``新华社记者`` (agency + "reporter", unspaced) names the agency; ``本报记者`` names no one."""
        kept: list[str] = []
        organizations: list[str] = []
        for token in tokens:
            if not _CJK_RE.search(token):
                kept.append(token)
            elif token in self.rules.staff_credits or token in self.rules.role_heads:
                continue
            else:
                stripped = _cjk_role_stripped([token], self.rules)
                if stripped and stripped[0] != token and self._known_org(stripped[0]):
                    organizations.append(stripped[0])
                else:
                    kept.extend(stripped)
        return kept, organizations

    def _cut_location(self, tokens: list[str]) -> str:
        for index, token in enumerate(tokens[1:], start=1):
            if token in self.rules.location_prepositions:
                return " ".join(tokens[:index])
        return " ".join(tokens)

    def _strip_staff_words(self, text: str) -> str | None:
        """``HNN Staff`` -> ``HNN``, ``Redacción EL TIEMPO`` -> ``EL TIEMPO``; None when no staff word."""
        words = text.split()
        lowered = [word.casefold() for word in words]
        for size in range(min(len(words) - 1, self.rules.staff_word_span), 0, -1):
            if " ".join(lowered[-size:]) in self.rules.staff_words:
                return _drop_lower_article(" ".join(words[:-size]).strip(_EDGE_PUNCT))
            if " ".join(lowered[:size]) in self.rules.staff_words:
                return _drop_lower_article(" ".join(words[size:]).strip(_EDGE_PUNCT))
        return None

    def _names_an_outlet(self, text: str) -> bool:
        """What is left of ``unserer Redaktion`` or ``Senior Correspondent`` is no outlet; ``HNN`` is."""
        words = text.split()
        if not words or not any(
            ch.isupper() or ch.isdigit() or not has_case(ch) for ch in text if ch.isalnum()
        ):
            return False
        joining = self.rules.particles | self.rules.introducer_words
        if any(w.islower() and w not in joining and w not in ("and", "&") for w in words):
            return False  # "John Smith in New York contributed to this": a sentence, not a name
        if any(self._org_token(w) for w in words):
            return True  # "Detroit News", "News Nation"
        return not all(_bare(w) in self.rules.title_words or w.casefold() in self.rules.places for w in words)

    def _strip_role(self, tokens: list[str]) -> tuple[list[str], str | None, bool]:
        """Remove a job title: the remaining tokens, an organization named after it (``Reporter at The
        Times``), and whether a title was there (then one word left beside it is an outlet: ``AP Sports
        Writer``). A capitalised qualifier that would leave one word stays with it (``Live Science``)."""
        rules = self.rules
        head = next((i for i, t in enumerate(tokens) if _bare(t) in rules.role_heads), None)
        if head is None:
            return tokens, None, False
        start = head
        kept_qualifier = False
        while start > 0 and _bare(tokens[start - 1]) in rules.role_modifiers:
            if (
                start - 1 == 1
                and tokens[1][:1].isupper()
                and not self._org_like(tokens[0])
                and _bare(tokens[0]) not in rules.role_modifiers
            ):
                kept_qualifier = True
                break
            start -= 1
        end = head + 1
        while end < len(tokens) and _bare(tokens[end]) in rules.title_words:
            end += 1
        before, after = tokens[:start], tokens[end:]
        if all(_bare(t) in rules.title_words or t.casefold() in rules.places for t in before):
            before = []  # "Chief Washington Correspondent": the whole part is the title
        organization = None
        joiner = after[0].casefold() if after else ""
        if joiner in rules.introducer_words or joiner in rules.particles or joiner == "with":
            org_tokens = after[1:]
            if org_tokens and org_tokens[0] == "the":
                org_tokens = org_tokens[1:]
            named = self._cut_location(org_tokens)
            # "Reporter at The Times" names an outlet; "Professor of Economics", "da Bruxelles" do not.
            if self._known_org(named) or any(self._org_like(t) for t in named.split()) or named[:4] == "The ":
                organization = named
            after = []
        elif after and after[0].casefold() in rules.location_prepositions:
            after = []
        if kept_qualifier:
            return [], " ".join(before), True
        return (before or after), organization, True

    # step 4b: one part as a name or an organization
    def _read_name_or_org(self, tokens: list[str], after_title: bool) -> list[Part]:
        """The words of one part as a person, an organization, or a name run into an outlet."""
        rules = self.rules
        text = " ".join(tokens)
        if self._known_org(text):
            return [("org", _drop_lower_article(text))]
        suffix = self._org_suffix(tokens) or self._case_change(tokens)
        if suffix:
            return [*self._read_name_or_org(tokens[:suffix], after_title), ("org", " ".join(tokens[suffix:]))]
        tokens = self._strip_decorations(tokens)
        if not tokens:
            return []
        tokens = _without_avatar_initials(_cut_at_location(tokens, rules))
        while (
            len(tokens) > 2
            and _bare(tokens[0]) in rules.section_labels
            and tokens[1][:1].isupper()
            and self._looks_like_person(tokens[1:])
        ):
            tokens = tokens[1:]
        if len(tokens) > 2 and tokens[-1].casefold() in rules.places and self._looks_like_person(tokens[:-1]):
            tokens = tokens[:-1]  # "Miguel González Madrid": a dateline run into the name
        if len(tokens) == 1:
            return self._read_single(tokens[0], after_title)
        if self._starts_with_article(tokens) or any(
            self._org_token(t) or self._names_org(t) or t.title() == "The" for t in tokens
        ):
            return self._split_run_on(tokens)
        tokens = _undouble(_cjk_role_stripped(tokens, rules))
        if after_title and len(tokens) == 1:
            return [("org", tokens[0])]
        if not self._looks_like_person(tokens):
            return []
        return [("person", tokens)]

    def _read_single(self, token: str, after_title: bool) -> list[Part]:
        """One word: an outlet (``Reuters``, ``KXAN``, ``LinkNaija``), an account (``jdadmin``), or a lone
        name that is a given name to share a surname with, a place, or a one-word byline (``Regan``)."""
        rules = self.rules
        bare = token.strip(_EDGE_PUNCT)
        low = bare.casefold()
        if not bare or low in rules.non_author_credits or low in rules.staff_credits:
            return []
        if self._known_org(bare) or self._org_token(bare) or _is_acronym(bare) or self._is_brand_casing(bare):
            return [("org", bare)]
        if after_title and bare[:1].isupper():
            return [("org", bare)]
        if (len(bare) >= 4 or not bare.isalpha()) and self._known_org(bare, strict=False):
            return [("org", bare)]
        if (
            any(part in low for part in rules.cms_account_parts)
            or is_lower_word(bare)
            or not _NAME_TOKEN_RE.match(bare)
        ):
            return []
        if (
            is_initials(bare)
            or low in rules.honorifics
            or low in rules.credentials
            or low in rules.generational
        ):
            return []
        cleaned = _cjk_role_stripped([bare], rules)
        if cleaned and _CJK_RE.search(cleaned[0]) and len(cleaned[0]) >= 2:
            return [("person", cleaned)]  # CJK names are written without spaces: one token is a full name
        return [("single", cleaned[0])] if cleaned else []

    def _starts_with_article(self, tokens: list[str]) -> bool:
        first = tokens[0].title() if tokens[0].isupper() else tokens[0]
        return first in self.rules.leading_articles

    def _is_brand_casing(self, token: str) -> bool:
        """``LinkNaija``, ``AppleInsider``, ``detikNews``: inner capitals not explained by a name prefix
        (``McDonald``, ``DeShawn``, ``MacKenzie``)."""
        return any(
            token[: m.start()].casefold() not in self.rules.glued_name_prefixes
            for m in _GLUE_LOWER_UPPER_RE.finditer(token)
        ) or bool(_GLUE_CAPS_RE.search(token))

    def _split_run_on(self, tokens: list[str]) -> list[Part]:
        """``Trevor J. Mitchell Sioux Falls Argus Leader``: a name run into an outlet without a separator."""
        name_length = (
            3
            if len(tokens) > 2 and (is_initials(tokens[1]) or tokens[1].casefold() in self.rules.particles)
            else 2
        )
        first_org = next(
            (
                i
                for i, t in enumerate(tokens)
                if (i == 0 and self._starts_with_article(tokens))
                or t.title() == "The"
                or self._org_token(t)
                or self._names_org(t)
            ),
            0,
        )
        if any(_is_acronym(t) and not any(ch in _VOWELS for ch in t) for t in tokens[:first_org]):
            first_org = 0
        if (
            first_org >= 2
            and len(tokens) - name_length >= 2
            and self._looks_like_person(tokens[:name_length])
            and (len(tokens) >= 5 or is_initials(tokens[1]))
        ):
            return [("person", tokens[:name_length]), ("org", " ".join(tokens[name_length:]))]
        rest = tokens[first_org:]
        # "Jane Doe The Times" splits; "Manchester Evening News" is one outlet name.
        if (
            first_org >= 2
            and self._looks_like_person(tokens[:first_org])
            and (len(rest) > 1 or self._names_org(rest[0]))
        ):
            return [("person", tokens[:first_org]), ("org", " ".join(rest))]
        return [("org", _drop_lower_article(" ".join(tokens)))]

    def _strip_decorations(self, tokens: list[str]) -> list[str]:
        """Honorifics before and credentials after a name; ``Jr.`` and initials stay."""
        rules = self.rules
        while len(tokens) > 1 and (
            tokens[0].casefold() in rules.honorifics or tokens[0].casefold() + "." in rules.honorifics
        ):
            tokens = tokens[1:]
        while tokens and _is_credential(tokens[-1], rules, alone=len(tokens) == 1):
            tokens = tokens[:-1]
        return tokens

    def _case_change(self, tokens: list[str]) -> int | None:
        """``JANE DOE Kansas City Star``: a name in capitals run into an outlet in title case."""
        caps = 0
        while caps < len(tokens) and is_upper_word(tokens[caps]):
            caps += 1
        rest = tokens[caps:]
        title_case_rest = bool(rest) and all(t[:1].isupper() and not is_upper_word(t) for t in rest)
        if caps < 2 or not title_case_rest or not self._looks_like_person(tokens[:caps]):
            return None
        return caps if len(rest) > 2 or not self._looks_like_person(rest) else None

    def _org_suffix(self, tokens: list[str]) -> int | None:
        """Index where a known organization ends the part (``Tom Davies Associated Press``)."""
        for start in range(1, len(tokens)):
            tail = tokens[start:]
            joined = " ".join(tail)
            if len(tail) == 1:
                named = self.rules.domain_re.match(joined) or (
                    (_is_acronym(joined) or "." in joined or self._is_brand_casing(joined))
                    and self._known_org(joined)
                )
            else:
                named = self._known_org(joined)
            if named and self._looks_like_person(_undouble(tokens[:start])):
                return start
        return None

    def _org_like(self, token: str) -> bool:
        return self._org_token(token) or self._known_org(token, strict=False) or _is_acronym(token)

    def _org_token(self, token: str) -> bool:
        """A word that makes a name an organization: ``News``, ``…zeitung``, ``NJ.com``, ``Nice-Matin``."""
        bare = token.strip(_EDGE_PUNCT).casefold()
        if "." in bare and self.rules.domain_re.match(bare):
            return True
        words = self.rules.indicator_words
        suffixes = self.rules.indicator_suffixes
        return any(piece in words or piece.endswith(suffixes) for piece in bare.split("-") if piece)

    def _known_org(self, text: str, strict: bool = True) -> bool:
        """A listed outlet or wire; listed acronyms (``ANA``, ``MAP``) only match when printed in capitals,
        unless ``strict`` is off (next to a job title, ``Ap Auto Writer`` still names AP)."""
        listed = self._listed_orgs.get(text, "")
        if listed == "":
            key = organization_key(text)
            listed = self._listed_orgs[text] = self.rules.organizations.get(key) if len(key) >= 2 else None
        if listed is None:
            return False
        return (
            not strict
            or not (listed.isupper() and len(listed) <= 5)
            or is_upper_word(text)
            or not has_case(text)
        )

    def _looks_like_name(self, tokens: list[str]) -> bool:
        return self._looks_like_person(self._strip_decorations(list(tokens)))

    def _looks_like_person(self, tokens: list[str]) -> bool:
        rules = self.rules
        if not tokens:
            return False
        core = [t for t in tokens if t.casefold() not in rules.particles]
        if not core or len(core) > 5:
            return False
        if self.mixed_case and all(t.islower() for t in core):
            return False
        if len(core) > 1 and all(len(t) == 1 for t in core):
            return False  # "J A N E": letters, not a name
        mixed = any(has_case(t) and not is_upper_word(t) and not is_lower_word(t) for t in tokens)
        for token in tokens:
            if not _NAME_TOKEN_RE.match(token) and not is_initials(token):
                return False
            low = token.casefold()
            if low in rules.particles or not has_case(token):
                continue
            if mixed and token[:1].islower() and not _CJK_RE.search(token):
                return False
            if low in rules.role_heads or self._org_token(token) or self._names_org(token):
                return False
            if token.title() == "The" and token is not tokens[0]:
                return False
        return True

    def _names_org(self, token: str) -> bool:
        """``CNN`` in ``CNN Business``: a listed outlet, or three capitals without a vowel.

        In a byline printed all in capitals, short listed names (``ANA``, ``MAP``) may be given names, and a
        word that is an outlet only with "The" in front (``The Sun``, ``The Hill``) may be a surname."""
        if self._known_org(token) and (self.mixed_case or len(token) > 3):
            listed = self._listed_orgs.get(token) or ""
            return not listed.casefold().startswith("the ")
        return (
            len(token) >= 3
            and token.isupper()
            and token.isascii()
            and token.isalpha()
            and not any(ch in _VOWELS for ch in token)
        )

    # step 5: assemble
    def _assemble(self, parts: list[Part]) -> None:
        """Share a surname with the given names listed before it; drop places listed after a name."""
        waiting: list[str] = []
        seen_person = False
        for kind, value in parts:
            if kind == "staff":
                self.staff_credited = True
            elif kind == "org":
                word = _bare(str(value))
                if word not in self.rules.section_labels:
                    self.organizations.append(str(value))
            elif kind == "single":
                if not seen_person:
                    waiting.append(str(value))
            elif kind == "person":
                tokens = list(value)  # type: ignore[call-overload]
                surname = surname_of(tokens, self.rules)
                for given in waiting:
                    self._add_person([given, *surname])
                waiting = []
                self._add_person(tokens)
                seen_person = True
        if not seen_person:
            self.lone_names.extend(given for given in waiting if not is_upper_word(given))

    def _add_person(self, tokens: list[str]) -> None:
        self.authors.append(" ".join(fix_name_case(tokens, self.rules)))


# --- small helpers


def _earliest(text: str, rules: BylineRules) -> re.Match[str] | None:
    """The first cut marker, bio phrase or date. A date holds a digit, and a month or weekday name comes at
    most a few words before it, so the (costly) date pattern starts looking just before the first digit."""
    matches = [rules.cut_re.search(text), rules.bio_re.search(text)]
    digit = _DIGIT_RE.search(text)
    if digit:
        matches.append(rules.date_re.search(text, max(0, digit.start() - DATE_LOOKBACK)))
    found = [m for m in matches if m is not None]
    return min(found, key=lambda m: m.start()) if found else None


def _bare(token: str) -> str:
    return token.strip(_EDGE_PUNCT).casefold()


def _drop_lower_article(text: str) -> str:
    return text[4:] if text.startswith("the ") else text


def _is_acronym(token: str) -> bool:
    """``AP``, ``KXAN``, ``BR24``: short capitals with at most one vowel (``PARIS`` is a place)."""
    letters = [ch for ch in token if ch.isalpha()]
    if not 2 <= len(token) <= 6 or not letters or not all(ch.isupper() for ch in letters):
        return False
    if not all(ch.isalnum() or ch in "&-" for ch in token):
        return False
    return sum(ch in _VOWELS for ch in letters) <= 1 or any(ch.isdigit() for ch in token)


def _is_credential(token: str, rules: BylineRules, alone: bool) -> bool:
    """Post-nominals are dropped when written as such: capitals or dots (``MD``, ``Ph.D.``), not ``Ma``."""
    low = token.casefold()
    if low not in rules.credentials and low.rstrip("®") not in rules.credentials:
        return False
    return alone or is_upper_word(token) or "." in token or "®" in token


def _cut_at_location(tokens: list[str], rules: BylineRules) -> list[str]:
    for index, token in enumerate(tokens[1:], start=1):
        if token in rules.location_prepositions:
            return tokens[:index]
    return tokens


def _cjk_role_stripped(tokens: list[str], rules: BylineRules) -> list[str]:
    """``김철수기자`` / ``王小明記者``: CJK job titles are often written without a space."""
    result = []
    for token in tokens:
        if _CJK_RE.search(token):
            if token in rules.cjk_role_heads:
                continue
            if token.endswith(rules.cjk_role_heads):
                head = next(h for h in rules.cjk_role_heads if token.endswith(h))
                token = token[: -len(head)]
        result.append(token)
    return result


def _join_spaced_letters(match: re.Match[str]) -> str:
    """``J a n e D o e`` -> ``Jane Doe`` (a capital starts a word); all capitals cannot be split and stay."""
    letters = match.group(0).replace(" ", "")
    if letters.isupper() or letters.islower():
        return match.group(0)
    return re.sub(r"(?<=.)(?=[A-ZÀ-Þ])", " ", letters)


def _without_avatar_initials(tokens: list[str]) -> list[str]:
    """``JD Jane Doe``: the initials of an avatar placeholder, printed before the name they stand for."""
    first, rest = tokens[0], tokens[1:]
    if (
        len(rest) >= 2
        and first.isupper()
        and first.isalpha()
        and first == "".join(t[:1] for t in rest).upper()
    ):
        return rest
    return tokens


def _undouble(tokens: list[str]) -> list[str]:
    """``Sarah E. Needleman Sarah E. Needleman`` (a name printed twice by an author card) -> once."""
    half = len(tokens) // 2
    if len(tokens) % 2 == 0 and half and tokens[:half] == tokens[half:]:
        return tokens[:half]
    return tokens


def name_key(name: str) -> str:
    """Compare names ignoring case, diacritics, apostrophe style, dots and hyphens."""
    kept = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", name.casefold()))
    for mark in APOSTROPHES:
        kept = kept.replace(mark, "'")
    return " ".join(kept.replace(".", " ").replace("-", " ").split())


def _unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def _unique_orgs(organizations: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for organization in organizations:
        organization = organization.translate(_UNPROTECT).strip(_EDGE_PUNCT)
        key = organization_key(organization)
        if key and key not in seen:
            seen.add(key)
            unique.append(organization)
    return unique


__all__ = [
    "SOURCES",
    "Byline",
    "BylineRules",
    "load_byline_rules",
    "name_key",
    "normalize_byline",
]
