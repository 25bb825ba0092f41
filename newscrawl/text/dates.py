"""Date parsing for pages, sitemaps and feeds: any common form in, ISO 8601 with offset out.

Pure string functions so the spiders can normalise sitemap/feed dates exactly
like extraction normalises page dates.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

# North American zone abbreviations as printed by news sites and feeds.
ZONE_OFFSETS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "UT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
}
_TZINFOS = {name: hours * 3600 for name, hours in ZONE_OFFSETS.items()}

# Plausible publication years: rejects ids and phone numbers that look like dates.
MIN_YEAR, MAX_YEAR = 1990, 2100

_MIDNIGHT = datetime.combine(date(2000, 1, 1), datetime.min.time())

_EPOCH = re.compile(r"^\d{10}(\d{3})?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_CLOCK_SUFFIX = re.compile(r"\b([ap])\.m\.", re.IGNORECASE)
_NOISE = re.compile(r"^(published|posted|updated|last updated|modified|on|date)\s*:?\s*", re.IGNORECASE)
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 with offset ("2024-05-02T08:30:00-04:00") or None when not a date.

    Naive times are taken as UTC and a bare date as midnight UTC, so every
    value compares and sorts the same way.
    """
    parsed = parse_date(value)
    return None if parsed is None else parsed.isoformat()


def parse_date(value: str | None) -> datetime | None:
    """Aware datetime (seconds precision) for an ISO, RFC 822, epoch or printed date."""
    if not value:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_epoch(text) or _parse_rfc822(text) or _parse_printed(text)
    if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.replace(microsecond=0)


def _parse_iso(text: str) -> datetime | None:
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    candidate = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", candidate) if "T" in candidate else candidate
    compact = _COMPACT_DATE.match(candidate)
    if compact:
        candidate = "-".join(compact.groups())
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _parse_epoch(text: str) -> datetime | None:
    if not _EPOCH.match(text):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    return datetime.fromtimestamp(seconds, tz=UTC)


def _parse_rfc822(text: str) -> datetime | None:
    if not _RFC822.match(text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_printed(text: str) -> datetime | None:
    """Dates as printed on pages ("May 2, 2024 8:30 a.m. EDT"); needs a 4-digit year."""
    if not _YEAR.search(text) or len(text) > 80:
        return None
    cleaned = _CLOCK_SUFFIX.sub(r"\1m", _NOISE.sub("", text))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)  # unknown zone: naive
        try:
            return dateutil_parser.parse(cleaned, tzinfos=_TZINFOS, fuzzy=True, default=_MIDNIGHT)
        except (ValueError, OverflowError, TypeError):
            return None


def newest_utc(*dates: str | None) -> str:
    """The newest of the given ISO dates, in UTC so that such values compare as strings ('' for none).

    Listings mix offsets (``-05:00``, ``Z``); comparing their raw strings would order them wrongly.
    """
    newest = ""
    for value in dates:
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            continue
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        newest = max(newest, parsed.astimezone(UTC).isoformat(timespec="seconds"))
    return newest
