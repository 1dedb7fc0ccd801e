"""The extension of WeasyPrint's layout (writers/engine.py), on small documents: at most
two hyphenated lines in a row, footnotes on their calls' pages, in one layout; the
same documents laid out by the bare engine (in another process: the extension, once
installed, is for the whole process) show what it changes."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

WORDS = (
    "internationalisation characteristically revolutionaries uncompromising counterrevolutionary "
    "organisational extraordinarily responsibilities nevertheless correspondence"
).split()


def hyphenation_document() -> str:
    """One justified paragraph of long words over many small pages."""
    import random

    draw = random.Random(1)
    text = " ".join(draw.choice(WORDS) for _ in range(2000))
    css = "@page { size: 3in 3in; margin: 0.3in } p { hyphens: auto; text-align: justify; font-size: 9pt; widows: 1; orphans: 1 }"
    return f'<html lang="en"><style>{css}</style><p>{text}</p></html>'


def footnote_document(filler_lines: int, policy: str = "line") -> str:
    """A note called at the top of the page, ``filler_lines`` lines, then a paragraph
    whose first two lines must stay together (orphans: 2)."""
    filler = "<p>" + " ".join(["filler words to take a line"] * 2 * filler_lines) + "</p>"
    note = (
        '<p>Call here<a id="n1-call-1" href="#n1">*</a><span class="fn" id="n1">'
        + "The note itself, long enough to take room. " * 7
        + "</span> end.</p>"
    )
    para = '<p class="o">' + " ".join(["the paragraph that must keep two lines together"] * 8) + "</p>"
    css = (
        "@page { size: 4in 3in; margin: 0.3in } body { font-size: 10pt; line-height: 14pt } p { margin: 0 }"
        f" .o {{ orphans: 2; widows: 2 }} .fn {{ float: footnote; footnote-policy: {policy}; font-size: 8pt; line-height: 10pt }}"
    )
    return f'<html lang="en"><style>{css}</style><body>{note}{filler}{para}</body></html>'


FILLERS = range(0, 12)

# Laid out by this module's functions in a fresh process, with or without the extension;
# the PDFs written into {out} for publish.checks.pdf to read back.
_PROBE = """
import json, sys
sys.path.insert(0, {tests!r})
import weasyprint
from test_engine import FILLERS, footnote_document, hyphenation_document, longest_hyphen_run, note_pages
if {install}:
    from publish.writers import engine
    engine.install()
    if not {carry}:  # the count not carried over a page break: each page's lines start at 0
        engine._position = lambda stack: object()
document = weasyprint.HTML(string=hyphenation_document()).render()
document.write_pdf({out!r} + "/hyphens.pdf")
misplaced = []
for k in FILLERS:
    laid = weasyprint.HTML(string=footnote_document(k)).render()
    laid.write_pdf({out!r} + f"/notes-{{k}}.pdf")
    if len(set(note_pages(laid).values())) > 1:
        misplaced.append(k)
