"""PDF writer: print HTML -> WeasyPrint -> PDF, then page labels with pikepdf.

In: the print HTML, the styles folder (base URL), a bounded fetcher and a profile.
Out: PDF bytes, and which page each element id landed on, for later steps.

Profiles: ``digital`` is tagged PDF/UA-1 (RGB, links, bookmarks); ``print`` is PDF/X-4
with a CMYK output intent and bleed.  Both are declared, not validated: no PDF/UA or
PDF/X validator can be installed here.
Post-processing with pikepdf (``stitch.finish``, shared with the PDF stitched from
layout units): WeasyPrint writes no /PageLabels (its issue #1205), so we set them (i,
ii, ... then 1, 2, ... as printed); its PDF/X writer puts a random xmpMM:DocumentID in
the XMP, which we replace with one derived from the book's identifier; the trailer /ID
is a digest of the content; so the same manuscript gives the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Code, Collector, Diagnostic, ManuscriptError, Severity
from ..model import Book, Loc, OutputIntent

if TYPE_CHECKING:  # fetch.py imports WeasyPrint, which the main process of a units build needs not
    from .fetch import BoundedFetcher

#: Profile -> WeasyPrint's PDF variant.
VARIANTS = {"digital": "pdf/ua-1", "print": "pdf/x-4"}


@dataclass
class PdfResult:
    data: bytes
    page_count: int
    anchors: dict[str, int]  # element id -> 0-based page index
    main_start: int  # page index of folio 1
    labels: list[str]  # the folio of each page, as the PDF's page labels give it
    starts: list[PageStart | None]  # what each page begins with (None: an empty page)
    page_digests: list[str]  # a digest of each page's text, for the change report
    document: Any = field(default=None, repr=False, compare=False)  # WeasyPrint's laid-out document
    passes: int = 1  # layouts it took (its layout fixes)


@dataclass(frozen=True)
class PageStart:
    """The first line of a page's text: the id of the nearest element around it that
    has one, and the line's text."""

    element_id: str
    text: str


class _WeasyLog(logging.Handler):
    """Routes WeasyPrint's warnings (ignored CSS, missing fonts) into our findings."""

    def __init__(self, found: Collector, styles: tuple[Path, ...]):
        super().__init__(logging.WARNING)
        self.found = found
        self.styles = styles[0].resolve()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "HarfBuzz-Subset" in message:
            return  # subsetting falls back to fontTools; same output, no action for an editor
        self.found.warning(Code.ENGINE_WARNING, Loc(str(self.styles)), f"WeasyPrint: {message}")


class _Pages(logging.Handler):
    """WeasyPrint's progress log, one record a page laid out, as page numbers."""

    def __init__(self, on_page: Callable[[int], None]):
        super().__init__(logging.INFO)
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
            self.on_page(int(record.args[0]))


@contextlib.contextmanager
def engine_findings(styles: tuple[Path, ...]) -> Any:
    """What WeasyPrint raises inside, as the finding to report: a resource refused
    (R001), else the engine's failure (L001: e.g. an assertion on a page its footnotes
    cannot fill), said without a traceback.  Interrupts, exits, findings and the layout
    time bound pass as they are."""
    from .fetch import RefusedResource

    try:
        yield
    except (KeyboardInterrupt, SystemExit, ManuscriptError, LayoutTimeout):
        raise
    except BaseException as exc:  # (RefusedResource, a resource asked for at write time, is a BaseException)
        failed = Collector()
        where = Loc(str(styles[0].resolve()))
        if isinstance(exc, RefusedResource):
            failed.error(Code.RESOURCE_REFUSED, where, f"the book asks for {exc.url}: {exc.why}")
        else:
            what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            failed.error(
                Code.LAYOUT_FAILED,
                where,
                f"WeasyPrint could not lay the book out ({what}); the last change to the manuscript or the styles is the "
                "likely cause (a paragraph with very many notes, an element too large for a page)",
            )
        raise ManuscriptError(failed.items) from exc


#: What the layout is given when WeasyPrint fails placing the notes under the theme's
#: ``footnote-policy: line``: ``auto`` lays out what ``line`` and ``block`` cannot (a
#: note may then fall on the page after its call; build.py reports each).
FALLBACK_CSS = "* { footnote-policy: auto !important; }"  # (a user sheet: !important wins over the book's sheets)


class LayoutTimeout(BaseException):
    def __init__(self, seconds: float):
        super().__init__(f"layout longer than {seconds} s")
        self.seconds = seconds


