"""The CMIF file: valid against the CMIF 1.1.0 schema, facts read back with XPath.

No build: each book is loaded once and written with ``cmif_xml`` alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from publish.build import load
from publish.model import Book, Party
from publish.writers.cmif import cmif_xml

from .conftest import MANUSCRIPT, SCHOLAR

SCHEMA = Path(__file__).parent / "fixtures" / "cmif" / "cmi-customization.rng"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
CREATED = dt.datetime(2023, 11, 14, 22, 13, 20)  # SOURCE_DATE_EPOCH 1700000000, naive UTC


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture(scope="module")
def edition_book() -> Book:
    return load(MANUSCRIPT)


@pytest.fixture(scope="module")
def scholar_book() -> Book:
    return load(SCHOLAR)


def tree(book: Book) -> etree._Element:
    return etree.fromstring(cmif_xml(book, CREATED))


def desc(root: etree._Element, key: str) -> etree._Element:
    found = root.xpath("//t:correspDesc[@key=$key]", namespaces=NS, key=key)
    assert len(found) == 1, key
    return found[0]


def one(el: etree._Element, path: str) -> etree._Element:
    found = el.xpath(path, namespaces=NS)
    assert len(found) == 1, (path, etree.tostring(el, encoding="unicode"))
    return found[0]


def sent_date(root: etree._Element, key: str) -> dict[str, str]:
    """The attributes of a letter's sending date; the text under the key ``text``."""
    date = one(desc(root, key), "t:correspAction[@type='sent']/t:date")
    return {**date.attrib, **({"text": date.text} if date.text else {})}


# --- the schema -----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["edition_book", "scholar_book"])
def test_valid_against_cmif_schema(which: str, schema: etree.RelaxNG, request: pytest.FixtureRequest) -> None:
    root = tree(request.getfixturevalue(which))
    valid = schema.validate(root)
    print(schema.error_log)
    assert valid, str(schema.error_log)


def test_schema_catches_what_cmif_forbids(scholar_book: Book, schema: etree.RelaxNG) -> None:
    """The copied schema is the strict CMIF one, not TEI at large: a ``bibl`` without
    ``xml:id`` and a ``correspAction`` of another type are refused."""
    root = tree(scholar_book)
    assert schema.validate(root)
    one(root, "//t:bibl").attrib.pop("{http://www.w3.org/XML/1998/namespace}id")
    assert not schema.validate(root)
    root = tree(scholar_book)
    one(root, "//t:correspDesc[@key='1']/t:correspAction[@type='received']").set("type", "forwarded")
    assert not schema.validate(root)


@pytest.mark.parametrize("which", ["edition_book", "scholar_book"])
def test_cmif_schematron_rules(which: str, request: pytest.FixtureRequest) -> None:
    """The error rules of the CMIF's Schematron (odd/cmif.sch, XSLT 2, which lxml cannot
    run): each correspDesc has a sent and a received action, its @source names the bibl,
    and every date in the profile has a dating attribute."""
    root = tree(request.getfixturevalue(which))
    bibl_id = one(root, "//t:sourceDesc/t:bibl/@xml:id")
    assert bibl_id[0].isalpha()
    descs = root.xpath("//t:correspDesc", namespaces=NS)
    assert descs
    for d in descs:
        assert d.xpath("t:correspAction[@type='sent']", namespaces=NS), d.get("key")
        assert d.xpath("t:correspAction[@type='received']", namespaces=NS), d.get("key")
        assert d.get("source") == f"#{bibl_id}"
    for date in root.xpath("//t:profileDesc//t:date", namespaces=NS):
        assert {"when", "from", "to", "notBefore", "notAfter"} & set(date.attrib), etree.tostring(date)


# --- the header -----------------------------------------------------------------------


def test_header(scholar_book: Book) -> None:
    root = tree(scholar_book)
    assert one(root, "//t:publicationStmt/t:date/@when") == "2023-11-14T22:13:20Z"
    assert one(root, "//t:licence/@target") == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC-BY 4.0" in one(root, "//t:licence/text()")
    assert one(root, "//t:publicationStmt/t:publisher/text()") == "Invented Press"
    assert root.xpath("//t:titleStmt/t:editor/text()", namespaces=NS) == ["Margarethe Lindqvist", "Tomás Ferreira"]
    bibl = one(root, "//t:sourceDesc/t:bibl")
    assert bibl.get("type") == "print"
    # The book's UUID begins with a digit, which an xml:id may not.
    assert bibl.get("{http://www.w3.org/XML/1998/namespace}id") == "uuid-3b8e6c2a-5d41-4f0b-9c7e-1126a1152b14"
    assert one(bibl, "t:title/text()").startswith("Letters from Sankt Albrecht: An Invented Correspondence")


