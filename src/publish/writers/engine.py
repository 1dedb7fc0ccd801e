"""Our extension of WeasyPrint's line layout, for the one version it was written for:
at most two hyphenated lines in a row, and footnotes kept on their calls' pages, both
decided in the one layout.

**Hyphenation.**  WeasyPrint 70 has no ``hyphenate-limit-lines`` (CSS Text 4): it may end three, four,
five lines in a row with a hyphen, which a typesetter would not.  This module decides
the limit while lines are broken, in the one layout: when the lines just set ended
hyphenated ``HYPHENATE_LIMIT_LINES`` times in a row, the next line is broken as under
``hyphens: manual`` (no automatic hyphenation; the source's own hyphens stay).  The
count runs on across a page break inside a paragraph (it is kept per paragraph and
position, since WeasyPrint starts a paragraph's lines afresh on the next page).

It replaces one function of ``weasyprint.layout.inline``, ``iter_line_boxes`` (the
loop that asks for a paragraph's lines one by one: 30 lines in WeasyPrint 70.0,
copied here with the count added), and wraps the name ``split_first_line`` that
module calls.  ``install()`` does it, once per process, before a layout.

Why not another way: WeasyPrint reads ``hyphens`` from the style of each text box as
it breaks a line, and no style can say "not after two hyphenated lines"; the previous
way (lay the book out, find the runs, set those paragraphs without hyphenation, lay
it out again) cost a second layout of the whole book and set whole paragraphs
unhyphenated where one line needed it.

**Footnotes.**  When a line would run past the page and the widows and orphans
settings forbid breaking just before it, WeasyPrint 70's ``_linebox_layout`` moves the
footnotes already on the page to the next one to make room for the line ("reports"
them), away from their calls, and may lose one on the way.  Here the page breaks
where widows and orphans allow instead, as it does when there are no footnotes: the
same function, compiled from WeasyPrint's own source with that one line changed (an
exact match of the line is required, so another version's source cannot be patched
blindly).  With ``footnote-policy: line`` (print.css), a footnote that does not fit
takes its call's line to the next page; the re-layout that once started a page at such
a paragraph (``note-break``) is left for notes WeasyPrint moves alone (``footnote-policy:
auto``: a theme's, or the fallback's), where it can help (``pdf.page_break_may_bring_back``).

Pinned: importing this module on another WeasyPrint version raises ``EngineVersionError``:
read the new version's ``layout/inline.py`` (``iter_line_boxes``) and
``text/line_break.py`` (``split_first_line``), then change ``WRITTEN_FOR``.

**Where a word may break** (issue 17), decided in the same functions:

- *Patterns and names.*  WeasyPrint asks ``context.dictionaries`` for a pyphen
  dictionary per (language, ``hyphenate-limit-chars``); here that table makes
  ``hyphenation.Hyphenator``s instead: a bare ``en`` gets pyphen's ``en_US`` patterns
  (pyphen's own ``en`` is its ``en_GB``, which breaks "bur-eaucrats", "fact-ory"), and
  a capitalised word (a name: "Inter-net", "Trot-skyist") is not broken.
- *A hyphen the text has* ends no line ("Chiang Kai-/Shek", "bi-/monthly"): the line is
  broken before the compound (``_not_at_its_own_hyphen``).
- *The paragraph's last word* is not broken (no stub such as "greet-/ings." on the last
  line): when ``split_first_line`` hyphenated the last word of the paragraph's last text,
  the line is broken again as under ``hyphens: manual``.  Done here, not by marking the
  word in the print HTML (a ``span`` with ``hyphens: manual``): no element added to the
  HTML, the tagged PDF's structure or the text the other writers read, and the rule
  holds for any HTML laid out, not only ours.
- *The leaf turn.*  A hyphenated line that is the last to fit on a recto (the reader
  turns the leaf to find the word's end) is laid out again without automatic
  hyphenation, in the same layout: "the last to fit" is foreseen from the line's own
  height (another line as high would not fit), so a page that footnotes or widows
  shorten afterwards can still end hyphenated; ``checks.pdf.leaf_turn_hyphens`` finds
  those in the written PDF.
- *The text layer.*  print.css sets ``hyphenate-character: "-"`` (U+002D, the same glyph
  as U+2010 in our faces): poppler (pdftotext, Evince), pdfium and MuPDF read a line-end
  U+002D as a soft hyphen and join the word; WeasyPrint's default U+2010 kept
  "bureau‐" and "crats" apart.  pypdf joins no line: a search over its text joins
  a line-end U+002D the way the readers do (``checks.pdf.searchable_text``).
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

import weasyprint
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.layout import inline
from weasyprint.layout import page as layout_page

from .. import hyphenation

#: The WeasyPrint version whose layout code this module extends.
WRITTEN_FOR = "70.0"

#: At most this many lines in a row end hyphenated (CSS Text 4 ``hyphenate-limit-lines``).
HYPHENATE_LIMIT_LINES = 2

#: What a line ends with when it ends hyphenated: WeasyPrint's hyphenate-character
#: (U+2010, the default), a soft hyphen's, or the source's own hyphen.
_HYPHENS = ("\u2010", "-", "\u00ad")


class EngineVersionError(RuntimeError):
    pass


if weasyprint.__version__ != WRITTEN_FOR:
    raise EngineVersionError(
        f"publish extends WeasyPrint {WRITTEN_FOR}'s line layout (src/publish/writers/engine.py) and found "
        f"WeasyPrint {weasyprint.__version__}: install weasyprint=={WRITTEN_FOR}"
    )

_original_split_first_line = inline.split_first_line
_original_split_text_box = inline.split_text_box
_original_make_page = layout_page.make_page
_no_auto_hyphens: contextvars.ContextVar[bool] = contextvars.ContextVar("no_auto_hyphens", default=False)
_last_text: contextvars.ContextVar[bool] = contextvars.ContextVar("last_text", default=False)


class _Dictionaries(dict):  # type: ignore[type-arg]
    """WeasyPrint's table of hyphenation dictionaries (``context.dictionaries``, read with
    ``get`` by ``split_first_line``), filled with ``hyphenation.Hyphenator``s."""

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            lang, left, right, _total = key
            self[key] = hyphenation.Hyphenator(lang, left, right)
        return self[key]


def _manual(style: Any, context: Any) -> Any:
    """A copy of ``style`` with ``hyphens: manual`` (made once per style and layout)."""
    manual = _state(context).manual
    kept = manual.get(id(style))
    if kept is None:
        copy = style.copy()
        copy["hyphens"] = "manual"
        kept = manual[id(style)] = (style, copy)  # (the style kept alive: its id stays its own)
    return kept[1]


def _split_first_line(text: str, style: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``split_first_line``, with our dictionaries; after a run of
    hyphenated lines, with the style's ``hyphens: auto`` read as ``manual``; broken
    again so if it hyphenated the paragraph's last word; and with WeasyPrint's one-word
    line fixed (``_whole_but_its_last_space``)."""
    if not isinstance(context.dictionaries, _Dictionaries):
        context.dictionaries = _Dictionaries()
    if style["hyphens"] == "auto" and _no_auto_hyphens.get():
        style = _manual(style, context)
    split = _original_split_first_line(text, style, context, *args, **kwargs)
    if style["hyphens"] == "auto" and _last_text.get() and _hyphenates_last_word(text, style, split):
        split = _original_split_first_line(text, _manual(style, context), context, *args, **kwargs)
    split = _whole_but_its_last_space(text, style, context, split, *args, **kwargs)
    return _not_at_its_own_hyphen(text, style, context, split, *args, **kwargs)


