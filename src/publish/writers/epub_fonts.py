"""The EPUB's fonts: the faces its documents use, each cut down to what they set.

In: the EPUB's XHTML documents (the nav included), the stylesheets they link
(``fonts.css`` with its ``@font-face`` rules, ``base.css``, ``epub.css``) and the face
files.  Out: for each face some text is set in, the face subset (fontTools) to the
characters it sets, the glyphs their layout features reach (small capitals, old-style and
lining figures, ligatures, kerning, marks) and the hyphen a reader adds when it breaks a
word; the faces nothing is set in are left out.  A family's regular face also has the
characters of its other faces (a fallback where a reading system cannot use those).

Which face sets a character is decided as a reading system does: a small cascade of the
stylesheets over each document (cssselect2 matches the selectors, with the HTML user-agent
defaults for ``b``, ``strong``, ``th``, headings, ``i``, ``em``, ``cite``, ``code``, ...)
gives each text node its ``font-family``, ``font-weight`` and ``font-style``; CSS font
matching picks the face of each family, and each character goes to the first family whose
face has it (so a Hebrew word reaches Frank Ruhl Libre, and the Latin around it stays in EB
Garamond).  Generated content (``content`` of ``::before``/``::after``), alt text and list
numbers count too.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: The layout features a subset keeps, beyond fontTools' defaults (kerning, ligatures,
#: marks, contextual forms, locl, the Arabic and Hebrew shaping forms): those the
#: stylesheets use (``font-variant: small-caps``, ``font-variant-numeric``).  Not
#: ``sups``/``subs`` (note calls are raised by ``vertical-align``) nor ``c2sc``: each
#: would double the glyphs of the regular face (measured: 155 glyphs with the defaults,
#: 239 with small capitals, 293 with superiors).
FEATURES = ("smcp", "onum", "lnum", "pnum", "tnum")

#: Characters every embedded face keeps: the space, the no-break space, the hyphens a
#: reader draws where it breaks a word (``hyphens: auto``).
ALWAYS = " \u00a0-\u2010"

#: Bumped when what a subset holds changes (part of the build cache's key).
VERSION = "1"

_BOLD = ("b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6")
_ITALIC = ("i", "em", "cite", "var", "dfn", "address")
_MONO = ("code", "kbd", "samp", "pre", "tt")
_XHTML = "{http://www.w3.org/1999/xhtml}"
_SIZES = {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "larger", "smaller"}
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji", "fangsong"}


@dataclass(frozen=True)
class FaceRule:
    """One ``@font-face`` rule: the family, style and weight it serves, from which file."""

    family: str
    style: str  # normal, italic, oblique
    weight: int
    file: str  # the name under ``fonts/``


@dataclass
class _Style:
    family: tuple[str, ...] = ("serif",)
    weight: int = 400
    style: str = "normal"
    caps: bool = False  # small capitals or upper-case text: the capitals are needed too
    decls: dict[str, list] = field(default_factory=dict)


def face_rules(fonts_css: str) -> list[FaceRule]:
    """The ``@font-face`` rules of ``fonts.css`` that name a file under ``fonts/``."""
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(fonts_css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        decls = _declarations(rule.content)
        src = [t for t in decls.get("src", []) if t.type == "url" or (t.type == "function" and t.lower_name == "url")]
        if not src or "font-family" not in decls:
            continue
        url = src[0].value if src[0].type == "url" else next(a.value for a in src[0].arguments if a.type == "string")
        if not url.startswith("fonts/"):
            continue
        family = _families(decls["font-family"])
        weight = _weight(decls.get("font-weight", []), 400)
        style = _ident(decls.get("font-style", [])) or "normal"
        if family:
            out.append(FaceRule(family[0], style, weight, url.removeprefix("fonts/")))
    return out


def characters_by_face(
    documents: Iterable[str], stylesheets: Iterable[str], rules: list[FaceRule], cmaps: dict[str, frozenset[int]]
) -> dict[str, set[int]]:
    """Face file -> the code points set in it, over ``documents`` (XHTML) styled by
    ``stylesheets`` (CSS text, in cascade order); ``cmaps``: each face file's characters."""
    sheets, faces, have = tuple(stylesheets), tuple(rules), tuple(sorted(cmaps.items()))
    used: dict[str, set[int]] = {}
    for doc in documents:
        for name, chars in _document_characters(doc, sheets, faces, have):
            used.setdefault(name, set()).update(chars)
    # Each family's regular face has every character its other faces set: a reading
    # system that cannot use a style's face (or a reader's setting that drops it) falls
    # back on the regular one, and finds the text there.
    for family in sorted({r.family for r in rules}):
        regular = _match(rules, family, 400, "normal")
        others = [r.file for r in rules if r.family == family and r.file != regular and r.file in used]
        if regular is not None and others:
            have = cmaps[regular]
            used.setdefault(regular, set()).update(c for f in others for c in used[f] if c in have)
    for chars in used.values():
        chars.update(map(ord, ALWAYS))
    return used


