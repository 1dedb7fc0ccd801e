"""Command line: ``publish build`` and ``publish check``.

The only module that turns errors into exit codes:
0 success; 1 unexpected failure; 2 manuscript errors (or warnings with ``--strict``);
3 the output folder cannot be written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .diagnostics import ManuscriptError, PublishError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="publish", description="Build a structured manuscript into a print PDF and an EPUB 3.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the book into the output folder")
    b.add_argument("manuscript", nargs="?", default="manuscript", type=Path, help="manuscript folder (default: manuscript)")
    b.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output)")
    b.add_argument("--format", action="append", choices=("pdf", "epub", "html"), help="build only this format (repeatable)")
    b.add_argument("--styles", type=Path, help="styles folder (default: the manuscript's, else the project's)")
    b.add_argument("--templates", type=Path, help="templates folder (default: the manuscript's, else the project's)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c = sub.add_parser("check", help="validate the manuscript without building")
    c.add_argument("manuscript", nargs="?", default="manuscript", type=Path)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        return _build(args)
    except ManuscriptError as exc:
        for d in exc.diagnostics:
            print(_where(args.manuscript, d), file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", file=sys.stderr)
        return exc.exit_code
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _where(manuscript: Path, d: object) -> str:
    """A finding, its path relative to the working folder (manuscript paths are stored relative to it)."""
    text = str(d)
    return text if text.startswith("/") else f"{manuscript}/{text}"


def _check(args: argparse.Namespace) -> int:
    from .build import load

    load(args.manuscript)
    print(f"{args.manuscript}: no problems found")
    return 0


def _build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .build import Paths, build

    console = Console(stderr=True)
    paths = Paths.find(args.manuscript, args.output, args.styles, args.templates)
    formats = tuple(args.format or ("pdf", "epub"))
    start = time.perf_counter()
    with console.status("building") as status:
        result = build(paths, formats, strict=args.strict, step=lambda s: status.update(s))
    for w in result.warnings:
        console.print(_where(args.manuscript, w), markup=False, highlight=False)
    for fmt, path in result.written.items():
        extra = f" ({result.pages} pages)" if fmt == "pdf" else ""
        console.print(f"wrote {path}{extra}", markup=False, highlight=False)
    console.print(f"done in {time.perf_counter() - start:.1f} s", highlight=False)
    return 0