#: The longest one layout may take, in seconds (``PUBLISH_LAYOUT_SECONDS``): a book of
#: 1,500 pages is laid out in about four minutes on one core.
LAYOUT_SECONDS = 900.0


def _time_bound() -> Any:
    """Stop a layout that runs past ``LAYOUT_SECONDS`` (in a process's main thread, where
    WeasyPrint lays out the single document and the units; the EPUB cover, a page, is
    drawn in another thread, unbounded)."""
    from ..limits import alarm, seconds_from

    seconds = seconds_from("PUBLISH_LAYOUT_SECONDS", LAYOUT_SECONDS)
    return alarm(seconds, lambda: LayoutTimeout(seconds))


def lay_out(
    html: str,
    styles: tuple[Path, ...],
    fetcher: BoundedFetcher,
    found: Collector,
    main_id: str = "letters",
    on_page: Callable[[int], None] | None = None,
) -> PdfResult:
    """Lay the HTML out (no PDF written yet): where everything lands, page by page.
    ``on_page`` hears of each page as WeasyPrint lays it out."""
    import weasyprint

    from ..hyphenation import register
    from . import engine, fetch

    register()  # Latin (see hyphenation/)
    engine.install()  # hyphenate-limit-lines, and footnotes kept on their calls' pages (see engine.py)

    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(found, styles)
    logger.addHandler(handler)
    progress = logging.getLogger("weasyprint.progress")
    pages = _Pages(on_page) if on_page else None
    if pages:
        progress.addHandler(pages)
        progress.setLevel(logging.INFO)
    try:
        with _time_bound(), engine_findings(styles):
            source = weasyprint.HTML(string=html, base_url=fetch.base_url(styles), url_fetcher=fetcher)
            try:
                document = source.render()
            except AssertionError as exc:  # (WeasyPrint 70's `assert not page_is_empty`, placing notes)
                document = source.render(stylesheets=[weasyprint.CSS(string=FALLBACK_CSS)])
                said = Diagnostic(
                    Code.NOTE_PLACEMENT,
                    Severity.WARNING,
                    Loc(str(styles[0].resolve())),
                    f"WeasyPrint failed laying the book out ({type(exc).__name__}), as it does on notes it cannot place "
                    "with their calls; it was laid out again under footnote-policy: auto, and a note may fall on the page "
                    "after its call (each such note is reported)",
                )
                if said not in found.items:  # (once, however many layouts the book takes)
                    found.items.append(said)
    except LayoutTimeout as exc:
        late = Collector()
        late.error(
            Code.LAYOUT_TIMEOUT,
            Loc(str(styles[0].resolve())),
            f"one layout took more than {exc.seconds:g} s and was stopped (PUBLISH_LAYOUT_SECONDS sets the bound); "
            "the last change to the manuscript or the styles is the likely cause",
        )
        raise ManuscriptError(late.items) from exc
    finally:
        logger.removeHandler(handler)
        if pages:
            progress.removeHandler(pages)
            progress.setLevel(logging.NOTSET)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, index)
    main_start = anchors.get(main_id, 0)
    count = len(document.pages)
    labels = folio_labels(count, main_start)
    starts, digests = page_starts(document), page_digests(document)
    return PdfResult(b"", count, anchors, main_start, labels, starts, digests, document)


def off_page(note_calls: Iterable[tuple[str, str]], anchors: dict[str, int]) -> list[tuple[str, str]]:
    """(paragraph, note) for each of ``note_calls`` whose note is not on the page of its
    first call in ``anchors``, or is nowhere (WeasyPrint 70 can drop a footnote it
    deferred); a pair neither of whose ids was laid out (another unit's) is not."""
    return [(p, note) for p, note in note_calls if anchors.get(note) != anchors.get(f"{note}-call-1")]


def page_break_may_bring_back(note_calls: Iterable[tuple[str, str]], layout: PdfResult) -> list[tuple[str, str]]:
    """The notes of ``off_page`` that a page break before their paragraph may bring back
    to their call's page: those WeasyPrint moved away alone (``footnote-policy: auto``, as
    the fallback lays out), or laid out nowhere.  Under ``line`` or ``block`` (print.css)
    the engine has already moved the call's line, or its paragraph, to the top of the
    next page when the note did not fit: more room than a break before the paragraph
    gives.  A note still off its page there (notes called on one line that fill more than
    a page, and WeasyPrint cannot split a note) cannot be brought back, and a layout of
    the book again for it changed nothing but the time (a 1,450-page unit laid out twice)."""
    return [(p, note) for p, note in off_page(note_calls, layout.anchors) if _policy(layout, note) in (None, "auto")]


