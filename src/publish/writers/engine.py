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
a paragraph (``note-break``) is left for what the engine still cannot do (a note
taller than a page).

Pinned: importing this module on another WeasyPrint version raises ``EngineVersionError``:
read the new version's ``layout/inline.py`` (``iter_line_boxes``) and
``text/line_break.py`` (``split_first_line``), then change ``WRITTEN_FOR``.
"""

from __future__ import annotations

import contextvars
from typing import Any

import weasyprint
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.layout import inline

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
_no_auto_hyphens: contextvars.ContextVar[bool] = contextvars.ContextVar("no_auto_hyphens", default=False)


def _split_first_line(text: str, style: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``split_first_line``; after a run of hyphenated lines, with the
    style's ``hyphens: auto`` read as ``manual`` (a copy of the style, made once per
    style and layout)."""
    if _no_auto_hyphens.get() and style["hyphens"] == "auto":
        manual = _state(context).manual
        kept = manual.get(id(style))
        if kept is None:
            copy = style.copy()
            copy["hyphens"] = "manual"
            kept = manual[id(style)] = (style, copy)  # (the style kept alive: its id stays its own)
        style = kept[1]
    return _original_split_first_line(text, style, context, *args, **kwargs)


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
    runs = _state(context).runs  # publish
    run = runs.get((id(box), _position(skip_stack)), 0) if skip_stack is not None else 0  # publish
    while True:
        token = _no_auto_hyphens.set(run >= HYPHENATE_LIMIT_LINES)  # publish
        try:  # publish
            line, resume_at = inline.get_next_linebox(
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
        finally:  # publish
            _no_auto_hyphens.reset(token)  # publish
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


class _State:
    """What the extension keeps for one layout, on WeasyPrint's layout context."""

    def __init__(self) -> None:
        self.runs: dict[tuple[int, Any], int] = {}  # (line box, position) -> hyphenated lines just before
        self.manual: dict[int, tuple[Any, Any]] = {}  # id(style) -> (style, its copy with hyphens: manual)


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
    inline.split_first_line = _split_first_line
    inline.iter_line_boxes = iter_line_boxes
    block.iter_line_boxes = iter_line_boxes  # (block.py imported the name)
    _installed = True
