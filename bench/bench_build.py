"""Benchmarks of `publish build`, each as a ratio to a reference measured in the same run.

For each corpus (the edition at 1x, and scaled copies from bench/corpus.py), every
command runs as a fresh process (imports included), RUNS times; the table gives the
median, the spread and the peak memory (max RSS) of the process.  References: bare
WeasyPrint rendering the same final HTML (`publish build --format html`), and pandoc
(PyPI pypandoc-binary) turning the same letters, as one Markdown file, into an EPUB.

Run from the project root:  .venv/bin/python bench/bench_build.py [--scales 1,10,50] [--runs 5]
(--runs-10x 3 and --runs-50x 1 by default: a 50x build takes minutes).
It rewrites bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make, markdown  # noqa: E402
from realistic import make as make_realistic  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: Where the time goes, as measured when the table was made (kept with the table).
READING = """
## Reading the figures

- One layout for both profiles: at most two hyphenated lines in a row and footnotes on their
  calls' pages are decided while WeasyPrint breaks lines and pages
  (`src/publish/writers/engine.py`, an extension of WeasyPrint 70.0's line layout, pinned
  to it).  Until 2026-11-30 a first layout found the paragraphs hyphenated on three lines
  in a row and a second re-set them without hyphens (every first build of the edition
  took two layouts); a paragraph whose note WeasyPrint moved away started a new page in
  a third.  The table's "before" figures are in the closing notes of the sessions.
- Notes: `footnote-policy: line` (a note that does not fit takes its call's line to the
  next page).  Under `block`, WeasyPrint 70 fails (`assert not page_is_empty`) on a
  page-long paragraph with many calls: every realistic book below failed so before.
- The realistic books (bench/realistic.py): an invented humanist correspondence with
  letters of 1 to 30 pages, paragraphs up to a page and a half, about 0.7 notes a page
  (some of 2,500 characters, some paragraphs with ten or more calls), a headnote per
  letter, a third of the text in Latin originals, verse, uncertain dates.
- `publish build` lays the PDF out in units in processes, one per core, when the
  correspondence has parts (by year here, each opening on a recto), and stitches them
  with pikepdf; else as one document.  `--layout single` is the one-document render,
  kept as the reference the units are tested against.  A unit's first folio is the sum
  of the page counts before it, so a first build lays most units out twice (once for
  their page counts), and the front matter, whose contents print every folio, comes
  last.
- Two profiles: one layout, written twice (`src/publish/writers/inks.py`: the print
  profile's bleed, crop marks, output intent and CMYK colours are applied when it is
  written; until 2026-12-01 each profile was laid out in a process of its own); the
  second profile by a fork of the process that laid the document out, on the other
  core (`src/publish/writers/spool.py`).  A layout worker draws the EPUB's cover first
  (the build's process does not import WeasyPrint when the book is laid out in units);
  the EPUB is packaged after the layout (it needs its page starts).
- A rebuild starts from the last build's page counts and cached unit layouts: a
  one-word correction lays out the unit that holds it once, and the others only if
  their folios moved.
- The fonts are static instances of the font package's variable fonts (made once by
  `make setup`).  The bare WeasyPrint reference gets the same fonts (it renders the HTML
  `publish build --format html` writes, with its fonts) and WeasyPrint's own layout
  (without the extension).
- EPUB alone: the fixed cost is Python start-up and imports, reading the manuscript,
  rendering and compiling the templates, cutting the fonts down; the cover is drawn by
  WeasyPrint in a process of its own meanwhile.
- EPUB inside `publish watch` (bench/watch_epub.py): one process builds the book, then
  each rebuild after a one-word change reads the manuscript again and renders the
  changed letter's document again; the compiled templates (`render.environment`), the
  faces' characters and each document's characters (`writers/epub_fonts.py`) and the
  packages' versions are kept for the process.  Against pandoc's cold run.
- Peak memory is that of the largest single process (the build, one of its workers or
  a writer they fork): checked against the peak of every process sampled from /proc
  during a build of the 350-page book with parts (210 MB both ways).
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss // 1024


