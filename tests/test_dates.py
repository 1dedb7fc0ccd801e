"""Letter dates: EDTF (level 0 and 1) -> bounds and the forms the book prints, in its language."""

from __future__ import annotations

import datetime as dt

import pytest

from publish import dates


@pytest.mark.parametrize(
    ("edtf", "text", "short", "earliest", "latest"),
    [
        ("1947-07-12", "12 July 1947", "1947", dt.date(1947, 7, 12), dt.date(1947, 7, 12)),
        ("1947-07", "July 1947", "1947", dt.date(1947, 7, 1), dt.date(1947, 7, 31)),
        ("1947", "1947", "1947", dt.date(1947, 1, 1), dt.date(1947, 12, 31)),
        ("1130~", "c. 1130", "c. 1130", dt.date(1130, 1, 1), dt.date(1130, 12, 31)),
        ("1130?", "1130?", "1130?", dt.date(1130, 1, 1), dt.date(1130, 12, 31)),
        ("1130%", "c. 1130?", "c. 1130?", dt.date(1130, 1, 1), dt.date(1130, 12, 31)),
        ("1130/1134", "1130–1134", "1130–1134", dt.date(1130, 1, 1), dt.date(1134, 12, 31)),
        ("1145-06/1145-08", "June–August 1145", "1145", dt.date(1145, 6, 1), dt.date(1145, 8, 31)),
        ("1145-06-03/1145-08-20", "3 June 1145 – 20 August 1145", "1145", dt.date(1145, 6, 3), dt.date(1145, 8, 20)),
        ("../1150", "before 1150", "before 1150", None, dt.date(1150, 12, 31)),
        ("1150/..", "after 1150", "after 1150", dt.date(1150, 1, 1), None),
        ("11XX", "12th century", "12th century", dt.date(1100, 1, 1), dt.date(1199, 12, 31)),
        ("194X", "1940s", "1940s", dt.date(1940, 1, 1), dt.date(1949, 12, 31)),
        ("1947-06-XX", "June 1947", "1947", dt.date(1947, 6, 1), dt.date(1947, 6, 30)),
    ],
)
def test_edtf_forms(edtf: str, text: str, short: str, earliest: dt.date | None, latest: dt.date | None) -> None:
    d = dates.parse(edtf, "en")
    assert (d.text, d.short, d.earliest, d.latest) == (text, short, earliest, latest)
    assert d.key == (earliest or latest)


def test_forms_in_the_book_language() -> None:
    assert dates.parse("1947-07-12", "de").text == "12. Juli 1947"
    assert dates.parse("1145-06/1145-08", "de").text == "Juni–August 1145"
    assert dates.parse("1130~", "fr").text == "vers 1130"
    assert dates.parse("11XX", "fr").text == "XIIe siècle"
    assert dates.undated("de").text == "undatiert"
    assert dates.join_names(["A", "B", "C"], "en") == "A, B and C"
    assert dates.join_names(["A", "B"], "de") == "A und B"


@pytest.mark.parametrize("bad", ["1946-02-30", "1947-13", "2 April 1947", "[1130..1134]", "2001-21", "../..", "2004-06~-11", ""])
def test_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(dates.DateError, match="EDTF|no date"):
        dates.parse(bad, "en")


def test_unquoted_yaml_values_mean_the_same(tmp_path) -> None:
    """`date: 1144` (a YAML number) and `date: 1106-09-15` (a YAML date) read as EDTF text."""
    from publish.diagnostics import Collector
    from publish.model import Loc
    from publish.parse import _letter_date

    found = Collector()
    assert _letter_date(1144, "en", Loc("x"), found).text == "1144"
    assert _letter_date("1106-09-15", "en", Loc("x"), found).text == "15 September 1106"
    assert _letter_date(None, "en", Loc("x"), found).text == "undated"
    assert not found.items
    _letter_date(True, "en", Loc("x", 3), found)
    assert [d.code.value for d in found.items] == ["M007"]


def test_plain_dates_have_the_edtf_librarys_bounds() -> None:
    """Dates without qualifiers are read without the EDTF grammar (dates._plain, for
    speed): their first and last days are the edtf library's, leap years included."""
    import edtf

    from publish.dates import _day, _plain

    values = [f"{y}" for y in (1600, 1700, 1900, 1947, 2000)]
    values += [f"{y}-{m:02d}" for y in (1900, 1947, 1948, 2000) for m in range(1, 13)]
    values += [f"1948-{m:02d}-{d:02d}" for m in (1, 2, 12) for d in (1, 28, 29)]
    for value in values:
        parsed = edtf.parse_edtf(value)
        assert _plain(value) == (_day(parsed.lower_strict()), _day(parsed.upper_strict())), value
    assert _plain("1947-02?") is None and _plain("1947-02/1947-03") is None and _plain("19XX") is None


def test_qualified_dates_and_intervals_have_the_edtf_librarys_bounds() -> None:
    """Qualified dates and intervals of plain dates are read without the EDTF grammar too
    (dates._bounds): the edtf library's strict bounds, open ends as None; unspecified
    digits and unknown ends are left to the grammar."""
    import edtf

    from publish.dates import _bounds, _day

    sides = ["1947", "1948-02", "1948-02-29", "1130", "1947-12-31"]
    values = [f"{s}{q}" for s in sides for q in ("", "~", "?", "%")]
    values += [f"{a}/{b}" for a in values for b in values if a[:4] <= b[:4]]
    values += [f"{s}/.." for s in sides] + [f"../{s}" for s in sides]
    for value in values:
        parsed = edtf.parse_edtf(value)
        assert _bounds(value.split("/")) == (_day(parsed.lower_strict()), _day(parsed.upper_strict())), value
    for other in ("19XX", "1947-XX-01", "/1947", "1947/", "1947-02-XX?"):
        assert _bounds(other.split("/")) is None, other