@functools.lru_cache(maxsize=1024)
def _document_characters(
    doc: str, stylesheets: tuple[str, ...], rules: tuple[FaceRule, ...], cmaps: tuple[tuple[str, frozenset[int]], ...]
) -> tuple[tuple[str, frozenset[int]], ...]:
    """(face file, its code points) for one XHTML document: kept for the process, since
    an EPUB rebuild inside ``publish watch`` renders one document again, not the others."""
    from lxml import etree

    used: dict[str, set[int]] = {}
    faces, have = list(rules), dict(cmaps)
    root = etree.fromstring(doc.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    for text, style in _texts(root, _matcher(stylesheets)):
        _place(text, style, faces, have, used)
    return tuple((name, frozenset(chars)) for name, chars in sorted(used.items()))


def subset(data: bytes, chars: Iterable[int]) -> bytes:
    """Face ``data`` with the glyphs of ``chars`` only (and those their layout features
    reach); the same input gives the same bytes (the font's own timestamps are kept)."""
    from fontTools import subset as ft
    from fontTools.ttLib import TTFont

    options = ft.Options()
    options.layout_features = [*options.layout_features, *FEATURES]
    options.name_IDs = ["*"]  # the copyright, licence and licence URL travel with the face (OFL)
    options.name_languages = ["*"]
    options.notdef_outline = True  # a character missing from the face shows as a box, not nothing
    options.recalc_timestamp = False
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=False)
    subsetter = ft.Subsetter(options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cache_key(data: bytes, chars: Iterable[int]) -> str:
    """What a subset depends on: the face, the characters, fontTools' version, ours."""
    from ..cache import package_version

    total = hashlib.sha256(hashlib.sha256(data).digest())
    total.update(f"{VERSION}-{package_version('fonttools')}-".encode())
    total.update(",".join(map(str, sorted(chars))).encode())
    return total.hexdigest()


def embed(documents: list[str], stylesheets: list[str], fonts_css: str, served: dict, cache: Any = None) -> dict[str, bytes]:
    """Face file name -> its subset, for each face of ``fonts_css`` that ``documents``
    set text in (``served``: face file name -> its path).  A subset takes about 0.5 s a
    face (fontTools reads the whole layout tables): it is kept in ``cache``, a
    ``BuildCache`` pruned to this build's subsets, and in the per-user font cache beside
    the static faces (``shared``), where another book or output folder with the same
    characters finds it."""
    rules = [r for r in face_rules(fonts_css) if r.file in served]
    data = {r.file: served[r.file].read_bytes() for r in rules}
    cmaps = {name: _characters(b) for name, b in data.items()}
    out, keys = {}, set()
    for name, chars in sorted(characters_by_face(documents, stylesheets, rules, cmaps).items()):
        key = cache_key(data[name], chars)
        keys.add(key)
        cut = cache.get("font-subsets", key) if cache is not None else None
        if cut is None:
            cut = shared(key) or subset(data[name], chars)
            shared(key, cut)
            if cache is not None:
                cache.put("font-subsets", key, cut)
        out[name] = cut
    if cache is not None:
        cache.prune("font-subsets", keys)
    return out


@functools.lru_cache(maxsize=16)
def _characters(data: bytes) -> frozenset[int]:
    """The characters of the face ``data`` (its best cmap): read once per face and
    process, since ``publish watch`` rebuilds in one (a tenth of an EPUB rebuild)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())


#: Subsets kept in the per-user font cache: the newest, a few books' worth.
SHARED_KEEP = 48


def shared(key: str, data: bytes | None = None) -> bytes | None:
    """The subset ``key`` from the per-user font cache, or (``data`` given) put it there.
    A cache that cannot be read or written is no error: the subset is made again."""
    from ..fonts import instances_dir
    from ..usercache import keep_newest, write_whole

    folder = instances_dir() / "subsets"
    path = folder / f"{key}.ttf"
    try:
        if data is None:
            return path.read_bytes() if path.is_file() else None
        if path.is_file():
            return None
        write_whole(path, data)
        keep_newest(folder.glob("*.ttf"), SHARED_KEEP)
    except OSError:
        pass
    return None


# -- the cascade ---------------------------------------------------------------------


def _declarations(content: list) -> dict[str, list]:
    import tinycss2

    out: dict[str, list] = {}
    for d in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration":
            out[d.lower_name] = [t for t in d.value if t.type not in ("whitespace", "comment")]
    return out


@functools.lru_cache(maxsize=4)
def _matcher(stylesheets: tuple[str, ...]):  # -> cssselect2.Matcher (one per stylesheets and process)
    import cssselect2
    import tinycss2

    matcher = cssselect2.Matcher()

    def add(rules: list) -> None:
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                add(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            if rule.type != "qualified-rule":
                continue
            decls = _declarations(rule.content)
            if not decls.keys() & {
                "font-family",
                "font-weight",
                "font-style",
                "font-variant",
                "text-transform",
                "content",
                "font",
            }:
                continue
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue  # a reading system skips the rule too
            for selector in selectors:
                matcher.add_selector(selector, decls)

    for css in stylesheets:
        add(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return matcher


def _computed(element, parent: _Style, matcher, pseudo: str | None = None) -> _Style:  # element: cssselect2.ElementWrapper
    """The element's (or its pseudo-element's) font properties: the user-agent defaults,
    then the matching rules in order of specificity and appearance, else inherited."""
    style = _Style(parent.family, parent.weight, parent.style, parent.caps)
    if pseudo is None:
        name = element.local_name
        if name in _BOLD:
            style.weight = _bolder(parent.weight)
        if name in _ITALIC:
            style.style = "italic"
        if name in _MONO:
            style.family = ("monospace",)
    decls: dict[str, list] = {}
    for _specificity, _order, kind, payload in matcher.match(element):
        if kind == pseudo:
            decls.update(payload)
    tokens = decls.get("font", [])
    sizes = [
        i
        for i, t in enumerate(tokens)
        if t.type in ("dimension", "percentage") or (t.type == "ident" and t.lower_value in _SIZES)
    ]
    if sizes:  # the shorthand (without a size it is a system font, or invalid): style, weight, then size and family
        head, family = tokens[: sizes[0]], [t for t in tokens[sizes[0] + 1 :] if not (t.type == "literal" and t.value == "/")]
        style.style = next(
            (t.lower_value for t in head if t.type == "ident" and t.lower_value in ("italic", "oblique")), "normal"
        )
        style.weight = _weight(head, 400, parent.weight)
        style.caps = style.caps or any(t.type == "ident" and t.lower_value == "small-caps" for t in head)
        if family and family[0].type in ("number", "dimension", "percentage"):  # a line height after the slash
            family = family[1:]
        style.family = _families(family) or style.family
    if "font-family" in decls:
        inherit = _ident(decls["font-family"]) in ("inherit", "unset")
        style.family = parent.family if inherit else _families(decls["font-family"]) or style.family
    if "font-weight" in decls:
        style.weight = _weight(decls["font-weight"], style.weight, parent.weight)
    if "font-style" in decls:
        value = _ident(decls["font-style"])
        style.style = parent.style if value in ("inherit", None) else value
    for prop in ("font-variant", "text-transform"):
        if prop in decls:
            value = " ".join(t.lower_value for t in decls[prop] if t.type == "ident")
            style.caps = style.caps or any(w in value for w in ("small-caps", "uppercase", "capitalize", "titling-caps"))
    style.decls = decls
    return style


def _texts(root, matcher) -> Iterator[tuple[str, _Style]]:
    """Every piece of text a reader may set, with the style it is set in: text nodes,
    alt text, generated content (strings, ``attr()``, counters) and list numbers."""
    import cssselect2

    def walk(element, parent: _Style) -> Iterator[tuple[str, _Style]]:
        style = _computed(element, parent, matcher)
        tag = element.etree_element
        for pseudo in ("before", "after"):
            generated = _computed(element, style, matcher, pseudo)
            yield _content(generated.decls.get("content", []), tag), generated
        if element.local_name == "img":
            yield tag.get("alt", ""), style
        if element.local_name == "li":
            yield "0123456789.\u2022\u25e6\u25aa", style  # the list's marker, whatever its list-style
        yield tag.text or "", style
        for child in element.iter_children():
            yield from walk(child, style)
            yield child.etree_element.tail or "", style

    body = next((e for e in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree() if e.local_name == "body"), None)
    if body is not None:
        yield from walk(body, _Style())


def _content(tokens: list, element) -> str:
    out = []
    for t in tokens:
        if t.type == "string":
            out.append(t.value)
        elif t.type == "function" and t.lower_name == "attr":
            names = [a.value for a in t.arguments if a.type == "ident"]
            out.append(element.get(names[0], "") if names else "")
        elif t.type == "function" and t.lower_name in ("counter", "counters", "target-counter"):
            out.append("0123456789ivxlcdm.")
    return "".join(out)


def _place(text: str, style: _Style, rules: list[FaceRule], cmaps: dict[str, frozenset[int]], used: dict[str, set[int]]) -> None:
    """Give each character of ``text`` to the first family's face that has it."""
    if not text:
        return
    if style.caps:
        text = text + text.upper()
    faces = [f for f in (_match(rules, family, style.weight, style.style) for family in style.family) if f is not None]
    if not faces:
        return
    for c in set(text):
        code = ord(c)
        for face in faces:
            if code in cmaps[face]:
                used.setdefault(face, set()).add(code)
                break
        else:
            if c.isspace():
                continue
            used.setdefault(faces[0], set()).add(code)  # no face has it: the first is asked, and shows its .notdef


