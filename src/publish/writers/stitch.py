"""Stitch the PDFs of layout units into one book (pikepdf).

In: each unit's PDF, how many of its pages to keep (its sentinel page goes, see
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
    keep: int  # pages kept from the start of the unit's PDF
    levels: list[int]  # bookmark levels, in document order


def stitch(pieces: list[Piece], main_start: int, xmp: Callable[[bytes], bytes] = lambda x: x) -> bytes:
    """The pieces as one PDF; ``main_start``: index of the page with folio 1 (pages
    before it are numbered in roman); ``xmp``: edits the XMP packet (see
    ``pdf.fixed_xmp``).  The trailer /ID is a digest of the content (pikepdf's
    deterministic id), so the same pieces give the same bytes."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(p.pdf)) for p in pieces]
    first = sources[0]
    for key in ("/Metadata", "/ViewerPreferences", "/MarkInfo", "/Lang", "/OutputIntents"):
        if key in first.Root:
            out.Root[key] = _copy(out, first.Root[key])
    tagged = "/StructTreeRoot" in first.Root
    if tagged:
        root = first.Root.StructTreeRoot
        tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=root.K[0].S, P=tree))
        tree.K = Array([document])
        kids: list[object] = []
        page_nums: list[object] = []
        link_nums: list[object] = []
    names: dict[str, object] = {}
    outline: list[tuple[int, str, object]] = []

    for source, piece in zip(sources, pieces, strict=True):
        kept = list(source.pages)[: piece.keep]
        base = len(out.pages)
        for page in kept:
            out.pages.append(page)
        copied = list(out.pages)[base:]
        dropped = {p.objgen for p in list(source.pages)[piece.keep :]}
        if tagged:
            own = source.Root.StructTreeRoot
            # Elements whose parent is the unit's Document lose that link before copying,
            # or copying would follow it to the unit's whole tree; they get ours after.
            adopted = _children_of(own.K[0], source)
            for element in own.K[0].K:
                if "/Pg" in element and element.Pg.objgen in dropped:
                    continue
                kids.append(_copy(out, element))
            nums = list(own.ParentTree.Nums)
            links = {}
            for key, value in zip(nums[::2], nums[1::2], strict=True):
                if int(key) < len(kept):
                    page_nums.append(_copy(out, value))
                elif int(key) >= len(source.pages):
                    links[int(key)] = value
        if tagged:
            for element in adopted:
                if "/Pg" not in element or element.Pg.objgen not in dropped:
                    _copy(out, element).P = document
        for index, page in enumerate(copied):
            if tagged and "/StructParents" in page.obj:
                page.obj.StructParents = base + index
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and str(action.get("/URI", "")).startswith(DEST):
                    target = str(action.URI)[len(DEST) :]
                    del annot["/A"]
                    annot.Dest = String(target)
                    if "/Contents" in annot:
                        annot.Contents = String(target)
                if tagged and "/StructParent" in annot:
                    link_nums.append((annot, _copy(out, links[int(annot.StructParent)])))
        dests = source.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, dest in zip(dests[::2], dests[1::2], strict=True):
            if dest[0].objgen not in dropped:
                names.setdefault(str(name), _copy(out, dest))
        items = _flat_outline(source)
        for level, (title, dest) in zip(piece.levels, items, strict=True):
            if dest[0].objgen not in dropped:
                outline.append((level, title, _copy(out, dest)))

    # (Arrays are built as Python lists first: growing a pikepdf Array item by item is
    # quadratic, 74 s of a 75 s stitch at 50x.)
    if tagged:
        document.K = Array(kids)
        nums: list[object] = []
        for index, value in enumerate(page_nums):
            nums += [index, value]
        for index, (annot, value) in enumerate(link_nums, start=len(out.pages)):
            annot.StructParent = index
            nums += [index, value]
        tree.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
        out.Root.StructTreeRoot = tree
    if names:
        flat: list[object] = []
        for name in sorted(names):
            flat += [String(name), names[name]]
        out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(flat)))
    _outline(out, outline)
    labels = Array([main_start, Dictionary(S=Name.D)]) if main_start else Array([0, Dictionary(S=Name.D)])
    if main_start:
        labels = Array([0, Dictionary(S=Name.r), *labels])
    out.Root.PageLabels = Dictionary(Nums=labels)
    if "/Metadata" in out.Root:
        out.Root.Metadata.write(xmp(out.Root.Metadata.read_bytes()))
    info = first.trailer.get("/Info")
    if info is not None:
        out.trailer.Info = _copy(out, info)
    buffer = io.BytesIO()
    out.save(buffer, min_version=first.pdf_version, deterministic_id=True)
    return buffer.getvalue()


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
