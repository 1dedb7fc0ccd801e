"""``publish watch``: rebuild on save and serve a live HTML preview on localhost.

In: the manuscript, styles and templates folders.  Out: a local web server showing the
print HTML of the book (``--format html``), which reloads itself after each rebuild; a
failed build shows its findings in the page instead of stopping the server.  File
watching is watchfiles; serving is the standard library's ``http.server``.
"""

from __future__ import annotations

import html
import http.server
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .build import Paths, build
from .diagnostics import ManuscriptError, PublishError

#: Injected into the served page (not into the built HTML): polls the version and reloads.
RELOAD = """<script>
(function () {
  var seen = null;
  setInterval(function () {
    fetch('/__version', {cache: 'no-store'}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen === null) { seen = v; } else if (v !== seen) { location.reload(); }
    }).catch(function () {});
  }, 700);
})();
</script>"""


class Preview:
    """The state of the preview: the folder of the last good HTML build, a version that
    changes with every rebuild, and the findings of the last build if it failed."""

    def __init__(self, paths: Paths, formats: tuple[str, ...] = ("html",)):
        self.paths = paths
        self.formats = formats if "html" in formats else ("html", *formats)
        self.version = 0
        self.errors: list[str] = []
        self.folder: Path | None = None
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        try:
            result = build(self.paths, self.formats)
            errors: list[str] = []
        except ManuscriptError as exc:
            result, errors = None, [str(d) for d in exc.diagnostics]
        except PublishError as exc:
            result, errors = None, [str(exc)]
        with self.lock:
            if result is not None:
                folder = result.written.get("html") or next(
                    (p for p in result.written.values() if p.name.endswith("-html")), None
                )
                self.folder = folder or self.folder
            self.errors = errors
            self.version += 1

    def page(self) -> bytes:
        with self.lock:
            errors, folder = list(self.errors), self.folder
        if errors or folder is None:
            items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors) or "<li>no build yet</li>"
            body = f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Build failed</title></head><body><h1>The build failed</h1><ul>{items}</ul><p>Fix the manuscript and save: this page reloads itself.</p>{RELOAD}</body></html>"
            return body.encode("utf-8")
        text = next(folder.glob("*.html")).read_text(encoding="utf-8")
        return text.replace("</body>", RELOAD + "</body>").encode("utf-8")


def handler(preview: Preview) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(preview.folder or "."), **kwargs)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path == "/__version":
                self._send(str(preview.version).encode(), "text/plain")
            elif self.path in ("/", "/index.html"):
                self._send(preview.page(), "text/html; charset=utf-8")
            else:
                super().do_GET()

        def _send(self, data: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start_server(preview: Preview, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer((host, port), handler(preview))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_loop(
    preview: Preview, stop: threading.Event | None = None, on_build: Callable[[Preview], None] = lambda p: None
) -> None:
    """Rebuild whenever a file of the manuscript, styles or templates changes."""
    import watchfiles

    folders = [str(p) for p in preview.paths.folders if p.exists()]
    for _changes in watchfiles.watch(*folders, stop_event=stop, debounce=300, rust_timeout=500):
        preview.rebuild()
        on_build(preview)
