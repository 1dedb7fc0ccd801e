"""Command line: ``publish new``, ``check``, ``build``, ``watch`` and ``proof``.

The only module that turns errors into exit codes (docs/cli.md lists them):
0 success; 1 an unexpected failure or a request that cannot be met; 2 manuscript errors
(or warnings with ``--strict``), or a wrong command line (argparse's code); 3 the output
folder cannot be written.

A command that takes a book works on the folder given, else on the working folder if it
holds a ``book.yaml``, else on ``manuscript/`` (a project laid out like this repository).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .diagnostics import ManuscriptError, PublishError

#: Where the manuscript format is documented (named after a finding about the manuscript).
FORMAT_DOC = "docs/manuscript.md in the publish repository"


def default_book() -> Path:
    """The book a command works on when none is named."""
    return Path(".") if Path("book.yaml").is_file() else Path("manuscript")


BOOK_HELP = "the book's folder, holding book.yaml (default: the working folder if it holds one, else manuscript)"


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog="publish",
        description="Build a correspondence (letters in Markdown, book.yaml) into a print-ready PDF and an EPUB 3.",
        epilog="Run `publish COMMAND --help` for a command's options.  The exit codes: 0 done; 1 an unexpected failure or "
        "a wrong request (a folder that exists, a missing PDF); 2 the manuscript has errors (or warnings, with --strict), "
        "or the command line is wrong; 3 the output folder cannot be written.",
    )
    p.add_argument("--version", action="version", version=f"publish {__version__}", help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    n = sub.add_parser("new", help="start a book: a folder with a starter correspondence that builds at once")
    n.add_argument("folder", type=Path, help="the new book's folder (must not exist, or be empty)")
    n.add_argument("--title", default="", help="the book's title (default: from the folder's name)")
    n.add_argument("--language", default="en", help="the book's language, a BCP 47 tag (default: en)")
    c = sub.add_parser("check", help="validate the manuscript without building anything")
    c.add_argument("manuscript", nargs="?", type=Path, help=BOOK_HELP)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 2)")
    c.add_argument("--styles", type=Path, help="a styles folder looked in first, as for build (its stylesheets are checked)")
    b = sub.add_parser("build", help="build the book's PDF and EPUB into the output folder")
    b.add_argument(
        "manuscript",
        nargs="*",
        type=Path,
        help=BOOK_HELP + "; several build in parallel, each into <output>/<folder name>",
    )
    b.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output)")
    b.add_argument(
        "--format",
        action="append",
        choices=("pdf", "epub", "html", "cmif", "cover"),
        help="build only this format (repeatable); cmif: the letters' metadata for correspSearch (TEI CMIF); "
        "cover: the print cover, <slug>-cover.pdf (PDF/X-4, back, spine and front with bleed, the spine as thick as "
        "the print PDF's pages on print.paper_caliper)",
    )
    b.add_argument(
        "--profile",
        action="append",
        choices=("digital", "print"),
        help="PDF profile (repeatable): digital = tagged PDF/UA-1, <slug>.pdf (default); print = PDF/X-4 with bleed, <slug>-print.pdf",
    )
    b.add_argument("--styles", type=Path, help="a styles folder looked in first (before the book's styles/ and the theme's)")
    b.add_argument(
        "--templates", type=Path, help="a templates folder looked in first (before the book's templates/ and the theme's)"
    )
    b.add_argument("--strict", action="store_true", help="treat warnings as errors: exit 2 and write nothing")
    b.add_argument(
        "--layout",
        choices=("auto", "units", "single"),
        default="auto",
        help="units: the PDF laid out in units in parallel processes and stitched; single: as one document; "
        "auto (default): units when the correspondence has parts, or letters on new pages with the text of two units",
    )
    b.add_argument("--report", type=Path, help="write what changed since the last build to this JSON file")
    b.add_argument(
        "--scheduler",
        help="with several manuscripts: 'local' (a Dask LocalCluster) or a Dask scheduler address; needs publish[dask]",
    )
    w = sub.add_parser("watch", help="rebuild on save and serve a live HTML preview on localhost")
    w.add_argument("manuscript", nargs="?", type=Path, help=BOOK_HELP)
    w.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output)")
    w.add_argument("--format", action="append", choices=("pdf", "epub", "html"), help="also rebuild these formats on each save")
    w.add_argument("--port", type=int, default=8000, help="the preview's port on 127.0.0.1 (default 8000; 0: any free port)")
    w.add_argument("--styles", type=Path, help="a styles folder looked in first")
    w.add_argument("--templates", type=Path, help="a templates folder looked in first")
    pr = sub.add_parser("proof", help="render a PDF's pages to PNG and a contact sheet")
    pr.add_argument("pdf", type=Path, help="the PDF to proof")
    pr.add_argument("-o", "--output", type=Path, help="folder for the PNG files (default: <pdf>-proof)")
    pr.add_argument("--scale", type=float, default=1.5, help="pixels per PDF point (default 1.5)")
    return p


def run() -> None:
    """The ``publish`` command: ``main``, then the process ends without taking its
    objects apart one by one, which took 0.2 s after a book's build (the model, the
    HTML trees).  The standard streams are flushed first; nothing of ours waits for the
    interpreter's exit (the staged outputs are in place or removed, the workers are
    gone, the fork server is ended: ``runners.end_server``)."""
    import os

    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    from .runners import end_server

    end_server()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("build", "check", "watch") and args.manuscript in (None, []):
        book = default_book()
        if not (book / "book.yaml").is_file():
            print(
                "error: no book.yaml in this folder, nor in manuscript/: name the book's folder "
                "(publish build FOLDER), or start a book with `publish new FOLDER`",
                file=sys.stderr,
            )
            return 2
        args.manuscript = [book] if args.command == "build" else book
    try:
        if args.command == "new":
            return _new(args)
        if args.command == "check":
            return _check(args)
        if args.command == "proof":
            return _proof(args)
        if args.command == "watch":
            return _watch(args)
        return _build(args)
    except ManuscriptError as exc:
        for d in exc.diagnostics:
            print(_where(getattr(args, "manuscript", Path(".")), d), file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", file=sys.stderr)
        if any(d.code.value[0] in "MNXE" for d in exc.diagnostics):
            print(f"The manuscript format, each element and key with an example, and the codes: {FORMAT_DOC}", file=sys.stderr)
        return exc.exit_code
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _where(manuscript: Path, d: object) -> str:
    """A finding, its path relative to the working folder (manuscript paths are stored relative to it)."""
    text = str(d)
    return text if text.startswith("/") else f"{manuscript}/{text}"


def _new(args: argparse.Namespace) -> int:
    from .starter import new

    written = new(args.folder, args.title, args.language)
    print(f"wrote {len(written)} files into {args.folder}/; next: cd {args.folder} && publish build", flush=True)
    return 0


def _watch(args: argparse.Namespace) -> int:
    from .build import Paths
    from .watch import Preview, start_server, watch_loop

    preview = Preview(Paths.find(args.manuscript, args.output, args.styles, args.templates), tuple(args.format or ("html",)))
    preview.rebuild()
    server = start_server(preview, port=args.port)
    print(f"preview on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", file=sys.stderr)

    def said(p: Preview) -> None:
        print(f"rebuilt ({'failed: ' + p.errors[0] if p.errors else 'ok'})", file=sys.stderr, flush=True)

    try:
        watch_loop(preview, on_build=said)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _proof(args: argparse.Namespace) -> int:
    from .proof import proof

    if not args.pdf.is_file():
        print(f"error: {args.pdf}: no such PDF", file=sys.stderr)
        return 1
    out = args.output or args.pdf.with_name(args.pdf.stem + "-proof")
    written = proof(args.pdf, out, args.scale)
    print(f"wrote {len(written) - 1} pages and {written[-1]}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .build import load
    from .diagnostics import Collector

    found = Collector()
    from . import theme

    theme.check_stylesheets(theme.layers("styles", args.manuscript, args.styles), found)  # as build does
    book = load(args.manuscript, found, args.strict)
    from .index import untagged

    hints = untagged(book)  # (hints: never fatal, not even under --strict)
    for d in (*found.items, *hints):
        print(_where(args.manuscript, d), file=sys.stderr)
    warnings = len(found.warnings)
    print(
        f"{args.manuscript}: no errors"
        + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ", no warnings")
        + (f", {len(hints)} hint{'s' if len(hints) != 1 else ''} (X003: names left untagged)" if hints else "")
    )
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from .catalogue import build_catalogue

    formats = tuple(args.format or ("pdf", "epub"))
    profiles = tuple(dict.fromkeys(args.profile or ("digital",)))
    outcomes = build_catalogue(
        args.manuscript, args.output, formats, profiles, args.styles, args.templates, args.scheduler, args.layout
    )
    for o in outcomes:
        if o.errors:
            for e in o.errors:
                print(e if e.startswith("/") else f"{o.manuscript}/{e}", file=sys.stderr)
        else:
            print(f"{o.manuscript}: " + ("up to date" if o.skipped else ", ".join(sorted(o.written.values()))), file=sys.stderr)
    return max((o.exit_code for o in outcomes), default=0)


class PlainProgress:
    """Progress as plain lines (CI, logs): every step, and the pages laid out every
    ``EVERY`` pages or ``SECONDS`` seconds, whichever comes first."""

    EVERY, SECONDS = 50, 5.0

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, message: str) -> None:
        if ": page " in message:
            now = time.monotonic()
            page = int(message.rsplit(": page ", 1)[1].split()[0])
            if page % self.EVERY and now - self.last < self.SECONDS:
                return
            self.last = now
        print(message, file=sys.stderr, flush=True)


def _built_since(book: Path, output: Path) -> bool:
    """Whether the output folder's record of its last build is newer than every file of
    the book: a hint (the build's own check is by content, ``cache.BuildCache``)."""
    from .cache import NOT_INPUTS

    try:
        built = (output / ".publish-cache" / "last-build.json").stat().st_mtime_ns
        for folder, folders, files in os.walk(book):
            folders[:] = [f for f in folders if f not in NOT_INPUTS]  # (a book's .git: thousands of files)
            if any(os.stat(os.path.join(folder, f), follow_symlinks=False).st_mtime_ns > built for f in files):
                return False
        return True
    except OSError:
        return False


def _build(args: argparse.Namespace) -> int:
    if len(args.manuscript) > 1 or args.scheduler:
        return _catalogue(args)
    args.manuscript = args.manuscript[0]
    from .runners import server_wanted, start_server

    formats = tuple(args.format or ("pdf", "epub"))
    if server_wanted(formats, args.layout) and not _built_since(args.manuscript, args.output or Path("output")):
        # Before anything else is imported or read: the server imports WeasyPrint on the
        # other core, and the first layout waits for it (0.2 s sooner).  Not when no file
        # of the book is newer than the last build: a build with nothing to do would
        # only pay for it (35 ms, and the other core while it ran).
        start_server()
    from rich.console import Console

    from .build import Paths, build

    console = Console(stderr=True)
    paths = Paths.find(args.manuscript, args.output, args.styles, args.templates)
    start = time.perf_counter()
    profiles = tuple(dict.fromkeys(args.profile or ("digital",)))
    if console.is_terminal and os.environ.get("PUBLISH_PROGRESS") != "plain":
        with console.status("building") as status:
            result = build(paths, formats, args.strict, lambda s: status.update(s), profiles, args.layout)
    else:  # not a terminal: one line a step, so logs and supervisors can follow
        result = build(paths, formats, args.strict, PlainProgress(), profiles, args.layout)
    if result.skipped:
        console.print("nothing changed since the last build: outputs are up to date", highlight=False)
        if args.report:
            args.report.write_text(json.dumps(result.report) + "\n", encoding="utf-8")
        return 0
    for w in result.warnings:
        console.print(_where(args.manuscript, w), markup=False, highlight=False, soft_wrap=True)
    for fmt, path in result.written.items():
        extra = f" ({result.pages} pages)" if fmt.startswith("pdf") else ""
        if fmt == "cover":
            extra = f" (the spine of {result.cover_pages} pages)"
        console.print(f"wrote {path}{extra}", markup=False, highlight=False, soft_wrap=True)
    from .report import lines

    for line in lines(result.report):
        console.print(line, markup=False, highlight=False)
    if args.report:
        args.report.write_text(json.dumps(result.report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"done in {time.perf_counter() - start:.1f} s", highlight=False)
    return 0