def test_aware_created_time_is_written_in_utc(scholar_book: Book) -> None:
    created = dt.datetime(2023, 11, 15, 0, 13, 20, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    root = etree.fromstring(cmif_xml(scholar_book, created))
    assert one(root, "//t:publicationStmt/t:date/@when") == "2023-11-14T22:13:20Z"


# --- the shipped edition ----------------------------------------------------------------


def test_edition_has_a_correspdesc_per_letter(edition_book: Book) -> None:
    root = tree(edition_book)
    keys = root.xpath("//t:correspDesc/@key", namespaces=NS)
    assert len(keys) == 12
    assert keys[:11] == [str(n) for n in range(1, 12)]
    assert keys[11] == "sedova-1961-11-09"  # the appendix letter, by its id


def test_edition_day_dated_letter(edition_book: Book) -> None:
    root = tree(edition_book)
    assert sent_date(root, "6") == {"when": "1947-07-12"}
    sent = one(desc(root, "6"), "t:correspAction[@type='sent']")
    assert one(sent, "t:persName/text()") == "Natalia Sedova"
    assert one(sent, "t:placeName/text()") == "Mexico"


def test_edition_organisation_sender_and_place_ref(edition_book: Book) -> None:
    sent = one(desc(tree(edition_book), "1"), "t:correspAction[@type='sent']")
    assert one(sent, "t:orgName/text()") == "Union Communiste (Trotskyste)"
    assert not sent.xpath("t:persName", namespaces=NS)
    place = one(sent, "t:placeName")
    assert (place.text, place.get("ref")) == ("Paris", "https://www.geonames.org/2988507")


def test_edition_person_of_an_organisation_is_both_names(edition_book: Book) -> None:
    received = one(desc(tree(edition_book), "sedova-1961-11-09"), "t:correspAction[@type='received']")
    assert one(received, "t:persName/text()") == "Monsieur le Directeur"
    assert one(received, "t:orgName/text()") == "France-Soir"


# --- the scholar book: dates ------------------------------------------------------------


def test_scholar_day_date_is_when(scholar_book: Book) -> None:
    assert sent_date(tree(scholar_book), "1") == {"when": "1126-09-14"}  # date: 1126-09-14


def test_scholar_month_and_year_are_when_at_their_precision(scholar_book: Book) -> None:
    root = tree(scholar_book)
    assert sent_date(root, "2") == {"when": "1128-03"}  # date: "1128-03"
    assert sent_date(root, "5") == {"when": "1135"}  # date: 1135


def test_scholar_range_is_not_before_not_after(scholar_book: Book) -> None:
    root = tree(scholar_book)
    # date: "1130/1134"
    assert sent_date(root, "4") == {"notBefore": "1130-01-01", "notAfter": "1134-12-31"}
    # date: "1145-06/1145-08"
    assert sent_date(root, "8") == {"notBefore": "1145-06-01", "notAfter": "1145-08-31"}
    # date: "114X"
    assert sent_date(root, "7") == {"notBefore": "1140-01-01", "notAfter": "1149-12-31"}


def test_scholar_range_bounds_are_the_letter_date_bounds(scholar_book: Book) -> None:
    root = tree(scholar_book)
    letter = next(x for x in scholar_book.all_letters if x.date.edtf == "1130/1134")
    date = sent_date(root, str(letter.number))
    assert (date["notBefore"], date["notAfter"]) == ("1130-01-01", "1134-12-31")


def test_scholar_qualified_date_keeps_its_printed_form(scholar_book: Book) -> None:
    root = tree(scholar_book)
    # date: "1130~" and "1138?": the bounds, and the words no attribute can say
    assert sent_date(root, "3") == {"notBefore": "1130-01-01", "notAfter": "1130-12-31", "text": "c. 1130"}
    assert sent_date(root, "6") == {"notBefore": "1138-01-01", "notAfter": "1138-12-31", "text": "1138?"}


def test_scholar_open_ranges_have_one_bound(scholar_book: Book) -> None:
    root = tree(scholar_book)
    letters = {x.date.edtf: str(x.number) for x in scholar_book.letters}
    assert sent_date(root, letters["../1150"]) == {"notAfter": "1150-12-31"}
    assert sent_date(root, letters["1150/.."]) == {"notBefore": "1150-01-01"}


def test_scholar_undated_letters_have_no_date(scholar_book: Book) -> None:
    root = tree(scholar_book)
    undated = [str(x.number) for x in scholar_book.letters if not x.date.edtf]
    assert undated == ["12", "13"]
    for key in undated:
        assert desc(root, key).xpath(".//t:date", namespaces=NS) == []
    assert desc(root, "11").xpath(".//t:date", namespaces=NS)  # a dated one has one


# --- the scholar book: parties and places ---------------------------------------------------


def test_bernard_carries_his_authority_uris(scholar_book: Book) -> None:
    root = tree(scholar_book)
    sender = one(desc(root, "3"), "t:correspAction[@type='sent']/t:persName")
    assert sender.text == "Bernard of Clairvaux"
    assert sender.get("ref").split() == ["http://www.wikidata.org/entity/Q188411", "https://viaf.org/viaf/59875293"]
    recipient = one(desc(root, "4"), "t:correspAction[@type='received']/t:persName")
    assert recipient.get("ref") == sender.get("ref")


def test_person_without_authority_ids_has_no_ref(scholar_book: Book) -> None:
    sender = one(desc(tree(scholar_book), "1"), "t:correspAction[@type='sent']/t:persName")
    assert sender.text == "Odo of Reims" and sender.get("ref") is None


def test_organisation_sender_is_orgname(scholar_book: Book) -> None:
    desc11 = desc(tree(scholar_book), "9")  # l11-sankt-albrecht-after-1150
    sent = one(desc11, "t:correspAction[@type='sent']")
    assert one(sent, "t:orgName/text()") == "The convent of Sankt Albrecht"
    assert one(sent, "t:persName/text()") == "Adelheid of Sankt Albrecht"
    assert one(desc11, "t:correspAction[@type='received']/t:orgName/text()") == "The chapter of Saint-Denis"


def test_several_senders(scholar_book: Book) -> None:
    names = desc(tree(scholar_book), "4").xpath("t:correspAction[@type='sent']/t:persName/text()", namespaces=NS)
    assert names == ["Richildis of Sankt Albrecht", "Gerhard, prior of Sankt Albrecht"]


def test_place_refs(scholar_book: Book) -> None:
    root = tree(scholar_book)
    place = one(desc(root, "3"), "t:correspAction[@type='sent']/t:placeName")
    assert (place.text, place.get("ref")) == ("Clairvaux", "https://www.geonames.org/3024736")
    place = one(desc(root, "8"), "t:correspAction[@type='sent']/t:placeName")
    assert (place.text, place.get("ref")) == ("Trier", None)  # not in places.yaml
    assert desc(root, "7").xpath(".//t:placeName", namespaces=NS) == []  # no place given


def test_place_found_by_alias(scholar_book: Book) -> None:
    letter = scholar_book.letters[0]
    book = dataclasses.replace(scholar_book, letters=(dataclasses.replace(letter, place="Remis"), *scholar_book.letters[1:]))
    place = one(desc(tree(book), "1"), "t:correspAction[@type='sent']/t:placeName")
    assert (place.text, place.get("ref")) == ("Remis", "https://www.geonames.org/2984114")


def test_nameless_party_is_unknown(scholar_book: Book, schema: etree.RelaxNG) -> None:
    letter = scholar_book.letters[0]
    nameless = dataclasses.replace(letter, senders=(Party(),), recipients=())
    root = tree(dataclasses.replace(scholar_book, letters=(nameless, *scholar_book.letters[1:])))
    for action in ("sent", "received"):
        names = desc(root, "1").xpath(f"t:correspAction[@type='{action}']/*[self::t:persName or self::t:orgName]", namespaces=NS)
        assert [(etree.QName(n).localname, n.text) for n in names] == [("persName", "Unknown")], action
    assert schema.validate(root), str(schema.error_log)


def test_appendix_letter_keyed_by_id(scholar_book: Book) -> None:
    root = tree(scholar_book)
    assert root.xpath("//t:correspDesc/@key", namespaces=NS)[-1] == "a01-heilbrunner-1541"
    assert sent_date(root, "a01-heilbrunner-1541") == {"when": "1541-05-10"}
    keys = root.xpath("//t:correspDesc/@key", namespaces=NS)
    assert len(keys) == len(set(keys)) == len(scholar_book.all_letters)


# --- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["edition_book", "scholar_book"])
def test_deterministic(which: str, request: pytest.FixtureRequest) -> None:
    book = request.getfixturevalue(which)
    first = cmif_xml(book, CREATED)
    assert cmif_xml(load(Path(book.root)), CREATED) == first  # a fresh load gives the same bytes
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    assert b"\n    <fileDesc>\n" in first  # pretty-printed


def test_publish_build_format_cmif_writes_a_valid_file(tmp_path: Path, schema: etree.RelaxNG) -> None:
    """`publish build --format cmif` writes `<slug>-cmif.xml` beside the other outputs, and nothing else."""
    from publish.cli import main
    from tests.conftest import SCHOLAR

    assert main(["build", str(SCHOLAR), "-o", str(tmp_path), "--format", "cmif"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert written == ["scholar-letters-cmif.xml"]
    document = etree.parse(str(tmp_path / "scholar-letters-cmif.xml"))
    assert schema.validate(document), schema.error_log