def _match(rules: list[FaceRule], family: str, weight: int, style: str) -> str | None:
    """CSS Fonts 4 font matching, for style then weight, among ``family``'s faces."""
    faces = [r for r in rules if r.family.lower() == family.lower()]
    if not faces:
        return None
    order = {"italic": ("italic", "oblique", "normal"), "oblique": ("oblique", "italic", "normal")}.get(
        style, ("normal", "oblique", "italic")
    )
    for s in order:
        same = [r for r in faces if r.style == s]
        if same:
            faces = same
            break
    weights = sorted({r.weight for r in faces})
    if weight in weights:
        chosen = weight
    elif 400 <= weight <= 500:
        up = [w for w in weights if weight < w <= 500]
        down = [w for w in weights if w < weight]
        chosen = up[0] if up else down[-1] if down else weights[0]
    elif weight < 400:
        down = [w for w in weights if w < weight]
        chosen = down[-1] if down else weights[0]
    else:
        up = [w for w in weights if w > weight]
        chosen = up[0] if up else weights[-1]
    return next(r.file for r in faces if r.weight == chosen)


def _families(tokens: list) -> tuple[str, ...]:
    names, words = [], []
    for t in [*tokens, None]:
        if t is None or (t.type == "literal" and t.value == ","):
            if words:
                names.append(" ".join(words))
            words = []
        elif t.type == "string":
            words.append(t.value)
        elif t.type == "ident":
            words.append(t.value)
    if any(n.lower() in _GENERIC for n in names):
        names = names[: next(i for i, n in enumerate(names) if n.lower() in _GENERIC) + 1]
    return tuple(names)


def _ident(tokens: list) -> str | None:
    return next((t.lower_value for t in tokens if t.type == "ident"), None)


def _weight(tokens: list, default: int, parent: int | None = None) -> int:
    base = default if parent is None else parent
    for t in tokens:
        if t.type == "number" and t.is_integer and 1 <= t.int_value <= 1000:
            return t.int_value
        if t.type == "ident":
            value = t.lower_value
            if value == "normal":
                return 400
            if value == "bold":
                return 700
            if value == "bolder":
                return _bolder(base)
            if value == "lighter":
                return 100 if base < 550 else 400 if base < 750 else 700
            if value == "inherit":
                return base
    return default


def _bolder(weight: int) -> int:
    return 400 if weight < 350 else 700 if weight < 550 else 900
