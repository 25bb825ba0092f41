"""Author-page URLs to names: ``https://x.example/author/jane-doe-4411/`` -> ``Jane Doe``."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from newscrawl.text.bylines_rules import BylineRules, organization_key

URL_RE = re.compile(r"^(?:https?:)?//\S+$|^www\.\S+$|^/[\w%@+.,~-]+(?:/[\w%@+.,~-]*)*/?$", re.IGNORECASE)
_SLUG_SPLIT_RE = re.compile(r"[-_+.\s]+")
_ID_TOKEN_RE = re.compile(r"^(?=.*\d)[\w]+$|^[0-9a-f]{8,}$", re.IGNORECASE)
_FILE_SUFFIX_RE = re.compile(r"(?:\.[a-z]{2,5})+$", re.IGNORECASE)  # ".html", ".bild.html", ".cms"


def looks_like_url(text: str) -> bool:
    return bool(URL_RE.match(text))


MAX_SLUG_WORDS = 4


def slug_from_url(url: str, rules: BylineRules) -> str | None:
    """The path segment that names the author, or None for social profiles and outlet home pages.

    After an author segment (``/author/``, ``/autoren/``, …) the longest named segment is the slug
    (``/authors/m/ma-mo/mark-molloy/``); otherwise the last segment that is not an id or a generic page
    (``/news/jane-doe/12345678``, ``/news/ben_ashford/index.html``).
    """
    parts = urlsplit(url if "//" in url or url.startswith("/") else "//" + url)
    host = parts.netloc.casefold()
    if _is_social(host, rules.social_hosts):
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for index, segment in enumerate(segments[:-1]):
        if segment.casefold() in rules.author_path_segments:
            named = [s for s in segments[index + 1 :] if _names_something(s, rules)]
            return max(named, key=len) if named else None
    named = [s for s in segments if _names_something(s, rules)]
    return named[-1] if named else None


def _names_something(segment: str, rules: BylineRules) -> bool:
    """A path segment with a word in it that is not an author keyword or a generic page name."""
    stem = _FILE_SUFFIX_RE.sub("", segment).casefold()
    if stem in rules.author_path_segments or stem in rules.generic_path_segments:
        return False
    return any(len(word) > 1 and word.isalpha() for word in _SLUG_SPLIT_RE.split(stem))


def _is_social(host: str, social_hosts: tuple[str, ...]) -> bool:
    """``x.com`` matches ``x.com`` and ``mobile.x.com`` but not ``fox.com``; ``facebook.`` any Facebook."""
    host = host.split(":")[0]
    for social in social_hosts:
        if social.endswith("."):
            if host.startswith(social) or "." + social in host:
                return True
        elif host == social or host.endswith("." + social):
            return True
    return False


def names_from_slug(slug: str, rules: BylineRules) -> tuple[list[str], str | None]:
    """Title-cased words of a slug; a wire's slug gives the organization instead; usernames give nothing."""
    slug = _FILE_SUFFIX_RE.sub("", slug.split(",")[0]).strip()
    words = [w for w in _SLUG_SPLIT_RE.split(slug) if w and not _ID_TOKEN_RE.match(w)]
    # "author-jane-doe", "reuters-staff": keywords and staff words around the name are not part of it.
    words = [w for w in words if w.casefold() not in rules.author_path_segments]
    unstaffed = [w for w in words if w.casefold() not in rules.staff_words]
    wire = _wire_for_slug("-".join(unstaffed) or slug, rules)
    if wire:
        return [], wire
    if not 2 <= len(words) <= MAX_SLUG_WORDS or not all(w.isalpha() for w in words):
        return [], None  # a username, an id, or an article/section slug rather than a name
    lowered = [w.casefold() for w in words]
    if " ".join(lowered) in rules.non_author_credits or " ".join(lowered) in rules.staff_credits:
        return [], None
    if any(
        w in rules.indicator_words
        or w in rules.role_heads
        or w in rules.staff_credits
        or w in rules.organizations
        for w in lowered
    ):
        return [], None
    cased = [
        w.casefold() if 0 < i < len(words) - 1 and w.casefold() in rules.particles else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    ]
    return [" ".join(cased)], None


def _wire_for_slug(slug: str, rules: BylineRules) -> str | None:
    """``associated-press`` and ``associatedpressnp`` both name the Associated Press."""
    key = organization_key(slug)
    if key in rules.wires:
        return rules.wires[key]
    for org_key, name in rules.long_wire_keys:
        if key.startswith(org_key) and len(key) - len(org_key) <= 3:
            return name
    return None
