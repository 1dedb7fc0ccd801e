"""Run DAISY Ace (``tools/ace``, from npm) on an EPUB, against Debian's Chromium.

In: an EPUB path.  Out: the violations Ace reports (document, rule, impact, text).
Ace exits 0 even when its verdict is "fail", so the verdict is read from report.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def chromium() -> Path | None:
    """The Chromium Ace drives: ``PUBLISH_CHROMIUM`` if set, else the first of
    chromium, chromium-browser, google-chrome on the PATH."""
    given = os.environ.get("PUBLISH_CHROMIUM")
    if given:
        return Path(given)
    found = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    return Path(found) if found else None


@dataclass(frozen=True)
class Violation:
    document: str
    rule: str
    impact: str
    text: str

    def __str__(self) -> str:
        return f"{self.document}: {self.rule} ({self.impact}): {self.text}"


def cli() -> Path:
    return Path(os.environ.get("ACE_CLI", PROJECT / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"))


def available() -> str:
    """Why Ace cannot run here ("" when it can): Node or Chromium missing."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    browser = chromium()
    if browser is None or not browser.exists():
        return "Chromium is not installed (apt-get install chromium, or name it with PUBLISH_CHROMIUM)"
    return ""


def run(epub: Path) -> tuple[str, list[Violation]]:
    """Ace's verdict ("pass" or "fail") and its violations."""
    if not cli().exists():
        raise RuntimeError(f"{cli()} is missing: run `make setup` (npm ci in tools/ace)")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=str(chromium()))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [str(cli()), "--silent", "--outdir", tmp, str(epub)], env=env, capture_output=True, check=False, timeout=300
        )
        report = Path(tmp) / "report.json"
        if not report.exists():
            raise RuntimeError(f"Ace wrote no report for {epub}")
        data = json.loads(report.read_text(encoding="utf-8"))
    violations = []
    for doc in data.get("assertions", []):
        for a in doc.get("assertions", []):
            if a["earl:result"]["earl:outcome"] == "fail":
                violations.append(
                    Violation(
                        doc["earl:testSubject"]["url"],
                        a["earl:test"]["dct:title"],
                        a["earl:test"].get("earl:impact", ""),
                        a["earl:result"].get("dct:description", ""),
                    )
                )
    return data["earl:result"]["earl:outcome"], violations
