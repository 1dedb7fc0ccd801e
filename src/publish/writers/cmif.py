"""CMIF writer: the letters' metadata as a Correspondence Metadata Interchange Format file.

In: the transformed ``Book`` (its metadata, letters and registers) and the ``created``
time.  Out: a TEI document in CMIF 1.1.0 (TEI Correspondence SIG), UTF-8 bytes,
identical for the same input and ``created`` time, for correspSearch and the like.

- ``sourceDesc/bibl`` is the edition (``type="print"``: letters are cited by their
  number in the book); its ``xml:id`` is the book's UUID (``uuid-`` before it when the
  UUID begins with a digit, which an ``xml:id`` may not).
- One ``correspDesc`` per letter, in the book's order, ``key`` its number (appendix
  letters, numbered apart, their id).  The letter's place and date belong to the
  ``sent`` action; the ``received`` action names the recipients only.
- A party is a ``persName``, or an ``orgName`` when it is an organisation; both when it
  names a person and an organisation.  Nameless: ``persName`` "Unknown".  ``@ref`` holds
  the register entry's Wikidata, VIAF and GND URIs; a place's ``@ref`` its GeoNames URI
  (the letter's place is matched by name or alias against the register's places).
- Dates come from ``LetterDate``: a plain EDTF day, month or year is ``@when`` as
  written; any other date ``@notBefore``/``@notAfter`` from its bounds (``@when`` when
  they are the same day), with the printed form ("c. 1130") as text when an EDTF
  qualifier (``~ ? %``) says what no attribute can.  Undated letters have no ``date``.

The file's URL is not known to the book, so ``idno type="url"`` is the book's
identifier.
"""

from __future__ import annotations

import datetime as dt
import uuid

from lxml import etree

from ..dates import join_names
from ..model import Book, Entry, Letter, Party

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SCHEMA = "https://raw.githubusercontent.com/TEI-Correspondence-SIG/CMIF/master/schema/cmi-customization.rng"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TEXT = "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"

#: Authority files of persons and organisations: register field -> URI prefix.
AUTHORITIES = (
    ("wikidata", "http://www.wikidata.org/entity/"),
    ("viaf", "https://viaf.org/viaf/"),
    ("gnd", "https://d-nb.info/gnd/"),
)
GEONAMES = "https://www.geonames.org/"


def cmif_xml(book: Book, created: dt.datetime) -> bytes:
    """The CMIF file of ``book``; ``created`` is the file's timestamp (naive: UTC)."""
    meta = book.meta
    bibl_id = _bibl_id(meta.identifier)
    title = meta.title if not meta.subtitle else f"{meta.title}: {meta.subtitle}"
    publisher = meta.publisher or meta.title

    root = etree.Element(_t("TEI"), nsmap={None: TEI})
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")

    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", title)
    # The person responsible for the file: the book's editors, else its publisher.
    for name in [c.name for c in meta.by_role("edt")] or [publisher]:
        _sub(title_stmt, "editor", name)

    pub = _sub(file_desc, "publicationStmt")
    _sub(pub, "publisher", publisher)
    _sub(pub, "idno", meta.identifier, type="url")
    _sub(pub, "date", when=_timestamp(created))
    _sub(_sub(pub, "availability"), "licence", LICENCE_TEXT, target=LICENCE)

    bibl = _sub(_sub(file_desc, "sourceDesc"), "bibl", type="print")
    bibl.set(XML_ID, bibl_id)
    _bibl(bibl, book, title, publisher)

    profile = _sub(header, "profileDesc")
    entries = {e.id: e for e in book.register}
    places = _places(book.register)
    for letter in book.all_letters:
        _corresp(profile, letter, f"#{bibl_id}", entries, places)

    _sub(_sub(_sub(root, "text"), "body"), "p")
    root.addprevious(
        etree.ProcessingInstruction(
            "xml-model", f'href="{SCHEMA}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'
        )
    )
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _t(name: str) -> str:
    return f"{{{TEI}}}{name}"


def _sub(parent: etree._Element, name: str, text: str = "", **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _t(name), attrs)
    if text:
        el.text = text
    return el


