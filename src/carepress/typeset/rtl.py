"""Right-to-left paragraphs: Arabic shaped with HarfBuzz, ordered with the Unicode bidi rules.

ReportLab's own right-to-left support needs `rlbidi`, which the package index does not serve;
without it words on a line come out reversed.  This flowable does the layout itself:

1. Embedding levels for the whole paragraph come from python-bidi's implementation of the
   Unicode Bidirectional Algorithm (paragraph level 1).  Numbers such as phone numbers are
   wrapped in a left-to-right embedding first, so `(617) 555-0142` stays as written.
2. The text is cut into runs of one level and one style; HarfBuzz shapes each run in its own
   direction with the whole paragraph as context (letters join across style changes; lam-alef
   ligatures and harakat come from the font's own rules).
3. Lines are broken at spaces in logical order, measured with the shaped advances.
4. Each line puts its runs into visual order (rule L2) and is drawn right-aligned, glyph by
   glyph at the positions HarfBuzz gave.

The text a reader copies stays logical: ShapingTTFont (fonts.py) writes a ToUnicode map from
each glyph to the letters it was shaped from, and each line carries /ActualText for the
readers that reorder text by position (actualtext.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, NamedTuple
from xml.etree import ElementTree

import uharfbuzz as hb
from bidi import algorithm as uba
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from carepress.typeset.actualtext import (
    PDFIUM_SKIP,
    for_pdfium,
    for_poppler,
    pdf_text_string,
    pdfium_right_to_left,
)
from carepress.typeset.markup import LANGUAGE_START
from carepress.typeset.reportlab_compat import char_widths, font_program, operators, show_text_operator
from carepress.typeset.tagging import Marked

LRE, PDF = "\u202a", "\u202c"
# A number with its separators: phone numbers, ranges (3-6), times.  Bidi would otherwise
# show "555-0142" after Arabic text as "0142-555".
# Only numbers with separators: a lone digit ("[1]") is ordered right by the bidi rules.
_NUMBER = re.compile(r"\(?\+?\d[\d\-–.:/() \u00a0]*[\-–.:/() \u00a0][\d\-–.:/() \u00a0]*\d\)?")
NBSP = "\u00a0"


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    rise: float = 0.0
    href: str | None = None
    lang: str | None = None  # a span in another language (markup.language_marked)


class Glyph(NamedTuple):  # a tuple: a leaflet makes thousands of these
    char: str        # the character ReportLab draws this glyph with
    x_advance: float  # points
    x_offset: float
    y_offset: float
    cluster: int      # index of the first logical character it was shaped from
    text: str         # the logical characters it was shaped from


@dataclass(frozen=True)
class Run:
    start: int  # logical character range [start, end)
    end: int
    level: int
    style: Style
    glyphs: tuple[Glyph, ...]  # in visual order within the run, as HarfBuzz returns them


# ---- markup -> logical text with a style per character ------------------------------------


def parse_markup(markup: str, base: Style) -> tuple[str, list[Style]]:
    """Our own ReportLab markup subset (<b>, <i>, <a href>, <super>, <font size>, and the
    <onDraw> marks around a span in another language) as text and one style per character."""
    root = ElementTree.fromstring(f"<p>{markup}</p>")
    chars: list[str] = []
    styles: list[Style] = []
    language: str | None = None

    def add(text: str, style: Style) -> None:
        chars.extend(text)
        styles.extend([style if language is None else replace(style, lang=language)] * len(text))

    def visit(node: ElementTree.Element, style: Style) -> None:
        if node.tag == "b":
            family, _, italic = ps2tt(style.font)
            style = replace(style, font=tt2ps(family, 1, italic))
        elif node.tag == "a":
            style = replace(style, href=node.get("href"))
        elif node.tag == "super":
            style = replace(style, rise=style.rise + style.size * 0.35, size=style.size * 0.7)
        elif node.tag == "font" and node.get("size"):
            style = replace(style, size=float(node.get("size", style.size)))
        nonlocal language
        if node.tag == "onDraw":
            language = node.get("label") if node.get("name") == LANGUAGE_START else None
        if node.text:
            add(node.text, style)
        for child in node:
            visit(child, style)
            if child.tail:
                add(child.tail, style)

    visit(root, base)
    text = unicodedata.normalize("NFC", "".join(chars))
    if len(text) != len(styles):  # NFC changed the length: keep the unnormalised text
        text = "".join(chars)
    return text, styles


def isolate_numbers(text: str, styles: list[Style]) -> tuple[str, list[Style]]:
    """Wrap every number in a left-to-right embedding (controls are removed after bidi)."""
    out_text: list[str] = []
    out_styles: list[Style] = []
    position = 0
    for match in _NUMBER.finditer(text):
        out_text.append(text[position:match.start()])
        out_styles.extend(styles[position:match.start()])
        out_text.append(LRE + match.group().replace(" ", NBSP) + PDF)  # never broken
        out_styles.extend([styles[match.start()]] + styles[match.start():match.end()] + [styles[match.end() - 1]])
        position = match.end()
    out_text.append(text[position:])
    out_styles.extend(styles[position:])
    return "".join(out_text), out_styles


# ---- bidi levels ------------------------------------------------------------------------


def bidi_levels(text: str, base_level: int = 1) -> tuple[int | None, ...]:
    """The resolved embedding level of every character (rules X1-I2 of UAX #9); None for
    the explicit controls that rule X9 removes."""
    storage = uba.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    return tuple(levels)


def visual_order(levels: list[int]) -> list[int]:
    """Indices of items in display order, by rule L2: from the highest level down to the
    lowest odd level, reverse every run of items at that level or higher."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min(level for level in levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order


# ---- shaping ----------------------------------------------------------------------------


@cache
def _hb_font(font_name: str) -> tuple[hb.Font, int]:
    face = hb.Face(font_program(font_name))
    return hb.Font(face), face.upem


def shape_run(codepoints: list[int], start: int, end: int, level: int, style: Style,
              text: str | None = None) -> Run:
    """Shape codepoints[start:end] in the context of the whole paragraph (``text``, the
    same characters as a string, if the caller has it)."""
    font, upem = _hb_font(style.font)
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_codepoints(codepoints, start, end - start)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if level % 2 else "ltr"
    hb.shape(font, buffer, {"kern": True, "liga": True})
    scale = style.size / upem
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    clusters = sorted({info.cluster for info in infos})
    if text is None:
        text = "".join(map(chr, codepoints[:end]))
    # The logical text a glyph stands for: its cluster, up to the next cluster.
    cluster_text = dict(zip(clusters, (text[a:b] for a, b in zip(clusters, [*clusters[1:], end]))))
    char_for_glyph = pdfmetrics.getFont(style.font).char_for_glyph
    glyphs = tuple(Glyph(char_for_glyph(info.codepoint, cluster_text[info.cluster]),
                         position.x_advance * scale, position.x_offset * scale,
                         position.y_offset * scale, info.cluster, cluster_text[info.cluster])
                   for info, position in zip(infos, positions, strict=True))
    return Run(start, end, level, style, glyphs)


def _chunks(run: Run, x: float, baseline: float) -> Iterator[tuple[float, float, list[Glyph]]]:
    """The run's glyphs in groups to show from one position each: a glyph starts a new
    group when it is offset (a mark) or when its shaped advance is not the font's own
    (kerning), so most words are one text operation rather than one per glyph."""
    (widths, default), em = char_widths(run.style.font), run.style.size * 0.001
    glyphs: list[Glyph] = []
    start_x = start_y = 0.0
    natural_end = x
    for glyph in run.glyphs:
        gx, gy = x + glyph.x_offset, baseline + glyph.y_offset
        if glyphs and (glyph.x_offset or glyph.y_offset or abs(gx - natural_end) > 0.01
                       or gy != start_y):
            yield start_x, start_y, glyphs
            glyphs = []
        if not glyphs:
            start_x, start_y, natural_end = gx, gy, gx
        glyphs.append(glyph)
        natural_end += widths.get(ord(glyph.char), default) * em  # the font's own advance
        x += glyph.x_advance
        if glyph.x_offset or glyph.y_offset:  # an offset glyph stands alone
            yield start_x, start_y, glyphs
            glyphs = []
    if glyphs:
        yield start_x, start_y, glyphs


_SKIP_FOR_PDFIUM = f"/P <</ActualText {pdf_text_string(PDFIUM_SKIP)}>> BDC"


def _pdfium_carrier(groups: list[list[Glyph]]) -> tuple[int, bool]:
    """Which glyph group carries PDFium's /ActualText for a line, and whether PDFium takes
    it as right-to-left.  A right-to-left group when there is one: PDFium reads a
    left-to-right carrier as right-to-left too when the object before it is and the line
    has more right-to-left runs than left-to-right ones, so only a right-to-left carrier
    is read the same way wherever the line sits.  Never an offset mark on its own."""
    candidates = [n for n, glyphs in enumerate(groups)
                  if not (glyphs[0].x_offset or glyphs[0].y_offset)] or [0]
    for number in candidates:
        if pdfium_right_to_left("".join(glyph.text[:1] for glyph in groups[number])):
            return number, True
    return candidates[0], False


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]  # pieces of runs on this line, in visual order
    width: float


