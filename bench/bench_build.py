"""Time `publish build` on the shipped edition against bare WeasyPrint on the same HTML.

Each figure is the median of 5 runs (wall time of a fresh process, imports included),
measured in the same run, and printed as a ratio to bare WeasyPrint.  Writes the table
to bench/README.md.  Run from the project root:  .venv/bin/python bench/bench_build.py
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def timed(cmd: list[str]) -> tuple[float, float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([py, "-m", "publish", "build", "manuscript", "-o", str(out), "--format", "html"], check=True, cwd=ROOT)
        html = next(out.glob("*-html/*.html"))
        bare = [py, "-c", f"import weasyprint; weasyprint.HTML(filename={str(html)!r}).write_pdf({str(out / 'bare.pdf')!r})"]
        rows = [
            ("bare WeasyPrint, same HTML (reference)", timed(bare)),
            ("publish build (PDF + EPUB)", timed([py, "-m", "publish", "build", "manuscript", "-o", str(out / "both")])),
            (
                "publish build --format pdf",
                timed([py, "-m", "publish", "build", "manuscript", "-o", str(out / "pdf"), "--format", "pdf"]),
            ),
            (
                "publish build --format epub",
                timed([py, "-m", "publish", "build", "manuscript", "-o", str(out / "epub"), "--format", "epub"]),
            ),
        ]
    ref = rows[0][1][0]
    lines = [
        "| what | median s | min-max s | ratio to bare WeasyPrint |",
        "|---|---|---|---|",
    ]
    for name, (med, lo, hi) in rows:
        lines.append(f"| {name} | {med:.2f} | {lo:.2f}-{hi:.2f} | {med / ref:.2f} |")
    table = "\n".join(lines)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(table)
    readme = ROOT / "bench" / "README.md"
    readme.write_text(
        "# Benchmarks\n\n"
        "`bench/bench_build.py` times fresh processes (imports included), median of "
        f"{RUNS} runs, against bare WeasyPrint rendering the same final HTML "
        "(`publish build --format html`) in the same run.\n\n"
        f"Last run: {time.strftime('%Y-%m-%d')}, {machine}.\n\n{table}\n"
    )


if __name__ == "__main__":
    main()
