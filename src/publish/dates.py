"""Letter dates as scholars record them: EDTF (ISO 8601-2, level 1) -> bounds and print forms.

In: the ``date:`` of a letter header (a string; YAML's own dates and integers are turned
back into their EDTF text by the caller) and the book's language.  Out: a ``LetterDate``
with the earliest and latest possible day (for ordering and parts) and the forms the book
prints: ``text`` ("12 July 1947", "c. 1130", "1130–1134", "June–August 1145",
"before 1150", "12th century", "undated") and ``short`` (year precision, for running
heads).

Parsing and bounds are the ``edtf`` package's; month names and date patterns are Babel's
(CLDR).  What no library does is say an EDTF value in words ("c.", "before", "12th
century"): that is the small table ``WORDS`` below, per language, English as fallback.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

#: EDTF qualifiers and open ends in words.  ``{}`` is the date.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "approx": "c. {}",
        "uncertain": "{}?",
        "both": "c. {}?",
        "before": "before {}",
        "after": "after {}",
        "undated": "undated",
        "decade": "{}s",
        "century": "{} century",
    },
    "fr": {
        "approx": "vers {}",
        "uncertain": "{} ?",
        "both": "vers {} ?",
        "before": "avant {}",
        "after": "après {}",
        "undated": "sans date",
        "decade": "années {}",
        "century": "{} siècle",
    },
    "de": {
        "approx": "um {}",
        "uncertain": "{}?",
        "both": "um {}?",
        "before": "vor {}",
        "after": "nach {}",
        "undated": "undatiert",
        "decade": "{}er Jahre",
        "century": "{} Jahrhundert",
    },
}

# One side of an EDTF value at level 0/1: year (digits or X), month, day, qualifier.
_SIDE = re.compile(r"^(?P<y>\d{4}|\d{3}X|\d{2}XX)(?:-(?P<m>0[1-9]|1[0-2]|XX)(?:-(?P<d>0[1-9]|[12]\d|3[01]|XX))?)?(?P<q>[~?%])?$")
_EXPECTED = "for example 1947-07-12, 1947-07, 1947, 1130~, 1130?, 1130/1134, 1145-06/1145-08, ../1150, 1150/.., 11XX"


class DateError(ValueError):
    """The value is not an EDTF date this edition understands; the message says why."""


@dataclass(frozen=True)
class LetterDate:
    """A letter's date: its EDTF text ("" when undated), the earliest and latest possible
    day (None when open or undated), and the printed forms."""

    edtf: str = ""
    earliest: dt.date | None = None
    latest: dt.date | None = None
    text: str = ""
    short: str = ""

    @property
    def year(self) -> int | None:
        """The year the letter is filed under: its earliest, else its latest possible."""
        day = self.earliest or self.latest
        return day.year if day else None

    @property
    def key(self) -> dt.date | None:
        """The day the letter is ordered by: the earliest possible, else the latest."""
        return self.earliest or self.latest


def _language(lang: str) -> str:
    return (lang or "en").replace("-", "_").split("_")[0].lower()


def _locale(lang: str) -> Locale:
    """Babel's locale for a BCP 47 tag.  A bare ``en`` prints as British English (day
    month year, "A, B and C"), the form the edition's letters use."""
    tag = (lang or "en").replace("-", "_")
    if tag.lower() == "en":
        tag = "en_GB"
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(_language(lang))
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_GB")


def words(lang: str) -> dict[str, str]:
    return WORDS.get(_language(lang), WORDS["en"])


def parse(value: str, lang: str) -> LetterDate:
    """EDTF text -> ``LetterDate``; raises ``DateError`` with a message a person can act on."""
    value = value.strip()
    # Level 2 features (sets, seasons, qualifiers on one part) are refused: their printed
    # form would need words this edition does not have.
    sides = value.split("/")
    if len(sides) > 2 or any(s not in ("", "..") and not _SIDE.match(s) for s in sides):
        raise DateError(f"`{value}` is not an EDTF date of level 0 or 1 ({_EXPECTED})")
    if all(s in ("", "..") for s in sides):
        raise DateError(f"`{value}` has no date on either side; leave `date` out for an undated letter")
    try:
        # Calendar dates, months or years (ISO 8601's, read by the standard library), else
        # the EDTF grammar (the edtf library, imported then: 0.1 s).
        earliest, latest = _bounds(sides) or _edtf_bounds(value)
    except (ValueError, OverflowError):
        raise DateError(f"`{value}` is not an EDTF date: it names a day that does not exist ({_EXPECTED})") from None
    if earliest and latest and earliest > latest:
        raise DateError(f"`{value}` ends before it begins; write the earlier date first")
    return LetterDate(value, earliest, latest, _say(sides, lang, full=True), _say(sides, lang, full=False))


