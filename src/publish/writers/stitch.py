"""Stitch the PDFs of layout units into one book (pikepdf).

In: each unit's PDF, which of its pages to keep (its stub and sentinel pages go, see
``units.py``), and the level of each of its bookmarks.  Out: one PDF whose pages, links,
named destinations, bookmarks, page labels, tagged structure (PDF/UA) and output intent
are those a single-document render would have.

pikepdf copies pages and objects between files and keeps their references consistent;
what no library does is merging WeasyPrint's structure trees and outlines, so that is
written here:

- structure: WeasyPrint makes one ``Document`` element whose kids are the elements of
  each page in turn, a ``ParentTree`` with one entry per page (its marked contents) then
  one per link annotation.  The kids of every unit's ``Document`` are moved under the
  first one, and the parent tree is renumbered: pages first, in book order, then links;
- outline: rebuilt with the levels WeasyPrint gave each bookmark (a unit's outline alone
  cannot tell a part's heading, level 2, from a top-level one);
- links to other units (``publish-dest:id``, URI actions) become links to the named
  destination ``id``, as WeasyPrint writes links inside one document.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from .units import DEST


@dataclass
class Piece:
    pdf: bytes
    keep: int  # pages kept, after the skipped ones
    levels: list[int]  # bookmark levels, in document order
    skip: int = 0  # pages dropped first (the stub page of a unit that opens on a verso)


def stitch(
    pieces: list[Piece],
    main_start: int,
    xmp: Callable[[bytes], bytes] = lambda x: x,
    press: Callable[[object], None] | None = None,
) -> bytes:
    """The pieces as one PDF; ``main_start``: index of the page with folio 1 (pages
    before it are numbered in roman); ``xmp``: edits the XMP packet (see
    ``pdf.fixed_xmp``).  The trailer /ID is a digest of the content (pikepdf's
    deterministic id), so the same pieces give the same bytes."""
    import pikepdf

    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(p.pdf)) for p in pieces]
    first = sources[0]
    for key in ("/Metadata", "/ViewerPreferences", "/MarkInfo", "/Lang", "/OutputIntents"):
        if key in first.Root:
            out.Root[key] = _copy(out, first.Root[key])
    structure = _Structure(out, first) if "/StructTreeRoot" in first.Root else None
    names: dict[str, object] = {}
    outline: list[tuple[int, str, object]] = []
    for source, piece in zip(sources, pieces, strict=True):
        pages = list(source.pages)
        kept = range(piece.skip, piece.skip + piece.keep)
        dropped = {page.objgen for index, page in enumerate(pages) if index not in kept}
        base = len(out.pages)
        for index in kept:
            out.pages.append(pages[index])
        links = structure.add(source, kept, dropped) if structure else {}
        for index, page in enumerate(list(out.pages)[base:], start=base):
            if structure and "/StructParents" in page.obj:
                page.obj.StructParents = index
            for annot in page.obj.get("/Annots", []):
                _relink(annot)
                if structure and "/StructParent" in annot:
                    structure.link(annot, links[int(annot.StructParent)])
        dests = source.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, dest in zip(dests[::2], dests[1::2], strict=True):
            if dest[0].objgen not in dropped:
                names.setdefault(str(name), _copy(out, dest))
        for level, (title, dest) in zip(piece.levels, _flat_outline(source), strict=True):
            if dest[0].objgen not in dropped:
                outline.append((level, title, _copy(out, dest)))
    if structure:
        structure.finish(len(out.pages))
    _names(out, names)
    _outline(out, outline)
    info = first.trailer.get("/Info")
    if info is not None:
        out.trailer.Info = _copy(out, info)
    return finish(out, main_start, xmp, first.pdf_version, press)


def finish(
    pdf: object,
    main_start: int,
    xmp: Callable[[bytes], bytes],
    version: str | None = None,
    press: Callable[[object], None] | None = None,
) -> bytes:
    """The book's PDF bytes: page labels (roman before ``main_start``, arabic from 1
    there), the XMP edited by ``xmp``, ``press`` (the profile's last changes, see
    ``pdf.press``), a trailer /ID digested from the content (pikepdf's deterministic id,
    so the same pages give the same bytes and other text another id).  Serves the single
    document's PDF too."""
    _page_labels(pdf, main_start)
    if press is not None:
        press(pdf)
    if "/Metadata" in pdf.Root:
        pdf.Root.Metadata.write(xmp(pdf.Root.Metadata.read_bytes()))
    # qpdf keeps the first element of an /ID already there (WeasyPrint's PDF/X writer makes
    # it random): without one, both elements are digested from the content.
    if "/ID" in pdf.trailer:
        del pdf.trailer.ID
    buffer = io.BytesIO()
    pdf.save(buffer, min_version=version or pdf.pdf_version, deterministic_id=True)
    return buffer.getvalue()