def _bibl_id(identifier: str) -> str:
    """A static UUID for the edition: the book's own when it is a ``urn:uuid``, else one
    derived from its identifier; ``uuid-`` before it when it begins with a digit."""
    value = identifier.removeprefix("urn:uuid:")
    try:
        found = str(uuid.UUID(value))
    except ValueError:
        found = str(uuid.uuid5(uuid.NAMESPACE_URL, identifier))
    return found if found[0].isalpha() else f"uuid-{found}"


def _timestamp(created: dt.datetime) -> str:
    if created.tzinfo is not None:
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    return created.strftime("%Y-%m-%dT%H:%M:%SZ")


def _bibl(bibl: etree._Element, book: Book, title: str, publisher: str) -> None:
    """Authors: <title>Title: Subtitle</title>, <editor>A</editor>, <editor>B</editor>,
    <publisher>P</publisher>, year."""
    meta = book.meta
    authors = join_names([c.name for c in meta.by_role("aut")], meta.language)
    parts: list[str | tuple[str, str]] = [f"{authors}: "] if authors else []
    parts.append(("title", title))
    for c in meta.by_role("edt"):
        parts += [", ", ("editor", c.name)]
    parts += [", ", ("publisher", publisher), f", {meta.date.year}."]
    last: etree._Element | None = None
    for part in parts:
        if isinstance(part, tuple):
            last = _sub(bibl, *part)
        elif last is None:
            bibl.text = (bibl.text or "") + part
        else:
            last.tail = (last.tail or "") + part


def _places(register: tuple[Entry, ...]) -> dict[str, Entry]:
    """The register's places by name and alias (case-folded); the first entry wins."""
    out: dict[str, Entry] = {}
    for e in register:
        if e.kind == "place":
            for name in (e.name, *e.aliases):
                out.setdefault(name.strip().casefold(), e)
    return out


def _corresp(profile: etree._Element, letter: Letter, source: str, entries: dict[str, Entry], places: dict[str, Entry]) -> None:
    key = letter.id if letter.appendix or not letter.number else str(letter.number)
    desc = _sub(profile, "correspDesc", key=key, source=source)
    sent = _sub(desc, "correspAction", type="sent")
    _parties(sent, letter.senders, entries)
    if letter.place:
        place = places.get(letter.place.strip().casefold())
        el = _sub(sent, "placeName", letter.place)
        if place is not None and place.geonames:
            el.set("ref", GEONAMES + place.geonames)
    _date(sent, letter)
    _parties(_sub(desc, "correspAction", type="received"), letter.recipients, entries)


def _parties(action: etree._Element, parties: tuple[Party, ...], entries: dict[str, Entry]) -> None:
    named = [p for p in parties if p.person or p.organisation]
    if not named:
        _sub(action, "persName", "Unknown")
        return
    for p in named:
        entry = entries.get(p.ref) if p.ref else None
        # The entry's kind says which of the two names its ids belong to.
        org_ref = entry is not None and entry.kind == "organisation"
        if p.person:
            el = _sub(action, "persName", p.person)
            if entry is not None and (not org_ref or not p.organisation):
                _ref(el, entry)
        if p.organisation:
            el = _sub(action, "orgName", p.organisation)
            if entry is not None and (org_ref or not p.person):
                _ref(el, entry)


def _ref(el: etree._Element, entry: Entry) -> None:
    uris = [prefix + getattr(entry, field) for field, prefix in AUTHORITIES if getattr(entry, field)]
    if uris:
        el.set("ref", " ".join(uris))


def _date(action: etree._Element, letter: Letter) -> None:
    d = letter.date
    if not d.edtf or (d.earliest is None and d.latest is None):
        return
    attrs: dict[str, str] = {}
    if d.earliest and d.latest:
        day = d.earliest.isoformat()
        if d.edtf in (day, day[:7], day[:4]):  # a plain day, month or year, as ISO writes it
            attrs["when"] = d.edtf
        elif d.earliest == d.latest:
            attrs["when"] = day
        else:
            attrs["notBefore"], attrs["notAfter"] = day, d.latest.isoformat()
    elif d.earliest:
        attrs["notBefore"] = d.earliest.isoformat()
    elif d.latest:
        attrs["notAfter"] = d.latest.isoformat()
    qualified = any(q in d.edtf for q in "~?%")
    _sub(action, "date", d.text if qualified else "", **attrs)
