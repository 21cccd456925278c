"""What the text extractors should read from a right-to-left line: /ActualText per reader.

A right-to-left line is drawn in logical order (rtl.RtlParagraph), so a reader that follows
drawing order (pypdf) extracts the logical text from the glyphs' ToUnicode map.  Two readers
rebuild reading order from the page instead, each its own way; each gets the string that its
own reordering turns back into the logical text:

- poppler (pdftotext) reads /ActualText only on a /Span and takes it as visual order: it gets
  the line as it is displayed, run by run (for_poppler).
- PDFium reads the innermost /ActualText of the first text object it meets in a marked
  content, and puts it through its own line reordering, which depends on whether it takes
  that object's glyphs as right-to-left.  So each line's text rides on one glyph group (the
  carrier, rtl._pdfium_carrier), every other group is marked PDFIUM_SKIP, and `for_pdfium`
  runs the reordering backwards.  The rule was read from PDFium's CPDF_TextPage and fitted
  to what PDFium 159 (pypdfium2 5) returns for 800 random strings of Arabic, Latin, digits,
  harakat, spaces and punctuation in both kinds of carrier (tests/test_actualtext.py keeps
  that check, and one of leaflet lines in every order).  Known: inside a form XObject (an
  imposed booklet sheet) PDFium places these characters at the form's own coordinates; the
  text and its order are right, its selection boxes are not.
"""

from __future__ import annotations

import re
import unicodedata

# PDFium's marked content for the glyphs of a line other than the one carrying its text:
# /ActualText of only unprintable characters makes PDFium skip the glyphs.
PDFIUM_SKIP = "\x01"

# The mirrored pairs a leaflet uses (PDFium mirrors every Bidi_Mirroring_Glyph pair).
_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))


def for_poppler(runs: list[tuple[str, int]]) -> str:
    """The line as it is displayed, from its runs in visual order, each with its bidi level:
    a right-to-left run's characters last to first (brackets mirrored, as they are drawn),
    a left-to-right one's as they are.  The levels are the line's own, resolved with phone
    numbers in a left-to-right embedding, so a number's groups stay in their order (the
    bidi algorithm alone, without the embedding, put `020 7946 0321` as `0321 7946 020`)."""
    return "".join("".join(_MIRROR.get(c, c) for c in reversed(text)) if level % 2 else text
                   for text, level in runs)


def pdfium_direction(char: str) -> str:
    """PDFium's CFX_BidiChar class: R (R, AL), L, W ('left weak': numbers, separators,
    combining marks) or N (the rest: spaces, brackets, other neutrals)."""
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "R"
    if kind == "L":
        return "L"
    return "W" if kind in ("EN", "AN", "NSM", "CS", "ES", "ET", "BN") else "N"


class _Directions(dict):  # type: ignore[type-arg]
    """str.translate table: each character to its PDFium class, looked up once each."""

    def __missing__(self, code: int) -> str:
        self[code] = kind = pdfium_direction(chr(code))
        return kind


_DIRECTIONS = _Directions()
_RUN = re.compile(r"R+|L+|W+|N+")


def _runs(text: str) -> list[tuple[str, str]]:
    kinds = text.translate(_DIRECTIONS)
    return [(text[m.start():m.end()], m.group()[0]) for m in _RUN.finditer(kinds)]


def pdfium_right_to_left(characters: str) -> bool:
    """Whether PDFium takes a text object showing these characters as right-to-left: at
    least as many right-to-left runs as left-to-right ones (and one at least)."""
    kinds = [kind for _, kind in _runs(characters)]
    return kinds.count("R") > 0 and kinds.count("R") >= kinds.count("L")


def for_pdfium(logical: str, right_to_left_object: bool) -> str:
    """The /ActualText that PDFium extracts as ``logical``, in a document whose
    /ViewerPreferences say /Direction /R2L (every right-to-left leaflet's do).

    PDFium takes the characters of a right-to-left text object last to first, cuts the line
    into runs of one direction class and emits the runs last to first, mirroring brackets in
    a right-to-left run or a neutral run after one (numbers leave that state as it was).
    Backwards: the logical runs, mirrored where PDFium will mirror them, in reverse order.
    """
    encoded: list[str] = []
    state = "R"
    for run, kind in _runs(logical):
        if kind in ("R", "L"):
            state = kind
        mirrored = kind == "R" or (kind == "N" and state == "R")
        encoded.append("".join(_MIRROR.get(c, c) for c in run) if mirrored else run)
    line = "".join(reversed(encoded))
    return line[::-1] if right_to_left_object else line


def pdf_text_string(text: str) -> str:
    """``text`` as a PDF hex string in UTF-16 with a byte-order mark."""
    return "<" + ("\ufeff" + text).encode("utf-16-be").hex().upper() + ">"