class _Structure:
    """The book's structure tree, made of the units': their ``Document`` elements' kids
    under one ``Document``, and one parent tree numbered pages first (in book order),
    then link annotations.  (Arrays are built as Python lists first: growing a pikepdf
    Array item by item is quadratic, 74 s of a 75 s stitch at 50x.)"""

    def __init__(self, out: object, first: object):
        from pikepdf import Array, Dictionary, Name

        self.out = out
        self.tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=first.Root.StructTreeRoot.K[0].S, P=self.tree))
        self.tree.K = Array([self.document])
        self.kids: list[object] = []
        self.page_nums: list[object] = []
        self.link_nums: list[tuple[object, object]] = []
        self.ids: dict[str, object] = {}  # the notes' ids (writers/tagging.py) -> their elements

    def add(self, source: object, kept: range, dropped: set[tuple[int, int]]) -> dict[int, object]:
        """Take the elements of ``source``'s kept pages; returns its parent-tree entries
        of link annotations, by their number there."""
        own = source.Root.StructTreeRoot
        # Elements whose parent is the unit's Document lose that link before copying,
        # or copying would follow it to the unit's whole tree; they get ours after.
        adopted = _children_of(own.K[0], source)
        for element in own.K[0].K:
            if "/Pg" not in element or element.Pg.objgen not in dropped:
                self.kids.append(_copy(self.out, element))
        nums = list(own.ParentTree.Nums)
        links = {}
        for key, value in zip(nums[::2], nums[1::2], strict=True):
            if int(key) in kept:
                self.page_nums.append(_copy(self.out, value))
            elif int(key) >= len(source.pages):
                links[int(key)] = value
        for element in adopted:
            if "/Pg" not in element or element.Pg.objgen not in dropped:
                _copy(self.out, element).P = self.document
        named = list(own.get("/IDTree", {}).get("/Names", []))
        for name, element in zip(named[::2], named[1::2], strict=True):
            if "/Pg" not in element or element.Pg.objgen not in dropped:
                self.ids.setdefault(str(name), _copy(self.out, element))
        return links

    def link(self, annot: object, entry: object) -> None:
        self.link_nums.append((annot, _copy(self.out, entry)))

    def finish(self, pages: int) -> None:
        from pikepdf import Array, Dictionary, String

        self.document.K = Array(self.kids)
        nums: list[object] = []
        for index, value in enumerate(self.page_nums):
            nums += [index, value]
        for index, (annot, value) in enumerate(self.link_nums, start=pages):
            annot.StructParent = index
            nums += [index, value]
        self.tree.ParentTree = self.out.make_indirect(Dictionary(Nums=Array(nums)))
        if self.ids:
            self.tree.IDTree = Dictionary(Names=Array([x for name in sorted(self.ids) for x in (String(name), self.ids[name])]))
        self.out.Root.StructTreeRoot = self.tree


def _relink(annot: object) -> None:
    """A link to another unit (``publish-dest:id``) becomes a link to destination ``id``."""
    from pikepdf import String

    action = annot.get("/A")
    if action is not None and str(action.get("/URI", "")).startswith(DEST):
        target = str(action.URI)[len(DEST) :]
        del annot["/A"]
        annot.Dest = String(target)
        if str(annot.get("/Contents", "")) == str(action.URI):  # (else the link's text, from tagging.py)
            annot.Contents = String(target)


def _names(out: object, names: dict[str, object]) -> None:
    from pikepdf import Array, Dictionary, String

    if names:
        flat: list[object] = []
        for name in sorted(names):
            flat += [String(name), names[name]]
        out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(flat)))


def _page_labels(out: object, main_start: int) -> None:
    """Roman folios before ``main_start``, arabic from 1 there."""
    from pikepdf import Array, Dictionary, Name

    labels = Array([main_start, Dictionary(S=Name.D)])
    if main_start:
        labels = Array([0, Dictionary(S=Name.r), *labels])
    out.Root.PageLabels = Dictionary(Nums=labels)


def _children_of(document: object, pdf: object) -> list[object]:
    """The elements whose parent is ``document``, with that link removed: its kids, and
    the elements (margin boxes' among them) that only their own kids lead to."""
    import pikepdf

    out = []
    for element in pdf.objects:
        if isinstance(element, pikepdf.Dictionary) and "/P" in element and element.P.objgen == document.objgen:
            del element["/P"]
            out.append(element)
    return out


def _copy(out: object, obj: object) -> object:
    """``obj`` of another PDF, copied into ``out`` (pikepdf copies indirect objects only;
    a direct array or dictionary is rebuilt around copies of what it refers to)."""
    import pikepdf

    if isinstance(obj, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(out, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _flat_outline(pdf: object) -> list[tuple[str, object]]:
    """(title, destination) of every outline item, in document order."""
    found = []

    def walk(item: object) -> None:
        while item is not None:
            found.append((str(item.Title), item.Dest))
            if "/First" in item:
                walk(item.First)
            item = item.get("/Next")

    outlines = pdf.Root.get("/Outlines")
    if outlines is not None and "/First" in outlines:
        walk(outlines.First)
    return found


def _outline(out: object, items: list[tuple[int, str, object]]) -> None:
    """Nest the bookmarks by level as WeasyPrint does: a bookmark goes under the nearest
    earlier one of a lower level."""
    from pikepdf import OutlineItem

    with out.open_outline() as outline:
        stack: list[tuple[int, object]] = []
        for level, title, dest in items:
            item = OutlineItem(title, dest)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))
