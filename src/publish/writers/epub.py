"""EPUB writer: XHTML documents -> an EPUB 3 package with ebooklib, then a fixed zip.

In: rendered ``Document`` values, the nav XHTML, the stylesheets and the book's
metadata.  Out: EPUB bytes, identical for the same input and ``created`` time.

Workarounds, each for a measured ebooklib 0.20 behaviour:
- content documents are plain ``EpubItem`` values, so ebooklib writes our XHTML as it
  is (``EpubHtml`` re-serialises documents and drops attributes);
- the nav is our own template (``_get_nav`` overridden): ebooklib's page list turns
  every element with ``epub:type`` into a page (ebooklib #339);
- the NCX item is kept (ebooklib always writes ``spine toc="ncx"``), and written from
  the nav (``ncx``): ebooklib's is flat unless ``book.toc`` nests, and says
  ``dtb:depth`` 0 whatever it holds;
- the zip is rewritten with fixed entry times, because ebooklib stamps the ``mimetype``
  entry with the wall clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import Book
from ..render import Document


def write_epub(
    book: Book,
    docs: list[Document],
    nav: str,
    stylesheets: dict[str, bytes],
    fonts: dict[str, bytes],
    created: dt.datetime,
    cover: bytes | None = None,
    page_source: str = "",
    files: dict[str, bytes] | None = None,
) -> bytes:
    """``cover``: PNG of the cover; ``page_source``: identifier of the print edition
    whose page numbers the page list gives (empty: no page list); ``files``: what the
    stylesheets name, by their path relative to them (``theme.epub_resources``)."""
    from ebooklib import epub

    from ..theme import EPUB_MEDIA

    meta = book.meta
    eb = epub.EpubBook()
    eb.set_identifier(meta.identifier)
    eb.set_title(meta.title if not meta.subtitle else f"{meta.title}: {meta.subtitle}")
    eb.set_language(meta.language)
    _contributors(eb, meta.contributors)
    eb.add_metadata("DC", "publisher", meta.publisher or meta.title)
    eb.add_metadata("DC", "rights", meta.rights)
    eb.add_metadata("DC", "date", meta.date.isoformat())
    if page_source:
        # The print edition is the source of the page-break markers (EPUB Accessibility
        # 1.1; pageBreakSource says which dc:source it is when there are several).
        eb.add_metadata("DC", "source", page_source)
        eb.add_metadata("OPF", "meta", page_source, {"property": "pageBreakSource"})
    for s in meta.sources:
        eb.add_metadata("DC", "source", s.title)
    _accessibility(eb, has_pages=bool(page_source), has_images=cover is not None)

    for name, data in sorted(stylesheets.items()):
        eb.add_item(epub.EpubItem(uid=f"css-{Path(name).stem}", file_name=f"css/{name}", media_type="text/css", content=data))
    for name, data in sorted(fonts.items()):  # the faces, and their licence (OFL.txt) where they travel
        kind = "text/plain" if name.endswith(".txt") else "font/ttf"
        eb.add_item(epub.EpubItem(uid=f"font-{len(eb.items)}", file_name=f"css/fonts/{name}", media_type=kind, content=data))

    for number, (name, data) in enumerate(sorted((files or {}).items())):
        kind = EPUB_MEDIA[Path(name).suffix.lower()]
        eb.add_item(epub.EpubItem(uid=f"style-file-{number}", file_name=f"css/{name}", media_type=kind, content=data))

    if cover is not None:
        image = epub.EpubItem(uid="cover-image", file_name="images/cover.png", media_type="image/png", content=cover)
        image.properties = ["cover-image"]
        eb.add_item(image)
        eb.add_metadata("OPF", "meta", "", {"name": "cover", "content": "cover-image"})

    items = []
    for d in docs:
        item = epub.EpubItem(
            uid=Path(d.name).stem, file_name=d.name, media_type="application/xhtml+xml", content=d.html.encode("utf-8")
        )
        eb.add_item(item)
        items.append(item)
    eb.add_item(epub.EpubNcx())
    nav_item = epub.EpubNav()
    eb.add_item(nav_item)
    # Reading order as in print: (cover,) title page, colophon, contents, then the text.
    before_nav = 3 if cover is not None else 2
    eb.spine = [*items[:before_nav], nav_item, *items[before_nav:]]

    class _Writer(epub.EpubWriter):
        def _get_nav(self, item: object) -> bytes:
            return nav.encode("utf-8")

        def _get_ncx(self) -> bytes:
            return ncx(nav, meta.identifier, eb.title, meta.language)

    buffer = io.BytesIO()
    writer = _Writer(
        buffer,
        eb,
        # (compresslevel 0: _fixed_zip compresses, once)
        {
            "epub3_pages": False,
            "epub3_landmark": False,
            "epub2_guide": False,
            "mtime": created,
            "raise_exceptions": True,
            "compresslevel": 0,
        },
    )
    writer.process()
    writer.write()
    return _fixed_zip(buffer.getvalue(), created, meta.language)


def ncx(nav: str, uid: str, title: str, language: str) -> bytes:
    """The NCX (for EPUB 2 reading systems) of the nav document's table of contents: its
    entries, their labels and their nesting, ``dtb:depth`` the deepest level, each
    navPoint's ``playOrder`` that of its target in the nav (one target, one number)."""
    from lxml import etree

    xhtml, daisy = "{http://www.w3.org/1999/xhtml}", "http://www.daisy.org/z3986/2005/ncx/"
    toc = etree.fromstring(nav.encode("utf-8")).find(f".//{xhtml}nav[@id='toc']")
    root = etree.Element(f"{{{daisy}}}ncx", nsmap={None: daisy}, version="2005-1")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    head = etree.SubElement(root, "head")
    etree.SubElement(etree.SubElement(root, "docTitle"), "text").text = title
    nav_map = etree.SubElement(root, "navMap")
    order: dict[str, int] = {}
    depth = 0

    def add(parent: etree._Element, ol: etree._Element | None, level: int) -> None:
        nonlocal depth
        for li in ol.findall(f"{xhtml}li") if ol is not None else []:
            link = li.find(f"{xhtml}a")
            if link is None:  # (a heading without a target: the nav's template writes none)
                continue
            depth = max(depth, level)
            href = link.get("href", "")
            point = etree.SubElement(parent, "navPoint", id=f"ncx-{sum(1 for _ in nav_map.iter('navPoint')) + 1}")
            point.set("playOrder", str(order.setdefault(href, len(order) + 1)))
            etree.SubElement(etree.SubElement(point, "navLabel"), "text").text = " ".join("".join(link.itertext()).split())
            etree.SubElement(point, "content", src=href)
            add(point, li.find(f"{xhtml}ol"), level + 1)

    add(nav_map, toc.find(f"{xhtml}ol") if toc is not None else None, 1)
    for name, value in (("dtb:uid", uid), ("dtb:depth", str(depth)), ("dtb:totalPageCount", "0"), ("dtb:maxPageNumber", "0")):
        etree.SubElement(head, "meta", name=name, content=value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _contributors(eb: object, contributors: Iterable[Any]) -> None:
    """``dc:creator`` for the letters' authors (role ``aut``), ``dc:contributor`` for
    everyone else credited (translator, transcriber, editor, ...), each refined by its
    MARC relator roles and its sort form (EPUB 3.3, 5.5.7.1: ``file-as`` takes no
    ``scheme``; ebooklib's ``add_author`` gives it ``marc:relators``, and makes every
    contributor a creator)."""
    for i, c in enumerate(contributors):
        uid = f"contrib{i}"
        eb.add_metadata("DC", "creator" if "aut" in c.roles else "contributor", c.name, {"id": uid})  # type: ignore[attr-defined]
        for role in c.roles:
            eb.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})  # type: ignore[attr-defined]
        if c.file_as:
            eb.add_metadata(None, "meta", c.file_as, {"refines": f"#{uid}", "property": "file-as"})  # type: ignore[attr-defined]