print(json.dumps({{"run": longest_hyphen_run(document), "pages": len(document.pages), "misplaced": misplaced}}))
"""


def longest_hyphen_run(document: object) -> int:
    """The most lines in a row, through the whole document, that end hyphenated."""
    from weasyprint.formatting_structure.boxes import LineBox

    from publish.writers.engine import ends_hyphenated

    best = run = 0

    def walk(box: object) -> None:
        nonlocal best, run
        for child in getattr(box, "children", None) or []:
            if isinstance(child, LineBox):
                run = run + 1 if ends_hyphenated(child) else 0
                best = max(best, run)
            else:
                walk(child)

    for page in document.pages:  # type: ignore[attr-defined]
        walk(page._page_box)
    return best


def note_pages(document: object) -> dict[str, int | None]:
    """The page of the call (n1-call-1, the templates' kind of id) and of the note (n1);
    None where one did not land."""
    pages = {anchor: i for i, page in enumerate(document.pages) for anchor in page.anchors}  # type: ignore[attr-defined]
    return {"call": pages.get("n1-call-1"), "note": pages.get("n1")}


def _probe(install: bool, out: Path, carry: bool = True) -> dict[str, object]:
    code = _PROBE.format(tests=str(Path(__file__).parent), install=install, out=str(out), carry=carry)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]) | {"pdfs": out}


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return _probe(False, tmp_path_factory.mktemp("bare"))


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return _probe(True, tmp_path_factory.mktemp("extended"))


def test_bare_engine_shows_both_faults(bare) -> None:
    """What the extension is for: the bare engine ends many lines in a row hyphenated,
    and moves a note off its call's page to make room for a paragraph's first lines."""
    assert bare["run"] > 4
    assert bare["misplaced"]


def test_at_most_two_hyphenated_lines_in_a_row_across_pages(extended, tmp_path: Path) -> None:
    assert extended["run"] == 2  # hyphenation still used, up to the limit
    assert extended["pages"] > 8  # (the paragraph crosses page breaks, where the count must run on)
    # Without the count carried over a page break, a run goes past two at one of them.
    assert _probe(True, tmp_path, carry=False)["run"] > 2


def test_footnote_stays_on_its_calls_page(extended) -> None:
    assert extended["misplaced"] == []


def test_the_pdfs_read_back_say_the_same(bare, extended) -> None:
    """publish.checks.pdf reads the written PDFs (pdfium's lines, pypdf's links and named
    destinations), not the layout: it finds the bare engine's faults and none of ours."""
    from publish.checks.pdf import longest_hyphen_run, notes_off_their_pages

    assert longest_hyphen_run(bare["pdfs"] / "hyphens.pdf") == bare["run"]
    assert longest_hyphen_run(extended["pdfs"] / "hyphens.pdf") == 2
    for k in FILLERS:
        off = notes_off_their_pages(bare["pdfs"] / f"notes-{k}.pdf", prefix="n")
        assert bool(off) == (k in bare["misplaced"]), k
        assert notes_off_their_pages(extended["pdfs"] / f"notes-{k}.pdf", prefix="n") == []


def test_in_process_the_extension_keeps_each_note_with_its_call() -> None:
    import weasyprint

    from publish.writers import engine

    engine.install()
    for k in FILLERS:
        pages = note_pages(weasyprint.HTML(string=footnote_document(k)).render())
        assert pages["call"] is not None and pages["call"] == pages["note"], k


def _many_calls(note_sentences: int, policy: str) -> str:
    """A page-long paragraph opening a page, with eleven note calls near its start."""
    note = "Note text here. " * note_sentences
    body = " ".join(
        f'word word word word word word<a id="c{i}">{i}</a><span class="fn" id="n{i}">{note}</span>' for i in range(11)
    )
    css = f"@page {{ size: 4in 4in; margin: 0.4in }} p {{ break-before: page }} .fn {{ float: footnote; footnote-policy: {policy}; font-size: 8pt }}"
    return f'<html lang="en"><style>{css}</style><p>Before.</p><p>{body} {"more words " * 300}</p></html>'


@pytest.mark.parametrize("note_sentences", [1, 3, 10])
def test_a_paragraph_with_eleven_calls_is_laid_out_with_notes_on_their_pages(note_sentences: int) -> None:
    """Under ``footnote-policy: block`` WeasyPrint 70 fails on such a paragraph (its
    ``assert not page_is_empty``, extension or not); the theme's ``line`` lays it out."""
    import weasyprint

    from publish.writers import engine

    engine.install()
    with pytest.raises(AssertionError):
        weasyprint.HTML(string=_many_calls(note_sentences, "block")).render()
    document = weasyprint.HTML(string=_many_calls(note_sentences, "line")).render()
    pages = {anchor: i for i, page in enumerate(document.pages) for anchor in page.anchors}
    assert all(pages[f"n{i}"] == pages[f"c{i}"] for i in range(11))


def test_a_page_long_paragraph_with_its_call_at_the_end() -> None:
    import weasyprint

    from publish.writers import engine

    engine.install()
    text = "A long paragraph of ordinary words that goes on. " * 120
    html = (
        '<html lang="en"><style>@page { size: 4in 4in; margin: 0.4in } .fn { float: footnote; footnote-policy: line }</style>'
        f'<p>Before.</p><p>{text}end<a id="n1-call-1">1</a><span class="fn" id="n1">{"The note. " * 30}</span></p></html>'
    )
    pages = note_pages(weasyprint.HTML(string=html).render())
    assert pages["call"] is not None and pages["call"] == pages["note"]


def test_another_weasyprint_version_is_refused_at_import() -> None:
    code = (
        "import weasyprint; weasyprint.__version__ = '71.0'\n"
        "try:\n    import publish.writers.engine\nexcept Exception as exc:\n    print(type(exc).__name__, exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.startswith("EngineVersionError") and "WeasyPrint 71.0" in out and "weasyprint==70.0" in out


def test_a_changed_line_layout_is_refused_not_patched_blindly() -> None:
    from publish.writers import engine

    def _linebox_layout() -> None:  # the source of another version: no such line
        report = True
        return report

    fake = types.SimpleNamespace(_linebox_layout=_linebox_layout, __file__=__file__, __dict__={})
    with pytest.raises(engine.EngineVersionError, match="no line"):
        engine._keep_footnotes_with_calls(fake)