def _policy(layout: PdfResult, note: str) -> str | None:
    """The ``footnote-policy`` of the note ``note`` as laid out (None: not laid out)."""
    page = layout.anchors.get(note)
    if page is None or layout.document is None:
        return None
    for box in layout.document.pages[page]._page_box.descendants():
        element = box.element
        if element is not None and box.element_tag == element.tag and element.get("id") == note:
            return box.style["footnote_policy"]
    return None


def folio_labels(count: int, main_start: int) -> list[str]:
    """The folio of each of ``count`` pages as the page labels give it: roman before
    ``main_start``, arabic from 1 there (pypdf's own numeral helper)."""
    from pypdf._page_labels import number2lowercase_roman_numeral

    return [number2lowercase_roman_numeral(i + 1) if i < main_start else str(i - main_start + 1) for i in range(count)]


def press(profile: str, intent: OutputIntent) -> Callable[[Any], None] | None:
    """The profile's last changes to its PDF (pikepdf), or None.  Print: no annotations
    (a printer's preflight rejects annotations in the printable area, and a print has
    no links), and the output intent named as book.yaml's ``print.output_intent`` says:
    the printing condition's registered identifier, its registry and the condition in
    words with the profile's file name (WeasyPrint names it after the ICC profile's own
    description)."""
    if profile != "print":
        return None

    def pressed(pdf: Any) -> None:
        from pikepdf import String

        for page in pdf.pages:
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        for output in pdf.Root.get("/OutputIntents", []):
            output.OutputConditionIdentifier = String(intent.identifier)
            output.OutputCondition = String(intent.condition)
            output.RegistryName = String(intent.registry)
            output.Info = String(f"{intent.condition}; ICC profile {intent.profile}")

    return pressed


def write(
    layout: PdfResult,
    profiles: Iterable[str],
    identifier: str,
    styles: tuple[Path, ...],
    fetcher: BoundedFetcher,
    found: Collector,
    intent: OutputIntent | None = None,
    crop_marks: bool = False,
    spool: Path | None = None,
) -> dict[str, bytes]:
    """The laid-out document as PDF bytes in each of ``profiles`` (one layout, written
    in each: see ``inks.py``), with page labels and fixed ids (pikepdf, as the stitched
    PDF of layout units: see ``stitch.finish``).  With a ``spool`` folder, in a process
    with no other thread, every profile but the first is written by a fork of its own
    meanwhile (``write_each``; the caller empties the folder)."""
    import threading

    import pikepdf

    from . import spool as spooling
    from .stitch import finish

    intent = intent or OutputIntent()
    profiles = tuple(profiles)
    forks = spool if threading.active_count() == 1 else None
    raws, behind = write_each(layout.document, profiles, styles, fetcher, found, intent, crop_marks, forks)
    for profile, path in behind.items():
        raws[profile], late = spooling.collect(path)
        found.items.extend(w for w in late if w not in found.items)
    out = {}
    for profile in profiles:
        seed = f"{identifier}#{profile}"
        with pikepdf.open(io.BytesIO(raws[profile])) as pdf:
            out[profile] = finish(
                pdf, layout.main_start, lambda xml, seed=seed: fixed_xmp(xml, seed), press=press(profile, intent)
            )
    return out


def write_each(
    document: Any,
    profiles: tuple[str, ...],
    styles: tuple[Path, ...],
    fetcher: BoundedFetcher,
    found: Collector,
    intent: OutputIntent,
    crop_marks: bool,
    spool: Path | None = None,
) -> tuple[dict[str, bytes], dict[str, Path]]:
    """``document`` written in each of ``profiles``: with a ``spool`` folder, every
    profile but the first by a fork of its own, started first (``spool.py``; only in a
    process whose other threads hold no lock).  Returns the PDFs written here (their
    findings into ``found``) and, for the others, the file ``spool.collect`` reads."""
    from . import spool as spooling

    def written(profile: str) -> tuple[bytes, list[Diagnostic]]:
        late = Collector()
        return write_document(document, profile, styles, fetcher, late, intent, crop_marks), late.items

    behind = spooling.start(profiles[1:], written, spool) if spool is not None else {}
    here = {}
    for profile in (p for p in profiles if p not in behind):
        here[profile], late = written(profile)
        found.items.extend(w for w in late if w not in found.items)
    return here, behind