def _accessibility(eb: object, has_pages: bool, has_images: bool) -> None:
    """EPUB Accessibility 1.1 metadata (schema.org properties, dcterms:conformsTo)."""
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if has_pages:
        features += ["pageNavigation", "printPageNumbers"]
    if has_images:
        features.append("alternativeText")
    values = [
        ("schema:accessMode", "textual"),
        *([("schema:accessMode", "visual")] if has_images else []),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", f) for f in features),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "The text is fully readable by assistive technologies: structured headings, a table of contents,"
            " letters marked up with their parts, notes linked to and from their calls"
            + (", and the page numbers of the print edition." if has_pages else "."),
        ),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ]
    for prop, value in values:
        eb.add_metadata("OPF", "meta", value, {"property": prop})  # type: ignore[attr-defined]


def _package_language(opf: bytes, language: str) -> bytes:
    """ebooklib writes no ``xml:lang`` on ``<package>``; Ace requires it (epub-lang)."""
    from lxml import etree

    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _fixed_zip(data: bytes, created: dt.datetime, language: str) -> bytes:
    """Rewrite the zip: ``mimetype`` first and stored, every entry stamped ``created``,
    and the package document given its language."""
    stamp = (max(created.year, 1980), created.month, created.day, created.hour, created.minute, created.second)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        names.sort(key=lambda n: n != "mimetype")
        for name in names:
            data = src.read(name)
            if name.endswith(".opf"):
                data = _package_language(data, language)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, data, compresslevel=6 if name != "mimetype" else None)  # (9: 0.2 % smaller, 2.5 x the time)
    return out.getvalue()