def timed(make_cmd, runs: int, env: dict[str, str], before=None) -> tuple[float, float, float, int]:
    times, peak = [], 0
    for i in range(runs):
        if before:
            before(i)
        t, rss = run(make_cmd(i), env)
        times.append(t)
        peak = max(peak, rss)
    return statistics.median(times), min(times), max(times), peak


COMMON = ["--styles", str(ROOT / "styles"), "--templates", str(ROOT / "templates")]


def bare_weasyprint(ms: Path, work: Path, runs: int, env: dict[str, str]) -> tuple[tuple, Path]:
    """The reference: bare WeasyPrint on the final HTML of ``ms`` (written by
    ``publish build --format html``); its figures and that HTML."""
    html_out = work / f"html-{ms.name}"
    subprocess.run(
        [PY, "-m", "publish", "build", str(ms), "-o", str(html_out), "--format", "html", *COMMON],
        check=True,
        env=env,
        capture_output=True,
    )
    html = next(html_out.glob("*-html/*.html"))
    code = f"import weasyprint; weasyprint.HTML(filename={str(html)!r}).write_pdf({str(work / 'bare.pdf')!r})"
    return timed(lambda i: [PY, "-c", code], runs, env), html


def publish_cmd(ms: Path, out: Path, *extra: str):
    """``publish build`` of ``ms`` into a new folder for each run ``i`` (no cache)."""
    return lambda i: [PY, "-m", "publish", "build", str(ms), "-o", str(out.parent / f"{out.name}-{i}"), *COMMON, *extra]


def bench_new_page(scale: int, runs: int, work: Path, env: dict[str, str]) -> list[tuple[str, tuple, str]]:
    """The corpus with each letter opening a fresh page: units of about
    ``units.MIN_UNIT_CHARS`` of text inside the parts, against bare WeasyPrint."""
    ms = make(scale, work / f"ms-{scale}-new-page", new_page=True)
    bare, _ = bare_weasyprint(ms, work, runs, env)
    rows = [("letters on new pages: bare WeasyPrint, same HTML", bare, "ref")]
    build = timed(publish_cmd(ms, work / f"out-{scale}-new-page", "--format", "pdf"), runs, env)
    rows.append(("letters on new pages: publish build --format pdf", build, bare[0]))
    both = timed(publish_cmd(ms, work / f"out-{scale}-new-page-both"), runs, env)
    rows.append(("letters on new pages: publish build (PDF + EPUB)", both, bare[0]))
    return rows


def bench_corpus(scale: int, runs: int, work: Path, env: dict[str, str]) -> list[tuple[str, tuple, str]]:
    ms = make(scale, work / f"ms-{scale}") if scale > 1 else ROOT / "manuscript"
    bare, html = bare_weasyprint(ms, work, runs, env)
    md = work / f"corpus-{scale}.md"
    md.write_text(markdown(ms), encoding="utf-8")
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()

    def publish(*extra: str):
        return publish_cmd(ms, work / f"out-{scale}-{'-'.join(extra) or 'both'}", *extra)

    rows = []
    rows.append(("bare WeasyPrint, same HTML", bare, "ref"))
    pan = timed(lambda i: [pandoc, str(md), "-o", str(work / "pandoc.epub"), "--metadata", "title=Letters"], runs, env)
    rows.append(("pandoc, Markdown to EPUB", pan, "ref"))
    rows.append(("publish build (PDF + EPUB)", timed(publish(), runs, env), "bare"))
    rows.append(("publish build --format pdf", timed(publish("--format", "pdf"), runs, env), "bare"))
    rows.append(
        ("publish build --format pdf --layout single", timed(publish("--format", "pdf", "--layout", "single"), runs, env), "bare")
    )
    if scale < 50:  # at 50x the two profiles are left out to keep the run under an hour
        rows.append(
            (
                "publish build --format pdf --profile print",
                timed(publish("--format", "pdf", "--profile", "print"), runs, env),
                "bare",
            )
        )
        rows.append(
            (
                "publish build, both profiles + EPUB",
                timed(publish("--profile", "digital", "--profile", "print"), runs, env),
                "bare",
            )
        )
    rows.append(("publish build --format epub", timed(publish("--format", "epub"), runs, env), "pandoc"))

    # The editor's loop, against the full build (same output folder, so the cache is used).
    loop_ms = work / f"loop-{scale}"
    shutil.rmtree(loop_ms, ignore_errors=True)
    shutil.copytree(ms, loop_ms)
    loop_out = work / f"loop-out-{scale}"
    loop_cmd = [PY, "-m", "publish", "build", str(loop_ms), "-o", str(loop_out), *COMMON]
    run(loop_cmd, env)
    rows.append(("no-op rebuild", timed(lambda i: loop_cmd, runs, env), "full"))
    letter = sorted((loop_ms / "letters").glob("09-*.md"))[0]

    def correct(i: int) -> None:
        text = letter.read_text(encoding="utf-8")
        a, b = ("It gives me great pleasure", "It gives me very great pleasure")
        letter.write_text(text.replace(a, b) if a in text else text.replace(b, a), encoding="utf-8")

    rows.append(("one-word correction rebuild", timed(lambda i: loop_cmd, runs, env, before=correct), "full"))
    rows.append(("EPUB rebuild inside publish watch, one word changed", watch_rebuilds(ms, work, runs, env), "pandoc"))
    return rows, bare, pan


