"""No-break spaces a language's typography wants in the fixed strings, set by code.

Translators write plain spaces (`Des questions ? Appelez`, `Как с нами связаться`); the
resolver puts a no-break space where the language's convention forbids a line break, so the
strings files and the PO files that round-trip them stay plain:

- Russian: after a one-letter preposition or conjunction (в, к, с, у, о, и, а, я), which never
  ends a line.
- French: before `:`, `;`, `!` and `?`.  French typography asks for a thin no-break space
  (U+202F) before `; ! ?` and a word-wide one (U+00A0) before `:`; carepress writes U+00A0
  before all four, as most French word processors do, because ReportLab breaks lines at
  U+202F (its list of whitespace holds it) and a break there is what the rule forbids.

ReportLab draws U+00A0 with the space's glyph in a font that has none, so it never shows as
a missing glyph.
"""

from __future__ import annotations

import re

from carepress.languages import primary

NO_BREAK_SPACE = "\u00a0"

# One-letter words that never end a line in Russian, either case.
RUSSIAN_ONE_LETTER = "вксуоиая"
_RUSSIAN = re.compile(rf"(?<!\w)([{RUSSIAN_ONE_LETTER}{RUSSIAN_ONE_LETTER.upper()}]) +")
_FRENCH = re.compile(r" +([:;!?])")


def keep_together(phone: str) -> str:
    """A phone number never breaks across lines (half a number may be dialled): its spaces
    become no-break spaces."""
    return phone.replace(" ", NO_BREAK_SPACE)


def no_break_spaces(text: str, lang: str) -> str:
    """``text`` with the no-break spaces ``lang``'s typography wants (unchanged for the other
    languages)."""
    language = primary(lang)
    if language == "ru":
        return _RUSSIAN.sub(rf"\1{NO_BREAK_SPACE}", text)
    if language == "fr":
        return _FRENCH.sub(rf"{NO_BREAK_SPACE}\1", text)
    return text


def typeset_strings(strings: dict[str, str], lang: str) -> dict[str, str]:
    """A language's fixed strings as they are printed (see no_break_spaces)."""
    return {key: no_break_spaces(value, lang) for key, value in strings.items()}
