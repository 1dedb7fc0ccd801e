"""Our extension of WeasyPrint 70.0's tagged PDF and link annotations, for the one
version it was written for (``engine.WRITTEN_FOR``; ``engine.install()`` puts it in
place): what a screen reader and a reader clicking a link need that WeasyPrint 70
does not write.

- **Running heads and folios are artifacts.**  WeasyPrint marks the text of the page's
  margin boxes as ``/Span`` content with MCIDs and leaves their structure elements
  out of the tree (its comment: an artifact in the tree is PDF 2.0 only), so a reader
  skips them in the tree but the content is not an artifact either.  Here the text of
  margin boxes is drawn inside ``/Artifact <</Type /Pagination /Subtype /Header>>``
  (``/Footer`` at the page foot) and gets no structure element.
- **Languages.**  An element with a ``lang`` attribute other than its parent's gives
  its structure element ``/Lang`` (the document's language is the catalog's).
- **Notes.**  An element with ``role="doc-footnote"`` or ``"doc-endnote"`` is a
  ``Note`` (with a unique ``/ID``, collected in the tree's ``IDTree``); a link with
  ``role="doc-noteref"`` is a ``Link`` inside a ``Reference``.
- **Links.**  WeasyPrint writes one annotation per box of a link (each line, each
  inline child, each ``::after``: 3-4 overlapping annotations per contents entry); here
  one annotation per link element and page, its ``Rect`` the union and its
  ``QuadPoints`` the lines it covers; a box of zero height (a note call set with
  ``line-height: 0``) is given the height of its type; ``/Contents``, the link's text
  alternative, is its ``aria-label``, else its text, else the text it shows (a page
  number made by ``target-counter()``), where WeasyPrint writes the target's id.

Replaced or wrapped: ``Stream.marked`` and ``Page.paint`` (wrapped),
``weasyprint.pdf.add_links`` (wrapped), ``weasyprint.pdf.add_tags`` (wrapped) and
``tags._build_box_tree`` (compiled from WeasyPrint's own source with the lines marked
``# publish`` changed; each line to change must be found exactly once, else
``EngineVersionError``).
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

import pydyf
import weasyprint.pdf as pdf_package
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as pdf_stream
from weasyprint.pdf import tags

from .engine import EngineVersionError

#: Roles of the print HTML that become notes and note references.
NOTE_ROLES = ("doc-footnote", "doc-endnote")
NOTEREF_ROLE = "doc-noteref"

_ARTIFACT = "publish_artifact"  # attribute set on the boxes of a page's margin boxes: Header or Footer

#: (line of ``tags._build_box_tree`` in WeasyPrint 70.0, what it becomes)
_CHANGES = (
    (  # margin boxes: drawn as artifacts, no elements (they were built, then dropped)
        "        for child in box.children:\n"
        "            tuple(_build_box_tree(\n"
        "                child, parent, pdf, page_number, nums, annotations, tags))\n"
        "        return\n",
        "        return  # publish: drawn as artifacts (writers/tagging.py)\n",
    ),
    (  # notes and note references
        "    tag = _get_pdf_tag(element_tag)\n",
        "    tag = _get_pdf_tag(element_tag)\n"
        "    tag = _publish_tag(box, tag, parent, pdf)  # publish\n"
        "    if _publish_reference(box, tag, parent):  # publish: a note call's link inside a Reference\n"
        "        yield _publish_wrap(box, parent, pdf, page_number, nums, annotations, tags)  # publish\n"
        "        return  # publish\n",
    ),
    (  # languages, notes' ids
        "    pdf.add_object(element)\n",
        "    pdf.add_object(element)\n    _publish_element(box, element, parent, pdf)  # publish\n",
    ),
)


def _role(box: Any) -> str | None:
    element = box.element
    if element is None or box.element_tag != element.tag:  # (a pseudo-element's box: not the element)
        return None
    return element.get("role")


def _publish_tag(box: Any, tag: str, parent: Any, pdf: Any) -> str:
    if _role(box) not in NOTE_ROLES:
        return tag
    notes = pdf.__dict__.setdefault("publish_notes", {})  # id(Note element) -> its HTML element
    return "NonStruct" if notes.get(id(parent)) is box.element else "Note"  # (the note's inner box: no second Note)


def _publish_reference(box: Any, tag: str, parent: Any) -> bool:
    return tag == "Link" and _role(box) == NOTEREF_ROLE and parent["S"] != "/Reference"


def _publish_wrap(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, marks: Any) -> Any:
    reference = pydyf.Dictionary(
        {
            "Type": "/StructElem",
            "S": "/Reference",
            "K": pydyf.Array([]),
            "Pg": pdf.page_references[page_number],
            "P": parent.reference,
        }
    )
    pdf.add_object(reference)
    for child in tags._build_box_tree(box, reference, pdf, page_number, nums, annotations, marks):
        reference["K"].append(child.reference)
    return reference


def _publish_element(box: Any, element: Any, parent: Any, pdf: Any) -> None:
    source = box.element
    if source is None:
        return
    langs = pdf.__dict__.setdefault("publish_langs", {})  # id(element) -> its language, where one was said
    lang, inherited = source.get("lang"), langs.get(id(parent))
    if lang and lang != inherited:
        element["Lang"] = pydyf.String(lang)
    if lang or inherited:
        langs[id(element)] = lang or inherited
    if element["S"] == "/Note":
        ids = pdf.__dict__.setdefault("publish_ids", {})
        name = base = source.get("id") or "note"
        n = 1
        while name in ids:  # (a note split across pages: one element on each)
            n += 1
            name = f"{base}-{n}"
        ids[name] = element
        pdf.__dict__.setdefault("publish_notes", {})[id(element)] = source
        element["ID"] = pydyf.String(name)


def _install_tree() -> None:
    try:
        lines, first = inspect.getsourcelines(tags._build_box_tree)
    except (OSError, TypeError) as exc:
        raise EngineVersionError(f"the source of weasyprint.pdf.tags._build_box_tree cannot be read ({exc})") from exc
    source = "".join(lines)
    for old, new in _CHANGES:
        if source.count(old) != 1:
            raise EngineVersionError(f"weasyprint.pdf.tags._build_box_tree has no line {old.strip()!r} to change")
        source = source.replace(old, new)
    for helper in (_publish_tag, _publish_reference, _publish_wrap, _publish_element):
        tags.__dict__[helper.__name__] = helper
    code = compile("\n" * (first - 1) + source, tags.__file__, "exec")
    exec(code, tags.__dict__)  # (defines _build_box_tree again, in its own module)


_original_marked = pdf_stream.Stream.marked
_original_paint = Page.paint
_original_add_links = pdf_package.add_links
_original_add_tags = pdf_package.add_tags


@contextlib.contextmanager
def _marked(self: Any, box: Any, tag: str) -> Any:
    """WeasyPrint's ``Stream.marked``; the boxes of margin boxes as pagination artifacts."""
    kind = getattr(box, _ARTIFACT, None)
    if kind is None or self._tags is None:
        with _original_marked(self, box, tag):
            yield
        return
    pydyf.Stream.begin_marked_content(self, "Artifact", pydyf.Dictionary({"Type": "/Pagination", "Subtype": f"/{kind}"}))
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(self)


