"""The default theme: the templates and stylesheets a book is rendered with.

In a wheel they are package data (``publish/theme/templates`` and
``publish/theme/styles``, copied there from the project's ``templates/`` and ``styles/``
by the build backend, see pyproject.toml); in a source checkout (an editable install)
they are those folders themselves.  A book overrides any file of the theme by putting
its own of the same name in its ``templates/`` or ``styles/`` folder: ``layers`` lists
the folders to look in, the book's first, the theme's last.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .diagnostics import PublishError

_CHECKOUT = Path(__file__).resolve().parents[2]


def folder(name: str) -> Path:
    """The theme's ``templates`` or ``styles`` folder."""
    packaged = resources.files("publish") / "theme" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    if (_CHECKOUT / name).is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT / name
    raise PublishError(f"the installed publish has no theme {name} folder: reinstall the package")


def layers(name: str, book: Path, given: Path | None = None) -> tuple[Path, ...]:
    """Where ``name`` files are looked up, in order: the folder given on the command
    line, the book's own ``<book>/<name>``, then the theme's."""
    found = [given] if given is not None else []
    if (book / name).is_dir():
        found.append(book / name)
    theme = folder(name)
    return tuple(dict.fromkeys(p.resolve() for p in [*found, theme]))


def lookup(layers: tuple[Path, ...], name: str) -> Path:
    """The first file called ``name`` in ``layers`` (the theme's, if no other has it)."""
    for layer in layers:
        if (layer / name).is_file():
            return layer / name
    return layers[-1] / name
