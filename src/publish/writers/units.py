"""Layout units: the print HTML cut into documents WeasyPrint can lay out on their own.

In: the print HTML, whose templates mark with ``data-unit`` each element that opens on a
recto (the divisions after the front matter, the parts by year).  Out: one HTML document
per unit, for a given first folio and the folios of the ids it links to elsewhere.

A unit is everything from one ``data-unit`` element (or the start of the body) to the
next, in document order.  Its document keeps the whole ``<head>`` and the unit's
ancestors (without their ids, which belong to the unit where they start), so the same
rules select the same elements.  Two things make a unit lay out exactly as it does in
the single document:

- the next unit's first element is kept as an empty *sentinel* (same tag and classes,
  no content): it starts the page after the unit's end the way the next unit would,
  so a blank verso before it is made by WeasyPrint itself, then the sentinel's page is
  dropped when the units are stitched;
- every unit starts on a recto, so page sides match; its first folio is set with
  ``@page :first`` and ``@page :nth(1 of main)`` (the page group whose first page resets
  the folio to 1 in print.css), which the unit's document adds after the stylesheets.

Links to an id in another unit would be dropped by WeasyPrint (it resolves ``#id``
within one document): they become ``publish-dest:id`` and carry the target's folio in
``data-folio``, which print.css prints where it would print ``target-counter()``.  The
stitcher turns them back into links to named destinations.  lxml parses and writes the
HTML; nothing here knows the book's structure beyond ``data-unit``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import html as lxml_html

#: Scheme of links to another unit, turned back into named destinations by the stitcher.
DEST = "publish-dest:"
SENTINEL = "publish-sentinel"
CONTINUED = "publish-continued"


@dataclass
class Units:
    """The split HTML: the parsed tree, and for each unit the element that starts it
    (None for the first), its ids and the ids it links to in other units."""

    tree: object
    starts: list[object | None]
    ids: list[set[str]] = field(default_factory=list)
    refs: list[set[str]] = field(default_factory=list)
    owner: dict[object, int] = field(default_factory=dict)  # element -> unit where it starts
    last: dict[object, int] = field(default_factory=dict)  # element -> unit where it ends

    def __len__(self) -> int:
        return len(self.starts)


def split(html: str) -> Units:
    """Cut the print HTML at its ``data-unit`` elements."""
    tree = lxml_html.document_fromstring(html)
    body = tree.find("body")
    starts: list[object | None] = [None]
    owner: dict[object, int] = {}
    for element in body.iter():
        if element is body or not isinstance(element.tag, str):
            continue
        if element.get("data-unit") is not None and owner:
            starts.append(element)
        owner[element] = len(starts) - 1
    last: dict[object, int] = {}
    for element in reversed(list(owner)):  # children before their parents
        last[element] = max([owner[element], *(last[c] for c in element if c in last)])
    units = Units(tree, starts, owner=owner, last=last)
    units.ids = [set() for _ in starts]
    units.refs = [set() for _ in starts]
    for element, unit in owner.items():
        if element.get("id"):
            units.ids[unit].add(element.get("id"))
    every = set().union(*units.ids)
    for element, unit in owner.items():
        href = element.get("href") or ""
        if href.startswith("#") and href[1:] in every and href[1:] not in units.ids[unit]:
            units.refs[unit].add(href[1:])
    return units


def document(
    units: Units,
    index: int,
    first_folio: int,
    folios: dict[str, str],
    classes: dict[str, str] | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
) -> str:
    """The HTML of unit ``index``: its first page gets folio ``first_folio``; links to
    other units carry ``folios[id]`` (``?`` when not known yet).  ``classes`` (id ->
    classes) and ``attributes`` (id -> name -> value) are set on elements by id: what a
    layout taught the next one (see ``render.LayoutFixes``).  Only the unit's own
    elements are copied (whole subtrees at once), so making every unit's document costs
    about one copy of the book."""
    source = units.tree
    tree = lxml_html.Element(source.tag, dict(source.attrib))
    tree.append(copy.deepcopy(source.find("head")))
    sentinel = units.starts[index + 1] if index + 1 < len(units) else None
    body = source.find("body")
    new_body = _copy_part(units, body, index, sentinel)
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
        style = lxml_html.Element("style")
        style.text = f"@page :first {{ counter-reset: page {first_folio}; }}\n@page :nth(1 of main) {{ counter-reset: page {first_folio}; }}\n"
        tree.find("head").append(style)
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _copy_part(units: Units, element: object, index: int, sentinel: object | None) -> object:
    """``element`` as unit ``index`` sees it: whole if it lies in the unit; else its
    shell (no id, no text, marked continued if it started earlier) around what of its
    children does; the next unit's first element as an empty sentinel."""
    body = element.tag == "body"
    if not body and units.owner[element] == index == units.last[element]:
        return copy.deepcopy(element)
    shell = lxml_html.Element(element.tag, dict(element.attrib))
    if body or units.owner[element] == index:
        shell.text = element.text
    else:
        shell.attrib.pop("id", None)
        _add_class(shell, CONTINUED)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child is sentinel:
            empty = lxml_html.Element(child.tag, {k: v for k, v in child.attrib.items() if k not in ("id", "data-unit")})
            _add_class(empty, SENTINEL)
            shell.append(empty)
        elif units.owner[child] <= index <= units.last[child]:  # (the sentinel's ancestors too)
            shell.append(_copy_part(units, child, index, sentinel))
    return shell


def _add_class(element: object, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))