def write_document(
    document: Any,
    profile: str,
    styles: tuple[Path, ...],
    fetcher: BoundedFetcher,
    found: Collector,
    intent: OutputIntent,
    crop_marks: bool,
) -> bytes:
    """WeasyPrint's PDF of a laid-out ``document`` in ``profile`` (its variant, and what
    ``inks.profile_of`` changes: bleed, crop marks, the CMYK output intent and colours).
    A resource refused (the CMYK profile, an image) is R001, as at layout time."""
    from . import inks

    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(found, styles)
    logger.addHandler(handler)
    try:
        with engine_findings(styles):
            cmyk = cmyk_profile(styles, fetcher, intent.profile) if profile == "print" else None
            with inks.profile_of(document, profile, crop_marks, cmyk):
                return document.write_pdf(pdf_variant=VARIANTS[profile])
    finally:
        logger.removeHandler(handler)


def cmyk_profile(styles: tuple[Path, ...], fetcher: BoundedFetcher, name: str) -> Any:
    """WeasyPrint's ``ColorProfile`` of ``styles/icc/<name>`` (book.yaml's
    ``print.output_intent.profile``), read through the bounded fetcher as a stylesheet's
    ``@color-profile`` would be; a file that is not an ICC profile is R001."""
    from urllib.parse import urljoin

    from weasyprint.css import ColorProfile
    from weasyprint.urls import fetch

    from .fetch import base_url

    url = urljoin(base_url(styles), f"icc/{name}")
    with fetch(fetcher, url) as response:
        try:
            return ColorProfile(response, url, "relative-colorimetric", ("cyan", "magenta", "yellow", "black"))
        except Exception as exc:  # (PIL's ImageCms.PyCMSError, or what a truncated file raises)
            bad = Collector()
            bad.error(Code.RESOURCE_REFUSED, Loc(str(fetcher.resolve(url))), f"icc/{name} is not an ICC profile ({exc})")
            raise ManuscriptError(bad.items) from exc


def page_digests(document: Any) -> list[str]:
    """A digest of the text drawn on each page (running heads and folios included)."""
    import hashlib

    from weasyprint.formatting_structure.boxes import TextBox

    return [
        hashlib.sha256("\n".join(b.text for b in page._page_box.descendants() if isinstance(b, TextBox)).encode()).hexdigest()
        for page in document.pages
    ]


def page_starts(document: Any) -> list[PageStart | None]:
    """For each page, the first line of its text (running heads, folios and footnotes
    left out) and the innermost element with an id that holds it."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox, TextBox

    def first_line(box: Any, owner: str) -> PageStart | None:
        element = getattr(box, "element", None)
        own = element.get("id") if element is not None and box.element_tag == element.tag else None
        owner = own or owner
        for child in getattr(box, "children", None) or []:
            if isinstance(child, (MarginBox, FootnoteAreaBox)):
                continue
            if isinstance(child, LineBox):
                text = "".join(t.text for t in child.descendants() if isinstance(t, TextBox)).strip()
                if text and owner:
                    return PageStart(owner, text)
                continue
            found = first_line(child, owner)
            if found:
                return found
        return None

    return [first_line(page._page_box, "") for page in document.pages]


def fixed_xmp(xmp: bytes, seed: str) -> bytes:
    """The XMP packet with its xmpMM:DocumentID replaced by a UUID of ``seed`` (edited as
    XML; the tree, not the root element, is written back, so the xpacket processing
    instructions around it stay)."""
    from lxml import etree

    xml = etree.fromstring(xmp)
    ids = xml.findall(".//{http://ns.adobe.com/xap/1.0/mm/}DocumentID")
    if not ids:
        return xmp
    for element in ids:
        element.text = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
    return etree.tostring(xml.getroottree(), encoding="utf-8")


def endnote_heads(book: Book, pdf: PdfResult) -> dict[str, str]:
    """Running heads of the endnotes' pages, from a first layout: "Notes to pages x–y",
    where x and y are the folios of the first and last call of the notes on that page.
    Each note carries the head of its page; the heads do not change the layout."""
    pages: dict[int, list[int]] = {}
    notes = [n for item in (*book.front, *book.all_letters) for n in item.notes]
    for note in notes:
        calls = [pdf.anchors.get(f"{note.id}-call-{c}") for c in range(1, note.calls + 1)]
        if note.id in pdf.anchors and None not in calls:  # (a unit not laid out yet has no anchors)
            pages.setdefault(pdf.anchors[note.id], []).extend(calls)  # type: ignore[arg-type]
    heads = {}
    for page, calls in pages.items():
        first, last = pdf.labels[min(calls)], pdf.labels[max(calls)]
        heads[page] = f"Notes to page {first}" if first == last else f"Notes to pages {first}–{last}"
    return {n.id: heads[pdf.anchors[n.id]] for n in notes if pdf.anchors.get(n.id) in heads}
