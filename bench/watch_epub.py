"""The editor's loop inside ``publish watch --format epub``: one process builds the book
once (the HTML preview and the EPUB), then RUNS times changes one word in the letter in
the middle and rebuilds as the watcher does on save (``watch.Preview.rebuild``).  Prints
the seconds of each rebuild, one line.  Called by bench_build.py; no network, no server.

Usage: python bench/watch_epub.py MANUSCRIPT WORK_DIR RUNS STYLES TEMPLATES
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path


def main() -> None:
    source, work, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    styles, templates = Path(sys.argv[4]), Path(sys.argv[5])
    from publish.build import Paths
    from publish.watch import Preview

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work / "ms")
    preview = Preview(Paths.find(work / "ms", work / "out", styles, templates), ("epub",))
    preview.rebuild()
    letters = sorted((work / "ms" / "letters").glob("*.md"))
    letter = letters[len(letters) // 2]
    times = []
    for i in range(runs):
        head, body = letter.read_text(encoding="utf-8").split("\n---\n", 1)
        body = body.replace(" the ", " this ", 1) if i % 2 == 0 else body.replace(" this ", " the ", 1)
        letter.write_text(f"{head}\n---\n{body}", encoding="utf-8")
        start = time.perf_counter()
        preview.rebuild()
        times.append(time.perf_counter() - start)
        if preview.errors or not list((work / "out").glob("*.epub")):
            raise SystemExit(f"the rebuild failed: {preview.errors}")
    print(" ".join(f"{t:.4f}" for t in times))


if __name__ == "__main__":
    main()