_PLAIN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _plain(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a date with no EDTF qualifier, unspecified digit or
    interval (``1947``, ``1947-01``, ``1947-01-28``: most letters' dates), without the
    EDTF grammar (pyparsing: about 5 ms a date, seconds for a large edition); None for
    the others.  Raises ValueError for a day that does not exist."""
    match = _PLAIN.match(value)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if day is not None:
        date = dt.date(year, month, day)  # type: ignore[arg-type]
        return date, date
    if month is not None:
        import calendar

        last = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
        return dt.date(year, month, 1), dt.date(year, month, last)  # type: ignore[arg-type]
    return dt.date(year, 1, 1), dt.date(year, 12, 31)  # type: ignore[arg-type]


def _bounds(sides: list[str]) -> tuple[dt.date | None, dt.date | None] | None:
    """The first and last day of a date or interval whose every side is a calendar date,
    month or year (``_plain``), qualified or not (``~``, ``?`` and ``%`` leave the strict
    bounds, the edtf library's ``lower_strict`` and ``upper_strict``, where they are), or
    an interval's open end (``..``: None); None for the others (unspecified digits, an
    unknown end), which the EDTF grammar reads: about 10 ms a date, 0.8 s of reading a
    book of 340 letters where a quarter of the dates were qualified or intervals."""
    bounds: list[tuple[dt.date, dt.date] | None] = []
    for side in sides:
        if side == ".." and len(sides) == 2:
            bounds.append(None)
            continue
        plain = _plain(side[:-1] if side and side[-1] in "~?%" else side)
        if plain is None:
            return None
        bounds.append(plain)
    first, last = bounds[0], bounds[-1]
    return (first[0] if first else None, last[1] if last else None)


def _edtf_bounds(value: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of ``value`` by the edtf library (None: an open end);
    ValueError for what it cannot read."""
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parsed = parse_edtf(value)
    except EDTFParseException as exc:
        raise ValueError(str(exc)) from None
    return _day(parsed.lower_strict()), _day(parsed.upper_strict())  # (edtf lets 29 February 1950 pass: the date does not)


def _day(value: object) -> dt.date | None:
    if not isinstance(value, time.struct_time):
        return None  # an open end: -inf or inf
    if isinstance(value, float) and math.isinf(value):
        return None
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday)


def undated(lang: str) -> LetterDate:
    return LetterDate("", None, None, words(lang)["undated"], "")


def _say(sides: list[str], lang: str, full: bool) -> str:
    w = words(lang)
    if len(sides) == 1:
        return _one(sides[0], lang, full)
    lower, upper = sides
    if lower in ("", ".."):
        return w["before"].format(_one(upper, lang, full))
    if upper in ("", ".."):
        return w["after"].format(_one(lower, lang, full))
    a, b = _one(lower, lang, full), _one(upper, lang, full)
    if not full:
        return a if a == b else f"{a}–{b}"
    la, lb = _SIDE.match(lower), _SIDE.match(upper)
    assert la and lb
    # "June–August 1145": a range inside one year names the year once.
    if la["y"] == lb["y"] and la["m"] and lb["m"] and not la["d"] and not lb["d"] and not la["q"] and not lb["q"]:
        loc = _locale(lang)
        months = [format_date(dt.date(2000, int(m["m"]), 1), "LLLL", locale=loc) for m in (la, lb)]
        return f"{months[0]}–{months[1]} {la['y']}"
    # An en dash joins two years; spaced when either side has words of its own.
    return f"{a} – {b}" if " " in a or " " in b else f"{a}–{b}"


def _one(side: str, lang: str, full: bool) -> str:
    m = _SIDE.match(side)
    assert m
    w = words(lang)
    y, mo, d, q = m["y"], m["m"], m["d"], m["q"]
    if "X" in y:
        if y.endswith("XX"):
            text = w["century"].format(_ordinal(int(y[:2]) + 1, lang))
        else:
            text = w["decade"].format(y[:3] + "0")
    elif not full or not mo or mo == "XX":
        text = y
    elif not d or d == "XX":
        text = format_skeleton("yMMMM", dt.date(int(y), int(mo), 1), locale=_locale(lang))
    else:
        text = format_date(dt.date(int(y), int(mo), int(d)), "long", locale=_locale(lang))
    if q:
        text = w[{"~": "approx", "?": "uncertain", "%": "both"}[q]].format(text)
    return text


def _ordinal(n: int, lang: str) -> str:
    language = _language(lang)
    if language == "fr":
        return _roman(n) + "e"
    if language == "de":
        return f"{n}."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _roman(n: int) -> str:
    out = ""
    for value, digits in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += digits
            n -= value
    return out


def join_names(names: list[str], lang: str) -> str:
    """ "A", "A and B", "A, B and C" in the book's language (CLDR list patterns)."""
    from babel.lists import format_list

    return format_list(names, locale=_locale(lang)) if names else ""


def long_date(value: dt.date, lang: str) -> str:
    """A whole day in the book's language ("25 November 2026")."""
    return format_date(value, "long", locale=_locale(lang))