def _paint(self: Any, stream: Any, scale: float = 1) -> Any:
    """WeasyPrint's ``Page.paint``, the page's margin boxes marked first."""
    for margin in self._page_box.children:
        if isinstance(margin, boxes.MarginBox):
            kind = "Footer" if margin.at_keyword.startswith("@bottom") else "Header"
            for box in margin.descendants():
                setattr(box, _ARTIFACT, kind)
    return _original_paint(self, stream, scale)


def link_text(element: Any, shown: str) -> str:
    """A link's text alternative: its ``aria-label``, else its text, else ``shown``
    (what its boxes print, generated content included)."""
    label = element.get("aria-label") or " ".join("".join(element.itertext()).split())
    return label or " ".join(shown.split())


def _merge(links: list[Any]) -> list[tuple[Any, list[tuple[float, float, float, float]]]]:
    """The page's links, one per link element: (link, the rectangles of its lines).
    WeasyPrint lists a link's boxes one after the other (the element's box on each
    line, its inline children, its ``::after``), each with the link's target; the
    internal and external ones are merged (an attachment keeps WeasyPrint's own)."""
    out: list[tuple[Any, list[list[float]]]] = []
    for link in links:
        link_type, target, (x1, y1, x2, y2), box = link
        if y2 - y1 < 1e-6 and link_type in ("internal", "external"):  # (line-height: 0: the type's height)
            half = box.style["font_size"] * 0.6
            y1, y2 = y1 - half, y2 + half
        if (
            not out
            or out[-1][0][:2] != (link_type, target)
            or link_type not in ("internal", "external")
            or not _within(box, out[-1][0][3])
        ):
            out.append(((link_type, target, [x1, y1, x2, y2], box), [[x1, y1, x2, y2]]))
            continue
        (_, _, rect, _), lines = out[-1]
        rect[:] = [min(rect[0], x1), min(rect[1], y1), max(rect[2], x2), max(rect[3], y2)]
        for line in lines:  # (an inline child or ::after on the same line widens that line)
            if y1 < line[3] and line[1] < y2:
                line[:] = [min(line[0], x1), min(line[1], y1), max(line[2], x2), max(line[3], y2)]
                break
        else:
            lines.append([x1, y1, x2, y2])
    return [((lt, tg, tuple(r), b), [tuple(line) for line in lines]) for (lt, tg, r, b), lines in out]