def _not_at_its_own_hyphen(text: str, style: Any, context: Any, split: Any, max_width: Any, *args: Any, **kwargs: Any) -> Any:
    """Pango breaks after a hyphen the text has: in a name ("Chiang Kai-/Shek",
    "Saint-/Denis") a typesetter would not, and in any compound ("bi-/monthly") the text
    layer then loses the hyphen (the readers take a line-end U+002D for a soft hyphen:
    "bimonthly").  Such a line is broken again before the compound, by setting it in the
    width of the text before it; left as it is when the compound starts the text box
    (no room to break before it here)."""
    layout, length, resume_index = split[:3]
    if resume_index is None or max_width is None:
        return split
    encoded = text.encode()
    first = encoded[:length].decode()
    words = first.split()
    if (
        not words
        or layout.text != first
        or not re.search(r"[^\W\d_]-$", words[-1])
        or not encoded[resume_index:].decode()[:1].isalpha()
    ):
        return split
    before = first[: first.rstrip("-").rfind(" ") + 1].rstrip(" ")
    if not before:
        return split
    width = _original_split_first_line(before, style, context, None, *args, **kwargs)[3]
    return _original_split_first_line(text, style, context, min(max_width, width + 0.01), *args, **kwargs)


def _whole_but_its_last_space(text: str, style: Any, context: Any, split: Any, max_width: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint 70 sets only the first word on a line ("ber" after "appreciable num-")
    when the rest of a text box fits the line but for the space it ends with (the space
    before the next inline element): Pango's one line is then wider than the line, and
    ``split_first_line`` takes it for a word too long to fit.  Then the whole text is set
    (the space stays at the line's end, where WeasyPrint removes it, and the next
    element starts the next line).  Looked for only where the first line came out
    shorter than half the line, with the text ending in a space."""
    resume_index, width = split[2], split[3]
    if resume_index is None or max_width is None or width >= max_width / 2 or not text.endswith(" "):
        return split
    if _original_split_first_line(text.rstrip(" "), style, context, max_width, *args, **kwargs)[2] is not None:
        return split  # (the text does not fit: the break was WeasyPrint's to make)
    return _original_split_first_line(text, style, context, None, *args, **kwargs)


def _hyphenates_last_word(text: str, style: Any, split: Any) -> bool:
    """Whether ``split_first_line``'s result (layout, length, resume index, ...) broke
    the last word of ``text`` with the hyphenate-character: the first line ends with it
    after ``length`` bytes of the text, and what follows is one word."""
    layout, length, resume_index = split[:3]
    if resume_index is None or not style["hyphenate_character"]:
        return False
    encoded = text.encode()
    if layout.text != encoded[:length].decode() + style["hyphenate_character"]:
        return False  # (not hyphenated: broken at a space, or at the source's own hyphen)
    rest = encoded[resume_index:].decode().strip()
    return not any(char.isspace() for char in rest)


def _split_text_box(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``split_text_box``, saying to ``split_first_line`` whether the box
    is its paragraph's last text (``_State.last_texts``)."""
    token = _last_text.set(id(box) in _state(context).last_texts)
    try:
        return _original_split_text_box(context, box, *args, **kwargs)
    finally:
        _last_text.reset(token)


def _last_text_box(line_box: Any) -> Any:
    """The last text box with a letter in a paragraph's line box (a note call or the
    punctuation after the last word is not a word)."""
    last = None
    for box in line_box.descendants():
        if isinstance(box, TextBox) and any(char.isalpha() for char in box.text):
            last = box
    return last


def _position(skip_stack: dict[int, Any] | None) -> Any:
    """A skip stack (nested dicts of child indexes) as a hashable key."""
    return None if skip_stack is None else tuple(sorted((k, _position(v)) for k, v in skip_stack.items()))


def ends_hyphenated(line: Any) -> bool:
    """Whether a laid-out line's last text ends with a hyphen: its
    ``hyphenate-character`` (a theme may set another), or one of ``_HYPHENS``."""
    last = None
    for box in line.descendants():
        if isinstance(box, TextBox) and box.text.strip():
            last = box
    if last is None:
        return False
    text = last.text.rstrip()
    return text.endswith(_HYPHENS) or text.endswith(last.style["hyphenate_character"] or "\u2010")


def iter_line_boxes(
    context: Any,
    box: Any,
    position_y: float,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Any,
    absolute_boxes: Any,
    fixed_boxes: Any,
    first_letter_style: Any,
    first_line_style: Any,
) -> Any:
    """WeasyPrint 70.0's ``iter_line_boxes``, counting the hyphenated lines in a row
    (the lines marked ``# publish`` are ours)."""
    inline.resolve_percentages(box, containing_block)
    if skip_stack is None:
        inline.resolve_one_percentage(box, "text_indent", containing_block.width)
    else:
        box.text_indent = 0
    state = _state(context)  # publish
    runs = state.runs  # publish
    run = runs.get((id(box), _position(skip_stack)), 0) if skip_stack is not None else 0  # publish
    last = _last_text_box(box)  # publish
    if last is not None:  # publish
        state.last_texts[id(last)] = last  # publish
    while True:
        line, resume_at = _next_line(  # publish: get_next_linebox, with the count and the leaf turn
            run,
            context,
            box,
            position_y,
            bottom_space,
            skip_stack,
            containing_block,
            absolute_boxes,
            fixed_boxes,
            first_letter_style,
            first_line_style,
        )
        first_line_style = None
        if line:
            inline.handle_leader(context, line, containing_block)
            position_y = line.position_y + line.height
        if line is None:
            return
        run = run + 1 if ends_hyphenated(line) else 0  # publish
        if resume_at is not None:  # publish
            runs[(id(box), _position(resume_at))] = run  # publish
        yield line, resume_at
        if resume_at is None:
            return
        skip_stack = resume_at
        box.text_indent = 0
        first_letter_style = None


def _next_line(run: int, context: Any, box: Any, position_y: float, bottom_space: float, *args: Any) -> Any:
    """``get_next_linebox``: under ``hyphens: manual`` after ``HYPHENATE_LIMIT_LINES``
    hyphenated lines; and laid out again so when it ended hyphenated on a recto and
    another line as high would not fit below it (the word would go on over the leaf).
    The line's out-of-flow boxes are collected apart, so that the line laid out again
    does not add them twice; a line that placed a float is kept as it is."""
    *rest, absolute_boxes, fixed_boxes, first_letter_style, first_line_style = args
    for manual in (run >= HYPHENATE_LIMIT_LINES, True):
        absolutes: list[Any] = []
        fixed: list[Any] = []
        shapes = len(context.excluded_shapes)
        token = _no_auto_hyphens.set(manual)
        try:
            line, resume_at = inline.get_next_linebox(
                context, box, position_y, bottom_space, *rest, absolutes, fixed, first_letter_style, first_line_style
            )
        finally:
            _no_auto_hyphens.reset(token)
        if (
            manual
            or line is None
            or resume_at is None
            or not _state(context).recto
            or len(context.excluded_shapes) != shapes
            or not ends_hyphenated(line)
            or context.overflows_page(bottom_space, line.position_y + line.height)  # (not on this page)
            or not context.overflows_page(bottom_space, line.position_y + 2 * line.height)  # (not its last line)
        ):
            break
    absolute_boxes.extend(absolutes)
    fixed_boxes.extend(fixed)
    return line, resume_at


class _State:
    """What the extension keeps for one layout, on WeasyPrint's layout context."""

    def __init__(self) -> None:
        self.runs: dict[tuple[int, Any], int] = {}  # (line box, position) -> hyphenated lines just before
        self.manual: dict[int, tuple[Any, Any]] = {}  # id(style) -> (style, its copy with hyphens: manual)
        self.last_texts: dict[int, Any] = {}  # id -> each paragraph's last text box (kept alive)
        self.recto = False  # whether the page being made is a recto


def _make_page(context: Any, root_box: Any, page_type: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``make_page``, telling the lines laid out in it whether the page is a
    recto (the first page's side: right, or left in a right-to-left book)."""
    _state(context).recto = page_type.side == ("right" if root_box.style["direction"] == "ltr" else "left")
    return _original_make_page(context, root_box, page_type, *args, **kwargs)


def _state(context: Any) -> _State:
    state = getattr(context, "publish_state", None)
    if state is None:
        state = context.publish_state = _State()
    return state


_installed = False


#: The line of ``weasyprint.layout.block._linebox_layout`` (70.0) that decides to move
#: the page's footnotes away to make room for a line, and what it becomes.
_REPORT = "report = not context.in_column and can_break_now and not could_break_before"
_NO_REPORT = "report = False  # publish (writers/engine.py): footnotes stay with their calls"


def _keep_footnotes_with_calls(block: Any) -> None:
    import inspect

    try:
        lines, first = inspect.getsourcelines(block._linebox_layout)
    except (OSError, TypeError) as exc:
        raise EngineVersionError(f"the source of weasyprint.layout.block._linebox_layout cannot be read ({exc})") from exc
    source = "".join(lines)
    if source.count(_REPORT) != 1:
        raise EngineVersionError(f"weasyprint.layout.block._linebox_layout has no line {_REPORT!r} to change")
    # (compiled at its own lines of block.py, so that a traceback through it points there)
    code = compile("\n" * (first - 1) + source.replace(_REPORT, _NO_REPORT), block.__file__, "exec")
    exec(code, block.__dict__)  # (defines _linebox_layout again, in its own module)


def install() -> None:
    """Put the extension in place (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block

    _keep_footnotes_with_calls(block)
    layout_page.make_page = _make_page  # (remake_page calls it by its module's name)
    from . import tagging

    tagging.install()  # (the tagged PDF and its links: see tagging.py)
    from . import inks

    inks.install()  # (one layout written in each profile: see inks.py)
    inline.split_first_line = _split_first_line
    inline.split_text_box = _split_text_box
    inline.iter_line_boxes = iter_line_boxes
    block.iter_line_boxes = iter_line_boxes  # (block.py imported the name)
    _installed = True
