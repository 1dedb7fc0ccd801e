"""Layout units: the print HTML cut into documents WeasyPrint can lay out on their own.

In: the print HTML, whose templates mark with ``data-unit`` each element that opens on a
recto (the divisions after the front matter, the parts by year), and with
``data-unit="page"`` each element that opens a fresh page of either side (the letters,
when ``print.letters_new_page`` is set).  Out: one HTML document per unit, for a given
first folio and the folios of the ids it links to elsewhere.

A unit is everything from one cut (or the start of the body) to the next, in document
order.  Every recto opening is a cut; a fresh-page opening is one when the unit before it
holds at least ``MIN_UNIT_CHARS`` characters of text, so that a book of short letters
is laid out in a few dozen documents, not in hundreds (each document costs WeasyPrint
its stylesheets and fonts again).  Its document keeps the whole ``<head>`` and the unit's
ancestors (without their ids, which belong to the unit where they start), so the same
rules select the same elements.  Two things make a unit lay out exactly as it does in
the single document:

- the next unit's first element is kept as an empty *sentinel* (same tag and classes,
  no content): it starts the page after the unit's end the way the next unit would,
  so a blank verso before it is made by WeasyPrint itself, then the sentinel's page is
  dropped when the units are stitched;
- a unit's first page has the side it has in the book: a document's first page is a
  recto, so a unit that opens on a verso starts with an empty *stub* element that
  fills a page of its own (dropped when stitching, as the sentinel's); its first folio
  is set with ``@page :first`` and ``@page :nth(1 of main)`` (the page group whose first
  page resets the folio to 1 in print.css), which the unit's document adds after the
  stylesheets.  Left and right pages have the same text width (the margins mirror), so a
  unit's text breaks into the same pages whichever side it starts on.

Links to an id in another unit would be dropped by WeasyPrint (it resolves ``#id``
within one document): they become ``publish-dest:id`` and carry the target's folio in
``data-folio``, which print.css prints where it would print ``target-counter()``.  The
stitcher turns them back into links to named destinations.  lxml parses and writes the
HTML; nothing here knows the book's structure beyond ``data-unit``.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field

from lxml import html as lxml_html

#: Scheme of links to another unit, turned back into named destinations by the stitcher.
DEST = "publish-dest:"
SENTINEL = "publish-sentinel"
CONTINUED = "publish-continued"
STUB = "publish-stub"
#: Internal links of this class print a note's number; any other may print a folio
#: (``target-counter()``), which moves with the pages.
NOTE_CALL = "noteref"
#: Text (characters) a unit holds at least before a fresh-page opening starts another.
MIN_UNIT_CHARS = 40_000


_local = threading.local()


def parser() -> lxml_html.HTMLParser:
    """This thread's HTML parser.  lxml's parsers must not serve two threads at once, and
    ``lxml.html``'s own (behind ``document_fromstring`` and ``Element``) is one for the
    whole process; the profiles' layout rounds run in threads of one process (sharing it
    crashed a build with both profiles now and then: a segmentation fault in lxml)."""
    if not hasattr(_local, "parser"):
        _local.parser = lxml_html.HTMLParser()
    return _local.parser


def _element(tag: str, attrib: dict[str, str]) -> object:
    return parser().makeelement(tag, attrib)


@dataclass
class Units:
    """The split HTML: the parsed tree, and for each unit the element that starts it
    (None for the first), whether it opens on a recto, its ids and the ids it links to
    in other units."""

    tree: object
    starts: list[object | None]
    recto: list[bool] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)  # characters of text in each unit
    ids: list[set[str]] = field(default_factory=list)
    refs: list[set[str]] = field(default_factory=list)
    holders: list[set[str]] = field(default_factory=list)  # ids of the elements around links that print a folio
    owner: dict[object, int] = field(default_factory=dict)  # element -> unit where it starts
    last: dict[object, int] = field(default_factory=dict)  # element -> unit where it ends

    def __len__(self) -> int:
        return len(self.starts)


def split(html: str, min_chars: int | None = None) -> Units:
    """Cut the print HTML at its ``data-unit`` elements: at every recto opening, and at
    a fresh-page opening after ``min_chars`` of text (``MIN_UNIT_CHARS`` by default)."""
    tree = lxml_html.document_fromstring(html, parser=parser())
    body = tree.find("body")
    least = MIN_UNIT_CHARS if min_chars is None else min_chars
    starts: list[object | None] = [None]
    recto = [True]
    chars = [0]
    owner: dict[object, int] = {}
    held = 0  # text of the current unit so far
    for element in body.iter():
        if element is body or not isinstance(element.tag, str):
            continue
        cut = element.get("data-unit")
        if cut is not None and owner and (cut != "page" or held >= least):
            starts.append(element)
            recto.append(cut != "page")
            chars.append(0)
            held = 0
        owner[element] = len(starts) - 1
        text = len(element.text or "") + len(element.tail or "")
        held += text
        chars[-1] += text
    last: dict[object, int] = {}
    for element in reversed(list(owner)):  # children before their parents
        last[element] = max([owner[element], *(last[c] for c in element if c in last)])
    units = Units(tree, starts, recto, chars, owner=owner, last=last)
    units.ids = [set() for _ in starts]
    units.refs = [set() for _ in starts]
    for element, unit in owner.items():
        if element.get("id"):
            units.ids[unit].add(element.get("id"))
    units.holders = [set() for _ in starts]
    every = set().union(*units.ids)
    for element, unit in owner.items():
        href = element.get("href") or ""
        if href.startswith("#") and href[1:] in every and href[1:] not in units.ids[unit]:
            units.refs[unit].add(href[1:])
        if href.startswith("#") and NOTE_CALL not in (element.get("class") or "").split():
            units.holders[unit] |= {a.get("id") for a in element.iterancestors() if a.get("id")}
    return units


def document(
    units: Units,
    index: int,
    first_folio: int,
    folios: dict[str, str],
    classes: dict[str, str] | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
    verso: bool = False,
) -> str:
    """The HTML of unit ``index``: its first page gets folio ``first_folio`` (a verso:
    after a stub page, see above); links to other units carry ``folios[id]`` (``?`` when
    not known yet).  ``classes`` (id ->
    classes) and ``attributes`` (id -> name -> value) are set on elements by id: what a
    layout taught the next one (see ``render.LayoutFixes``).  Only the unit's own
    elements are copied (whole subtrees at once), so making every unit's document costs
    about one copy of the book."""
    source = units.tree
    tree = _element(source.tag, dict(source.attrib))
    tree.append(copy.deepcopy(source.find("head")))
    sentinel = units.starts[index + 1] if index + 1 < len(units) else None
    body = source.find("body")
    stub = units.starts[index] if verso else None
    new_body = _copy_part(units, body, index, sentinel, stub)
    tree.append(new_body)
    for element in new_body.iter():
        if not isinstance(element.tag, str):
            continue
        href = element.get("href") or ""
        if href.startswith("#") and href[1:] in units.refs[index]:
            element.set("href", DEST + href[1:])
            element.set("data-folio", folios.get(href[1:], "?"))
        ident = element.get("id")
        if ident and classes and ident in classes:
            for name in classes[ident].split():
                _add_class(element, name)
        if ident and attributes and ident in attributes:
            for name, value in attributes[ident].items():
                element.set(name, value)
    if index > 0:
        style = _element("style", {})
        folio = first_folio - 1 if verso else first_folio
        style.text = (
            f"@page :first {{ counter-reset: page {folio}; }}\n@page :nth(1 of main) {{ counter-reset: page {folio}; }}\n"
        )
        if verso:
            style.text += f".{STUB} {{ break-after: page; }}\n"
        tree.find("head").append(style)
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _copy_part(units: Units, element: object, index: int, sentinel: object | None, stub: object | None) -> object:
    """``element`` as unit ``index`` sees it: whole if it lies in the unit; else its
    shell (no id, no text, marked continued if it started earlier) around what of its
    children does; the next unit's first element as an empty sentinel; an empty stub
    before ``stub`` (the unit's first element, when it opens on a verso)."""
    body = element.tag == "body"
    if not body and units.owner[element] == index == units.last[element]:
        return copy.deepcopy(element)
    shell = _element(element.tag, dict(element.attrib))
    if body or units.owner[element] == index:
        shell.text = element.text
    else:
        shell.attrib.pop("id", None)
        _add_class(shell, CONTINUED)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child is stub:
            shell.append(_element("div", {"class": STUB}))
        if child is sentinel:
            empty = _element(child.tag, {k: v for k, v in child.attrib.items() if k not in ("id", "data-unit")})
            _add_class(empty, SENTINEL)
            shell.append(empty)
        elif units.owner[child] <= index <= units.last[child]:  # (the sentinel's ancestors too)
            shell.append(_copy_part(units, child, index, sentinel, stub))
    return shell


def _add_class(element: object, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))