def _within(box: Any, first: Any) -> bool:
    """Whether ``box`` belongs to the link whose first box is ``first``: a box of the
    same element (its next line, its ``::after``) or of an element inside it."""
    if first.element is None or box.element is None:
        return False
    return any(e is box.element for e in first.element.iter())


def _add_links(links_and_anchors: Any, matrix: Any, pdf: Any, page: Any, names: Any, marks: Any) -> Any:
    """WeasyPrint's ``add_links`` with one annotation per link element, of non-zero
    height, with the link's text as its ``/Contents``."""
    links, anchors = links_and_anchors
    merged = _merge(links)
    result = _original_add_links(([link for link, _ in merged], anchors), matrix, pdf, page, names, marks)
    for (link_type, _, _, box), lines in merged:
        annotation = getattr(box, "link_annotation", None)
        if annotation is None or link_type not in ("internal", "external"):
            continue
        x1, y1, x2, y2 = annotation["Rect"]
        annotation["Rect"] = pydyf.Array([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)])  # (normalised: PDF 12.5.2)
        shown = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
        annotation["Contents"] = pydyf.String(link_text(box.element, shown))
        if len(lines) > 1:
            quads = []
            for x1, y1, x2, y2 in lines:
                (a, b), (c, d) = matrix.transform_point(x1, y1), matrix.transform_point(x2, y2)
                left, right, bottom, top = min(a, c), max(a, c), min(b, d), max(b, d)
                quads += [left, top, right, top, left, bottom, right, bottom]
            annotation["QuadPoints"] = pydyf.Array(quads)
    return result


class _PagesKnown(pydyf.PDF):
    """A ``pydyf.PDF`` whose pages' references are made once for each page count: pydyf
    builds the tuple of every page's reference each time it is read, and WeasyPrint
    reads it for every structure element, so tagging a document of *n* pages took time
    in *n* squared (15 s of a 1,450-page layout's write, where its pages are known)."""

    @property
    def page_references(self) -> tuple[bytes, ...]:
        known = self.__dict__.get("publish_page_references")
        if known is None or len(known) != self.pages["Count"]:
            known = self.__dict__["publish_page_references"] = pydyf.PDF.page_references.fget(self)
        return known


def _add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> Any:
    """WeasyPrint's ``add_tags`` (the PDF's page references made once for it), then the
    notes' ids in the tree's ``IDTree``."""
    if type(pdf) is pydyf.PDF:  # (a pydyf that made it something else: left as it is)
        pdf.__class__ = _PagesKnown
    try:
        result = _original_add_tags(pdf, document, pdf_version, page_streams)
    finally:
        if type(pdf) is _PagesKnown:
            pdf.__class__ = pydyf.PDF
            pdf.__dict__.pop("publish_page_references", None)
    pdf.__dict__.pop("publish_langs", None)
    pdf.__dict__.pop("publish_notes", None)
    ids = pdf.__dict__.pop("publish_ids", {})
    if ids:
        root = pdf.objects[int(pdf.catalog["StructTreeRoot"].split()[0])]
        names = pydyf.Array()
        for name in sorted(ids):
            names.extend([pydyf.String(name), ids[name].reference])
        root["IDTree"] = pydyf.Dictionary({"Names": names})
    return result


_installed = False


def install() -> None:
    """Put the extension in place (once per process)."""
    global _installed
    if _installed:
        return
    _install_tree()
    pdf_stream.Stream.marked = _marked
    Page.paint = _paint
    pdf_package.add_links = _add_links
    pdf_package.add_tags = _add_tags
    _installed = True
