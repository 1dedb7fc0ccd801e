"""publish watch: the preview server, rebuilds, errors shown in the page, and the
file watcher (bounded waits; everything on 127.0.0.1)."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from publish.build import Paths
from publish.watch import Preview, start_server, watch_loop

from .conftest import MANUSCRIPT, ROOT


def _get(server, path: str = "/") -> str:
    port = server.server_address[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def preview(tmp_path: Path):
    ms = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, ms)
    p = Preview(Paths.find(ms, tmp_path / "out", ROOT / "styles", ROOT / "templates"))
    p.rebuild()
    server = start_server(p, port=0)
    yield p, server, ms
    server.shutdown()


def test_serves_the_book_with_a_reload_script_and_its_files(preview) -> None:
    p, server, _ = preview
    page = _get(server)
    assert "It is only now that we were able to get" in page
    assert "/__version" in page
    assert _get(server, "/__version") == "1"
    assert "@font-face" in _get(server, "/fonts.css")


def test_rebuild_shows_the_change_then_an_error_then_recovers(preview) -> None:
    p, server, ms = preview
    letter = ms / "letters" / "01-uc-1946-12-16.md"
    good = letter.read_text()
    letter.write_text(good.replace("by chance, your address", "by good fortune, your address"))
    p.rebuild()
    assert "by good fortune, your address" in _get(server)
    assert _get(server, "/__version") == "2"
    letter.write_text(good.replace("place: Paris", "plaec: Paris"))
    p.rebuild()
    page = _get(server)
    assert "The build failed" in page and "letters/01-uc-1946-12-16.md:9" in page and "did you mean `place`" in page
    assert "/__version" in page  # the error page reloads itself too
    letter.write_text(good)
    p.rebuild()
    assert "by chance, your address" in _get(server)


def test_watcher_rebuilds_on_save(preview) -> None:
    p, server, ms = preview
    stop = threading.Event()
    thread = threading.Thread(target=watch_loop, args=(p, stop), daemon=True)
    thread.start()
    time.sleep(1.0)  # let the watcher start
    letter = ms / "letters" / "02-sedova-1947-01-28.md"
    letter.write_text(letter.read_text().replace("because I have been ill", "because I have been very ill"))
    deadline = time.monotonic() + 30
    while p.version < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=10)
    assert p.version >= 2
    assert "because I have been very ill" in _get(server)


def test_templates_compiled_once_for_a_process_and_again_when_changed(tmp_path: Path) -> None:
    """``publish watch`` rebuilds in one process: the templates are compiled once
    (render._ENVIRONMENTS), and again when one is edited or a layer before it gets one
    of the same name (the book overriding the theme's)."""
    from publish import render

    theme, book = tmp_path / "theme", tmp_path / "book"
    theme.mkdir()
    book.mkdir()
    (theme / "t.j2").write_text("theme {{ 1 + 1 }}")
    env = render.environment((book, theme))
    first = env.get_template("t.j2")
    assert render.environment((book, theme)) is env and env.get_template("t.j2") is first
    assert first.render() == "theme 2"
    (theme / "t.j2").write_text("theme, edited")
    assert env.get_template("t.j2").render() == "theme, edited"
    (book / "t.j2").write_text("the book's own")
    assert env.get_template("t.j2").render() == "the book's own"
    assert render.environment((tmp_path / "other", theme)) is not env
