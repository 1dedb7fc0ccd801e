"""The profiles' differences, applied when one laid-out document is written: the book
is laid out once and written in each profile (``pdf.write_document``).

The print HTML is the same for every profile: the profiles differ in what WeasyPrint
draws and writes, never in where a line breaks.  Digital: no bleed (its page boxes
are the trim).  Print: bleed (laid out with every profile, it moves nothing: the
background's painting area reaches into it), crop marks when ``print.crop_marks``
asks, the CMYK profile of ``print.output_intent`` (the output intent of the PDF/X
variant) and every colour the document sets converted to CMYK: a grey (text black
included) to black ink alone, as a printer wants text, and any other sRGB colour by
the naive formula (a book's colours are for the publisher's proof, not managed here).

WeasyPrint 70.0 has no option for any of this (a colour space is chosen at
``Stream.set_color`` from the colour as the CSS gave it), so ``Stream.set_color`` is
wrapped (``install``, from ``engine.install``): a stream whose document's colour
profiles are a ``CmykProfiles`` converts.  The mark is on the document, not on the
process, because an EPUB cover can be drawn in another thread at the same time.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

from weasyprint.pdf import stream as pdf_stream

_installed = False


class CmykProfiles(dict):
    """A document's colour profiles while it is written for print: its streams set
    every colour in CMYK."""


def cmyk(color: Any) -> Any:
    """``color`` (tinycss2's ``Color``) in ``device-cmyk``: a grey in black ink only,
    any other sRGB colour by the naive formula; a colour in another space as it is."""
    from tinycss2.color5 import Color

    if color.space not in ("srgb", "hsl", "hwb"):
        return color
    red, green, blue = (min(1.0, max(0.0, c)) for c in color.to("srgb").coordinates)
    if abs(red - green) < 1e-3 and abs(green - blue) < 1e-3:
        return Color("device-cmyk", (0.0, 0.0, 0.0, round(1 - red, 4)), color.alpha)
    black = 1 - max(red, green, blue)
    ink = [round((1 - c - black) / (1 - black), 4) for c in (red, green, blue)]
    return Color("device-cmyk", (*ink, round(black, 4)), color.alpha)


def install() -> None:
    """Wrap ``Stream.set_color`` (once per process)."""
    global _installed
    if _installed:
        return
    original = pdf_stream.Stream.set_color

    def set_color(self: Any, color: Any, stroke: bool = False) -> None:
        if isinstance(self._color_profiles, CmykProfiles):
            color = cmyk(color)
        original(self, color, stroke)

    pdf_stream.Stream.set_color = set_color
    _installed = True


@contextlib.contextmanager
def profile_of(document: Any, profile: str, crop_marks: bool, cmyk_profile: Any) -> Iterator[None]:
    """``document`` (laid out with the print profile's bleed) as ``profile`` draws it,
    while the block runs; as laid out afterwards.  ``cmyk_profile``: WeasyPrint's
    ``ColorProfile`` of the output intent (print only)."""
    pages = document.pages
    bleeds = [page.bleed for page in pages]
    marks = [page._page_box.style["marks"] for page in pages]
    # (WeasyPrint 70 draws crop marks by inserting a layer into the page's background,
    # for good: a second write would have them twice, a digital one after it, too.)
    layers = [list(page._page_box.background.layers) if page._page_box.background else None for page in pages]
    profiles = document.color_profiles
    metadata = copy.copy(document.metadata)  # (WeasyPrint's PDF/X writer dates a document that has no dates)
    try:
        if profile == "print":
            document.color_profiles = CmykProfiles({**profiles, "device-cmyk": cmyk_profile})
            for page in pages:
                page._page_box.style["marks"] = ("crop",) if crop_marks else ()
        else:
            for page in pages:
                page.bleed = dict.fromkeys(page.bleed, 0)
        yield
    finally:
        document.color_profiles, document.metadata = profiles, metadata
        for page, bleed, mark, layer in zip(pages, bleeds, marks, layers, strict=True):
            page.bleed = bleed
            page._page_box.style["marks"] = mark
            if layer is not None:
                page._page_box.background.layers[:] = layer