class RtlParagraph(Marked, Flowable):
    """A paragraph laid out right to left (see the module docstring)."""

    def __init__(self, markup: str, style: Any, _lines: tuple[Line, ...] | None = None,
                 _runs: tuple[Run, ...] | None = None, _text: str = "") -> None:
        super().__init__()
        self.style = style
        self.markup = markup
        self._runs = _runs
        self._text = _text
        self._lines = _lines
        self._width_for: float | None = None if _lines is None else -1.0

    # -- flowable protocol --------------------------------------------------------------

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def getKeepWithNext(self) -> bool:  # the paragraph's own, else its style's (as ReportLab's)
        return bool(self.__dict__.get("keepWithNext", getattr(self.style, "keepWithNext", 0)))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._width_for not in (available_width, -1.0):
            self._lines = tuple(self._break(available_width))
            self._width_for = available_width
        self.width = available_width
        self.height = len(self._lines or ()) * self.style.leading
        return self.width, self.height

    def getActualLineWidths0(self) -> list[float]:  # noqa: N802 - ReportLab's name
        """How wide each line's text is (after wrap), as a ReportLab Paragraph tells."""
        return [line.width for line in self._lines or ()]

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        lines = self._lines or ()
        fit = lines_before_break(len(lines), int((available_height + 1e-6) // self.style.leading), self.style)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        first = RtlParagraph(self.markup, self.style, lines[:fit], self._runs, self._text)
        rest = RtlParagraph(self.markup, replace_space_before(self.style), lines[fit:], self._runs, self._text)
        first.struct = rest.struct = self.struct
        return [first, rest]

    def draw(self) -> None:
        style = self.style
        for number, line in enumerate(self._lines or ()):
            baseline = self.height - style.fontSize - number * style.leading
            self._draw_line(line, self.width - line.width, baseline)  # ragged on the left

    def _draw_line(self, line: Line, left: float, baseline: float, colour: Any = None) -> None:
        """Position every glyph visually, but emit the runs in logical order: a reader that
        follows drawing order (pypdf) then meets the words as they are read.  The readers
        that order by position get /ActualText (see actualtext.py): poppler the whole line's,
        PDFium the line's on one glyph group, the carrier, and is told to skip the rest."""
        canv = self.canv
        canv.setFillColor(self.style.textColor if colour is None else colour)
        positions = []
        x = left
        for run in line.runs:
            positions.append(x)
            x += sum(glyph.x_advance for glyph in run.glyphs)
        logical = self._text[min(r.start for r in line.runs):max(r.end for r in line.runs)]
        logical = logical.replace(NBSP, " ")
        groups = []  # (run, x, y, glyphs) in drawing order
        for index in sorted(range(len(line.runs)), key=lambda i: line.runs[i].start):
            run = line.runs[index]
            for chunk_x, chunk_y, glyphs in _chunks(run, positions[index], baseline + run.style.rise):
                groups.append((run, chunk_x, chunk_y, glyphs))
        carrier, carrier_rtl = _pdfium_carrier([glyphs for _, _, _, glyphs in groups])
        displayed = [(self._text[run.start:run.end].replace(NBSP, " "), run.level) for run in line.runs]
        operators(canv).append(f"/Span <</ActualText {pdf_text_string(for_poppler(displayed))}>> BDC")
        text = canv.beginText()
        font = None
        code = operators(text)
        for number, (run, chunk_x, chunk_y, glyphs) in enumerate(groups):
            if font != (run.style.font, run.style.size):
                font = (run.style.font, run.style.size)
                text.setFont(*font)
            if run.style.lang:  # (a span in another language: PDF 1.7, 14.9.2.2)
                code.append(f"/Span <</Lang ({run.style.lang})>> BDC")
            code.append(f"/P <</ActualText {pdf_text_string(for_pdfium(logical, carrier_rtl))}>> BDC"
                        if number == carrier else _SKIP_FOR_PDFIUM)
            text.setTextOrigin(chunk_x, chunk_y)
            # (textOut would also measure the string to advance a cursor no one reads)
            code.append(show_text_operator(text, "".join(glyph.char for glyph in glyphs)))
            code.append("EMC")
            if run.style.lang:
                code.append("EMC")
        canv.drawText(text)
        operators(canv).append("EMC")
        for run, x in zip(line.runs, positions):
            if run.style.href:
                end = x + sum(glyph.x_advance for glyph in run.glyphs)
                canv.linkURL(run.style.href, (x, baseline - 2, end, baseline + run.style.size),
                             relative=1)

    # -- layout -------------------------------------------------------------------------

    def _shape(self) -> tuple[str, tuple[Run, ...]]:
        if self._runs is None:
            self._text, self._runs = _shaped(self.markup, self.style.fontName, self.style.fontSize)
        return self._text, self._runs

    def _break(self, width: float) -> list[Line]:
        """Greedy lines in logical order, broken at spaces; a word wider than the line (a
        long web address) is broken where it must."""
        text, runs = self._shape()
        advance = [0.0] * (len(text) + 1)
        for run in runs:
            for glyph in run.glyphs:
                advance[glyph.cluster] += glyph.x_advance
        lines: list[Line] = []
        start = 0
        while start < len(text):
            end, used, index = start, 0.0, start
            while index < len(text):
                word_end = text.find(" ", index)
                word_end = len(text) if word_end < 0 else word_end
                word = sum(advance[index:word_end])
                if used + word > width + 1e-6:
                    if end == start:  # the line's first word alone is too wide
                        end = _fit(text, advance, index, word_end, width)
                    break
                used += word + advance[word_end]
                end, index = word_end, word_end + 1
            lines.append(self._line(runs, start, end))
            start = end
            while start < len(text) and text[start] == " ":
                start += 1
        return lines

    @staticmethod
    def _line(runs: tuple[Run, ...], start: int, end: int) -> Line:
        pieces = []
        for run in runs:
            if run.end <= start or run.start >= end:
                continue
            glyphs = tuple(g for g in run.glyphs if start <= g.cluster < end)
            if glyphs:
                pieces.append(Run(max(run.start, start), min(run.end, end), run.level, run.style, glyphs))
        ordered = [pieces[i] for i in visual_order([p.level for p in pieces])]
        return Line(tuple(ordered), sum(g.x_advance for p in ordered for g in p.glyphs))


def lines_before_break(count: int, fit: int, style: Any) -> int:
    """How many of a paragraph's ``count`` lines to set before a page break when ``fit`` lines
    fit, by ReportLab's rules (Paragraph.split): with ``allowOrphans`` off never one line alone
    before the break, with ``allowWidows`` off never one line alone after it (a line goes over
    with it); 0 when the whole paragraph goes on."""
    if fit >= count:
        return count
    if fit <= 0 or (fit <= 1 and not getattr(style, "allowOrphans", 0)):
        return 0
    if not getattr(style, "allowWidows", 1) and count == fit + 1:
        return fit - 1 if count > 3 or (count == 3 and getattr(style, "allowOrphans", False)) else 0
    return fit


def _fit(text: str, advance: list[float], start: int, end: int, width: float) -> int:
    """Where to break inside text[start:end] so the first part fits (at least one letter,
    never between a letter and its harakat)."""
    used, cut = 0.0, start
    while cut < end and used + advance[cut] <= width:
        used += advance[cut]
        cut += 1
    cut = max(cut, start + 1)
    while cut < end and unicodedata.category(text[cut]) == "Mn":
        cut += 1
    return cut



@lru_cache(maxsize=4096)
def _shaped(markup: str, font: str, size: float) -> tuple[str, tuple[Run, ...]]:
    """A paragraph's logical text (bidi controls removed) and its shaped runs.  Kept per
    markup, font and size: most layouts share a body size, so a matrix build sets the same
    paragraph more than once, and page furniture repeats its lines on every page."""
    text, styles = parse_markup(markup, Style(font, size))
    text, styles = isolate_numbers(text, styles)
    levels = bidi_levels(text)
    kept = [i for i, level in enumerate(levels) if level is not None]
    clean = "".join(text[i] for i in kept)
    clean_levels = [levels[i] for i in kept]
    clean_styles = [styles[i] for i in kept]
    codepoints = [ord(ch) for ch in clean]
    runs = []
    start = 0
    for index in range(1, len(clean) + 1):
        if index == len(clean) or clean_levels[index] != clean_levels[start] \
                or (clean_styles[index] is not clean_styles[start]
                    and clean_styles[index] != clean_styles[start]):
            runs.append(shape_run(codepoints, start, index, int(clean_levels[start] or 0),
                                  clean_styles[start], clean))
            start = index
    return clean, tuple(runs)


def replace_space_before(style: Any) -> Any:
    """The rest of a split paragraph starts at the top of its frame with no space before."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-cont", parent=style, spaceBefore=0)


__all__ = ["RtlParagraph", "bidi_levels", "draw_line", "line_width", "visual_order"]


@lru_cache(maxsize=1024)
def _single_line(markup: str, font: str, size: float) -> tuple[RtlParagraph, Line]:
    """One shaped line, kept: page furniture repeats the same lines on every page, and
    measures them before it draws them."""
    from reportlab.lib.styles import ParagraphStyle

    paragraph = RtlParagraph(markup, ParagraphStyle("line", fontName=font, fontSize=size,
                                                    leading=size * 1.2))
    paragraph.wrap(1e6, 1e6)
    lines = paragraph._lines or ()
    return paragraph, lines[0] if lines else Line((), 0.0)


def line_width(markup: str, font: str, size: float) -> float:
    """The width of ``markup`` set as one right-to-left line."""
    return _single_line(markup, font, size)[1].width


def draw_line(canv: Any, markup: str, left: float, baseline: float, font: str, size: float,
              colour: Any) -> float:
    """Draw ``markup`` as one right-to-left line starting at ``left``; returns its width."""
    paragraph, line = _single_line(markup, font, size)
    paragraph.canv = canv
    paragraph._draw_line(line, left, baseline, colour)
    del paragraph.canv
    return line.width