def watch_rebuilds(ms: Path, work: Path, runs: int, env: dict[str, str]) -> tuple[float, float, float, int]:
    """The EPUB rebuilt inside one ``publish watch`` process after a one-word change,
    ``runs`` times (bench/watch_epub.py, which prints each rebuild's seconds), and the
    process's peak memory."""
    folder = work / f"watch-{ms.name}"
    cmd = [PY, str(ROOT / "bench" / "watch_epub.py"), str(ms), str(folder), str(runs), *COMMON[1::2]]
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
        out.seek(0)
        times = [float(t) for t in out.read().split()]
    return statistics.median(times), min(times), max(times), usage.ru_maxrss // 1024


def bench_realistic(pages: int, parts: bool, runs: int, work: Path, env: dict[str, str]) -> list[tuple[str, tuple, str]]:
    """A generated collection (bench/realistic.py) against bare WeasyPrint on its HTML;
    and, read back from publish's PDF, the most hyphenated lines in a row and the notes
    off their calls' pages (publish.checks.pdf)."""
    from publish.checks.pdf import longest_hyphen_run, notes_off_their_pages

    name = f"{pages}p{'-parts' if parts else ''}"
    ms = make_realistic(pages, work / f"real-{name}", parts=parts)
    bare, _ = bare_weasyprint(ms, work, runs, env)
    rows = [("bare WeasyPrint, same HTML", bare, "ref")]
    out = work / f"real-out-{name}"  # (a folder for each command and run: no cache between them)
    both = timed(publish_cmd(ms, out, "--profile", "digital", "--profile", "print"), runs, env)
    rows.append(("publish build, both profiles + EPUB", both, "bare"))
    rows.append(
        ("publish build --format pdf", timed(publish_cmd(ms, work / f"{out.name}-pdf", "--format", "pdf"), runs, env), "bare")
    )
    if parts:
        single = timed(publish_cmd(ms, work / f"{out.name}-single", "--format", "pdf", "--layout", "single"), runs, env)
        rows.append(("publish build --format pdf --layout single", single, "bare"))
    # The editor's loop: one word changed in a letter in the middle, the PDF rebuilt into
    # the folder of the last build (its cache), against a full PDF build.
    loop_ms, loop_out = work / f"real-loop-{name}", work / f"real-loop-out-{name}"
    shutil.copytree(ms, loop_ms)
    loop_cmd = [PY, "-m", "publish", "build", str(loop_ms), "-o", str(loop_out), "--format", "pdf", *COMMON]
    run(loop_cmd, env)
    letters = sorted((loop_ms / "letters").glob("*.md"))
    letter = letters[len(letters) // 2]

    def correct(i: int) -> None:
        text = letter.read_text(encoding="utf-8")
        a, b = " the ", " this "
        head, body = text.split("\n---\n", 1)
        body = body.replace(a, b, 1) if i % 2 == 0 else body.replace(b, a, 1)
        letter.write_text(f"{head}\n---\n{body}", encoding="utf-8")

    rows.append(("one-word correction rebuild (PDF)", timed(lambda i: loop_cmd, runs, env, before=correct), "pdf"))
    pdf = out.parent / f"{out.name}-0" / "realistic-letters.pdf"  # the digital profile's
    import pypdf

    QUALITY.append(
        f"| {name} | {len(pypdf.PdfReader(str(pdf)).pages)} | {longest_hyphen_run(pdf)} | {len(notes_off_their_pages(pdf))} |"
    )
    print(QUALITY[-1], flush=True)
    return rows


#: Read back from publish's PDF of each realistic book (filled by bench_realistic).
QUALITY: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,50")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-10x", type=int, default=3, help="runs at 10x")
    parser.add_argument("--runs-50x", type=int, default=1, help="runs at 50x and above")
    parser.add_argument("--realistic", default="350", help="pages of the generated collections (bench/realistic.py); '' for none")
    parser.add_argument("--realistic-parts", default="no,yes", help="without parts, with parts by year, or both")
    parser.add_argument("--runs-realistic", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PUBLISH_PROGRESS="plain")
    out = ["| corpus | what | median s | min–max s | peak MB | ratio |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (int(s) for s in args.scales.split(",") if s):
            runs = args.runs if scale < 10 else args.runs_10x if scale < 50 else args.runs_50x
            rows, bare, pan = bench_corpus(scale, runs, Path(tmp), env)
            if scale >= 10:
                rows += bench_new_page(scale, runs, Path(tmp), env)
            full = next(r[1][0] for r in rows if r[0] == "publish build (PDF + EPUB)")
            for name, (med, lo, hi, rss), against in rows:
                # (a number: the figure of this row's own bare WeasyPrint reference)
                ref = {"ref": None, "bare": bare[0], "pandoc": pan[0], "full": full}.get(against, against)  # type: ignore[call-overload]
                what = {"bare": "bare WeasyPrint", "pandoc": "pandoc", "full": "full build"}.get(against, "bare WeasyPrint")  # type: ignore[call-overload]
                ratio = f"{med / ref:.2f} × {what}" if ref else "reference"
                out.append(f"| {scale}x ({runs}) | {name} | {med:.2f} | {lo:.2f}–{hi:.2f} | {rss} | {ratio} |")
                print(out[-1], flush=True)
        for pages in (int(p) for p in args.realistic.split(",") if p):
            for parts in [p == "yes" for p in args.realistic_parts.split(",")]:
                runs = args.runs_realistic if pages < 1000 else 1
                rows = bench_realistic(pages, parts, runs, Path(tmp), env)
                bare = rows[0][1]
                label = f"realistic {pages} p{', parts' if parts else ''} ({runs})"
                full_pdf = next(r[1][0] for r in rows if r[0] == "publish build --format pdf")
                for name, (med, lo, hi, rss), against in rows:
                    ratio = {
                        "ref": "reference",
                        "bare": f"{med / bare[0]:.2f} × bare WeasyPrint",
                        "pdf": f"{med / full_pdf:.2f} × a full PDF build",
                    }[against]
                    out.append(f"| {label} | {name} | {med:.2f} | {lo:.2f}–{hi:.2f} | {rss} | {ratio} |")
                    print(out[-1], flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (ROOT / "bench" / "README.md").write_text(
        "# Benchmarks\n\n"
        "`.venv/bin/python bench/bench_build.py` (after `make test`, which installs the bench's pandoc): "
        "fresh processes, imports included, the median of the runs given after each corpus, peak memory of "
        "the largest process; "
        "references measured in the same run: bare WeasyPrint on the same final HTML, pandoc on the same "
        "letters as one Markdown file.  Corpora: the edition (1x) and copies of its letters (bench/corpus.py), "
        "divided into parts by year.\n\n"
        f"Last run: {time.strftime('%Y-%m-%d')}, {machine}.\n\n"
        + "\n".join(out)
        + "\n\nRead back from publish's PDF (digital profile) of each realistic book (`publish.checks.pdf`):\n\n"
        + "| book | pages | most hyphenated lines in a row | notes off their calls' pages |\n|---|---|---|---|\n"
        + "\n".join(QUALITY)
        + "\n"
        + READING
    )


if __name__ == "__main__":
    main()
