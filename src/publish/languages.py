"""Language tags: which are valid, which are written right to left.

In: a tag from the manuscript (``language:``, ``{lang=..}``).  Out: whether it is a
well-formed, registered BCP 47 tag (``langcodes``, written with hyphens as HTML and XML
want it), and its script's direction (CLDR's, through Babel).
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

LANGUAGE_TAG = re.compile(r"[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8})*")


def valid_language(tag: str) -> bool:
    import langcodes

    return bool(LANGUAGE_TAG.fullmatch(tag)) and langcodes.tag_is_valid(tag)


def right_to_left(lang: str) -> bool:
    """Whether ``lang`` is written right to left (CLDR's character order: he, ar, fa, ur,
    yi, ...).  Unknown tags are left to right."""
    if not lang:
        return False
    try:
        return Locale.parse(lang.replace("-", "_")).text_direction == "rtl"
    except (ValueError, UnknownLocaleError):
        return False


def language_name(tag: str, in_lang: str) -> str:
    """The name of language ``tag`` in language ``in_lang`` (CLDR's, through Babel:
    "fr" in English is "French"); the tag itself when CLDR does not know it."""
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name(in_lang.replace("-", "_")) or tag
    except (ValueError, UnknownLocaleError):
        return tag
