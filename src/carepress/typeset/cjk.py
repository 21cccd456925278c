"""Chinese line breaking with the usual rules (kinsoku), on ReportLab's CJK paragraph lines.

ReportLab's own CJK wrap breaks between any two characters and lets one closing mark hang
past the margin; it never applies its "cannot end a line" list and splits Latin runs such
as phone numbers.  Here a line may break between two characters only when:
- the next character may start a line (not `，。、；：？！）」` …),
- the previous one may end a line (not `（「《` …),
- they are not both part of a Latin/digit run (`555-0100`, `IUD`), unless after a space;
- they are not inside a date (`2026年11月26日`).
The break falls at the last legal point that fits, so nothing overflows the column.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby
from typing import Any, Self

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from carepress.typeset.flowables import SettledParagraph
from carepress.typeset.reportlab_compat import ParaLines, cjkU, fragments, makeCJKParaLine, split_part_lines

CANNOT_START = frozenset(ALL_CANNOT_START + "，。、；：？！）」』》〉】〕〗”’％,.;:?!)]}…‥・ー～—")
CANNOT_END = frozenset(ALL_CANNOT_END + "（「『《〈【〔〖“‘([{")
_FUZZ = 1e-6


def _is_cjk(ch: str) -> bool:
    if not ch:  # an inline object (anchor, image): the character beside it decides
        return False
    code = ord(ch)
    return code >= 0x2E80 and not 0xFF01 <= code <= 0xFF5E or 0xFF01 <= code <= 0xFF5E and not ch.isalnum()


_DATE_UNITS = frozenset("年月日时分号")


def break_allowed(previous: str, following: str) -> bool:
    """May a line end after ``previous`` and the next start with ``following``?"""
    if following in CANNOT_START or previous in CANNOT_END:
        return False
    if (previous.isdigit() and following in _DATE_UNITS) or (previous in _DATE_UNITS and following.isdigit()):
        return False  # a date such as 2026年11月26日 stays on one line
    if previous.isspace():
        return not following.isspace()
    if following.isspace():
        return False  # break after the space, so it stays at the end of the line
    return _is_cjk(previous) or _is_cjk(following)


class _Run(str):
    """Characters of one fragment, handed to ReportLab's line maker as one unit: it compares
    each unit's fragment with the last (a tenth of a Chinese leaflet's build time when every
    character was a unit) and joins the texts, so the line comes out the same."""

    frag: Any  # ReportLab's fragment (its text style), set in __new__

    def __new__(cls, text: str, frag: Any) -> Self:
        run = super().__new__(cls, text)
        run.frag = frag
        return run


def _runs(units: list[cjkU]) -> list[_Run]:
    runs = []
    for _, group in groupby(units, key=lambda unit: id(unit.frag)):
        chars = list(group)
        runs.append(_Run("".join(chars), chars[0].frag))
    return runs


def kinsoku_split(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    units: list[cjkU] = []
    for frag in frags:
        text = frag.text if isinstance(frag.text, str) else frag.text.decode("utf8")
        if text:
            units.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:  # an empty fragment (an image, a link anchor) still takes part in the line
            units.append(cjkU("", frag, "utf8"))
    spans: list[tuple[int, int]] = []  # each line's units, start and end
    start, index, width = 0, 0, 0.0
    last_break: int | None = None

    def max_width(line: int | None = None) -> float:
        return max_widths[min(len(spans) if line is None else line, len(max_widths) - 1)]

    def close(end: int) -> None:
        spans.append((start, end))

    while index < len(units):
        unit = units[index]
        if width + unit.width > max_width() + _FUZZ and index > start:
            end = last_break if last_break is not None and last_break > start else index
            while end < len(units) and units[end] in CANNOT_START and end == index:
                end = index = index + 1  # no legal break on this line: the mark hangs instead
            close(end)
            start = end
            while start < len(units) and units[start].isspace():
                start += 1  # a new line never starts with a space
            index = max(index, start)
            width = sum(u.width for u in units[start:index])
            last_break = None
            continue
        width += unit.width
        if index + 1 < len(units) and break_allowed(unit, units[index + 1]):
            last_break = index + 1
        index += 1
    if start < len(units):
        close(len(units))
    _avoid_a_lone_last_character(units, spans, max_width(len(spans) - 1))
    lines = []
    for number, (first, end) in enumerate(spans):
        used = sum(u.width for u in units[first:end])
        lines.append(makeCJKParaLine(_runs(units[first:end]), max_width(number), used,
                                     max_width(number) - used, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _avoid_a_lone_last_character(units: list[cjkU], spans: list[tuple[int, int]],
                                 last_width: float) -> None:
    """A paragraph should not end with one character alone on its line (`大。`): take one or
    two characters down from the line before, where a break there is legal and all fits."""
    if len(spans) < 2:
        return
    (previous_start, previous_end), (last_start, last_end) = spans[-2], spans[-1]
    if sum(len(u) == 1 and unicodedata.category(u) == "Lo" for u in units[last_start:last_end]) != 1:
        return
    for cut in (previous_end - 1, previous_end - 2):
        fits = sum(u.width for u in units[cut:last_end]) <= last_width + _FUZZ
        if cut - previous_start >= 2 and fits and break_allowed(units[cut - 1], units[cut]):
            spans[-2:] = [(previous_start, cut), (cut, last_end)]
            return


class KinsokuParagraph(SettledParagraph):
    """A Paragraph whose CJK line breaking follows the rules above."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802 - ReportLab's name
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        split_lines = split_part_lines(self)
        if split_lines is not None:
            return split_lines
        frags = fragments(self)
        if not frags:
            return super().breakLinesCJK(maxWidths)
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return kinsoku_split(frags, list(maxWidths), auto_leading not in ("", "off"))
