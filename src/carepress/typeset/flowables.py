"""Leaflet-specific flowables.  Those that draw content are ``Marked`` (tagging.py): given a
structure node, their drawing is marked as its content in a tagged PDF; what only decorates
(check boxes, box backgrounds and rules) is drawn as an artifact."""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache, lru_cache
from typing import Any, Callable

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from carepress.model import RLogo
from carepress.typeset.markup import escape as escape_markup, link_markup
from carepress.typeset.fonts import FontSet
from carepress.typeset.reportlab_compat import at_frame_top, cap_height, lines_broken
from carepress.typeset.reportlab_compat import operators as compat_operators
from carepress.typeset.tagging import Marked, artifact_table_drawing, tagged_artifact


class SettledParagraph(Marked, Paragraph):
    """A Paragraph that breaks its lines once per width.  Frames, keep-with-next groups and
    table cells wrap most paragraphs two or three times at one width (half of a leaflet's
    line breaking, measured); the lines depend on the width alone."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # (split() drops the lines it used: then they are broken again.)
        if self._wrapped is not None and self._wrapped[0] == availWidth and lines_broken(self):
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def getPlainText(self, identify: int | None = None) -> str:  # noqa: N802 - ReportLab's name
        """Its text; for a part split off another paragraph (which has no text, only its
        fragments' words), those words when asked to identify it in an error."""
        text = super().getPlainText(identify)
        if identify and not text.strip():  # (a split part's fragments keep their words)
            words = [word for frag in getattr(self, "frags", ()) for word in getattr(frag, "words", ())
                     if isinstance(word, str)]
            text = " ".join(words)
        return text


def paragraph_class(fonts: FontSet) -> type[Paragraph]:
    """The paragraph flowable that lays out this script's lines correctly."""
    if fonts.script == "cjk":
        from carepress.typeset.cjk import KinsokuParagraph

        return KinsokuParagraph
    if fonts.script == "arabic":
        from carepress.typeset.rtl import RtlParagraph

        return RtlParagraph  # type: ignore[return-value]
    return SettledParagraph


def text_width(text: str, font: str, size: float, rtl: bool) -> float:
    """The width of plain ``text`` set as one line (shaped, for right-to-left scripts)."""
    if rtl:
        from carepress.typeset.rtl import line_width

        return line_width(escape_markup(text), font, size)
    return stringWidth(text, font, size)


def draw_text(canv: Canvas, x: float, baseline: float, text: str, font: str, size: float,
              colour: Any, rtl: bool, href: str | None = None) -> None:
    """Plain ``text`` as one line from ``x``, a link to ``href`` if given; right-to-left
    scripts shaped and ordered, in ``colour`` (shaped text sets its own fill colour and font:
    left-to-right text is drawn in the canvas's)."""
    if rtl:
        from carepress.typeset.rtl import draw_line

        markup = escape_markup(text) if href is None else link_markup(href, text)
        draw_line(canv, markup, x, baseline, font, size, colour)
        return
    canv.drawString(x, baseline, text)
    if href is not None:
        ascent, descent = getAscentDescent(font, size)
        canv.linkURL(href, (x, baseline + descent, x + stringWidth(text, font, size), baseline + ascent),
                     relative=1)


# Where a web or e-mail address may break across lines: after `//` or a `/`, before a `.`,
# `-`, `?`, `#`, `&`, `=` or `@`; never with a hyphen added (it would read as part of it).
_ADDRESS_BREAK = re.compile(r"(?<=/)(?=[^/])|(?<=.)(?=[.?#&=@-])")


def address_pieces(address: str) -> list[str]:
    """``address`` cut at every point where it may break across lines."""
    return [piece for piece in _ADDRESS_BREAK.split(address) if piece]


def fill_lines(pieces: list[str], first: float, width: float, measure: Callable[[str], float]) -> list[str]:
    """``pieces`` joined into as few lines as greedy filling gives, the first ``first`` wide
    and the others ``width`` (the first may stay empty); among as few lines, one ending after
    a `/` or before an e-mail address's `@` is preferred (`…/leaflets/` then `zh-Hans/…`, not `…/leaflets/zh` then `-Hans/…`).
    A piece wider than a whole line is cut after its last character that fits."""

    @lru_cache(maxsize=None)  # (each rest of the address is filled once: no exponential search)
    def fill(rest: tuple[str, ...], room: float) -> tuple[str, ...]:
        if not rest:
            return ("",)
        count = 0
        while count < len(rest) and measure("".join(rest[:count + 1])) <= room + 1e-6:
            count += 1
        if count == len(rest):
            return ("".join(rest),)
        if count == 0:
            if room < width:  # the lead fills this line: the address starts on the next
                return ("", *fill(rest, width))
            cut = 1
            while cut < len(rest[0]) and measure(rest[0][:cut + 1]) <= width + 1e-6:
                cut += 1
            return (rest[0][:cut], *fill((rest[0][cut:], *rest[1:]), width))
        best = ("".join(rest[:count]), *fill(rest[count:], width))
        slash = max((i for i in range(1, count) if rest[i - 1].endswith("/") or rest[i].startswith("@")),
                    default=None)
        if slash is not None:
            after_slash = ("".join(rest[:slash]), *fill(rest[slash:], width))
            if len(after_slash) <= len(best):
                best = after_slash
        return best

    return list(fill(tuple(pieces), first))


class AddressLines(Marked, Flowable):
    """A lead (a label or a sentence, as markup) and then a web or e-mail address as a link,
    broken only where an address may break (see address_pieces).  The address goes on the
    lead's last line when all of it fits there, else on lines of its own, beginning on that
    line only when it needs more than one line anyway.  The lead, with the address's first
    line when it shares the lead's, is a paragraph of the leaflet's script (``paragraph``
    makes one from markup); the address's own lines are ragged on the right, or on the left
    for right-to-left languages (the address reads left to right all the same)."""

    def __init__(self, paragraph: Callable[[str], Flowable], lead: str, address: str, href: str,
                 style: Any, rtl: bool = False) -> None:
        super().__init__()
        self.paragraph, self.address, self.href, self.style, self.rtl = paragraph, address, href, style, rtl
        self.lead = lead.rstrip()
        self.gap = lead[len(self.lead):]  # the lead's own space before the address
        self._wrapped_for: float | None = None
        self._top: Flowable | None = None  # the lead's paragraph
        self._top_height = 0.0
        self._lines: list[str] = []  # the address's own lines, below the lead

    def _width(self, text: str) -> float:
        return text_width(self._ltr(text), self.style.fontName, self.style.fontSize, self.rtl)

    def _ltr(self, text: str) -> str:
        """``text`` kept left to right (and whole) inside a right-to-left line."""
        if not self.rtl:
            return text
        from carepress.typeset.rtl import LRE, PDF

        return f"{LRE}{text}{PDF}"

    def _lines_for(self, first: float, width: float) -> list[str]:
        """The address's lines, the first ``first`` wide (it may stay empty)."""
        whole = self._width(self.address)
        if whole <= first + 1e-6:
            return [self.address]
        if whole <= width + 1e-6:
            return ["", self.address]  # a line of its own rather than broken
        return fill_lines(address_pieces(self.address), first, width, self._width)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped_for != available_width:
            self._wrapped_for = available_width
            self._top = None
            if not self.lead:
                lines = self._lines_for(available_width, available_width)
            else:
                self._top = lead = self.paragraph(self.lead)
                lead.wrap(available_width, available_height)
                lead_lines = lead.getActualLineWidths0()
                gap = stringWidth(self.gap, self.style.fontName, self.style.fontSize)
                lines = self._lines_for(available_width - lead_lines[-1] - gap, available_width)
                if lines[0]:
                    link = link_markup(self.href, self._ltr(lines[0]))
                    joined = self.paragraph(f"{self.lead}{escape_markup(self.gap)}{link}")
                    joined.wrap(available_width, available_height)
                    if len(joined.getActualLineWidths0()) == len(lead_lines):
                        self._top = joined
                    else:  # the paragraph measures the line otherwise: the address goes below
                        lines = self._lines_for(0.0, available_width)
                lines = lines[1:]
            self._top_height = self._top.wrap(available_width, available_height)[1] if self._top else 0.0
            self._lines = lines
        self.width = available_width
        self.height = self._top_height + len(self._lines) * self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        style, canv = self.style, self.canv
        if self._top is not None:
            self._top.drawOn(canv, 0, self.height - self._top_height)
        canv.setFillColor(style.textColor)
        canv.setFont(style.fontName, style.fontSize)
        baseline = self.height - self._top_height - style.fontSize
        for line in self._lines:
            x = self.width - self._width(line) if self.rtl else 0.0
            draw_text(canv, x, baseline, self._ltr(line), style.fontName, style.fontSize,
                      style.textColor, self.rtl, self.href)
            baseline -= style.leading


class ListEntry(Flowable):
    """One item of a bulleted list: a bullet in the margin at the reading start (the left, or
    the right for right-to-left languages) and the item's paragraph indented beside it.
    Split by a page break, the bullet stays with the first part.  In a tagged PDF the bullet
    is the item's label (Lbl) and the paragraph its body (its own node)."""

    def __init__(self, content: Flowable, bullet: str | None, indent: float, font: str,
                 size: float, colour: str, rtl: bool = False, label: Any = None) -> None:
        super().__init__()
        self.content, self.bullet, self.indent = content, bullet, indent
        self.font, self.size, self.colour, self.rtl, self.label = font, size, colour, rtl, label

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, self.height = self.content.wrap(available_width - self.indent, available_height)
        self.width = available_width
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = self.content.split(available_width - self.indent, available_height)
        return [ListEntry(part, self.bullet if number == 0 else None, self.indent, self.font,
                          self.size, self.colour, self.rtl, self.label)
                for number, part in enumerate(parts)]

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.content.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.content.getSpaceAfter()) + float(getattr(self, "extra_space_after", 0.0))

    def getKeepWithNext(self) -> bool:  # noqa: N802 - ReportLab's name
        return bool(self.__dict__.get("keepWithNext", 0))

    def drawOn(self, canv: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        if self.bullet:
            from carepress.typeset.tagging import Tagger

            tagger: Tagger | None = getattr(canv, "tagger", None)
            width = stringWidth(self.bullet, self.font, self.size)
            left = x + self.width - width if self.rtl else x
            baseline = y + self.height - self.size
            with tagger.marked(canv, self.label) if tagger and self.label else contextlib.nullcontext():
                canv.saveState()
                canv.setFont(self.font, self.size)
                canv.setFillColor(HexColor(self.colour))
                canv.drawString(left, baseline, self.bullet)
                canv.restoreState()
        self.content.drawOn(canv, x if self.rtl else x + self.indent, y)


def box_side(font: str, size: float) -> float:
    """A check box's side: the cap height of ``font`` at ``size``, as tall as a capital."""
    return size * (cap_height(font) or 700) / 1000


def draw_box(canv: Canvas, x: float, baseline: float, side: float) -> None:
    """An empty square to tick, standing on ``baseline`` like a letter: its 1 pt outline lies
    inside the square ``side`` wide from ``x``.  A vector: the fonts have no ☐ glyph."""
    canv.setLineWidth(1)
    canv.rect(x + 0.5, baseline + 0.5, side - 1, side - 1, stroke=1, fill=0)


class CheckBox(Flowable):
    """A check box beside a paragraph in ``font`` at ``size`` and top-aligned with it: the
    flowable is ``size`` tall, so its bottom is the paragraph's first baseline."""

    def __init__(self, font: str, size: float, colour: str) -> None:
        super().__init__()
        self.colour = colour
        self.width, self.height = box_side(font, size), size

    def draw(self) -> None:
        with tagged_artifact(self.canv):  # (the item's words say it all; the box is to tick)
            self.canv.setStrokeColor(HexColor(self.colour))
            draw_box(self.canv, 0, 0, self.width)


# A line to write on is at least this many body sizes long (a date, a name): shorter beside
# its label, and it goes under the label, the whole width.
MIN_WRITING_LINE = 8.0


class FillInLine(Marked, Flowable):
    """`Label: ______` to write on, or `Label: ☐ A  ☐ B` when there are choices; mirrored
    (label on the right) for right-to-left languages.  In a narrow column the line to write
    on goes under its label, and choices that do not fit go on to rows of their own."""

    ROW = 2.1  # a row's height, in sizes
    BOX_GAP, CHOICE_GAP, LABEL_GAP = 0.35, 1.4, 0.6  # after a check box, a choice, the label (sizes)

    def __init__(self, label: str, choices: tuple[str, ...], font: str, size: float,
                 colour: str, rtl: bool = False, field: str | None = None) -> None:
        super().__init__()
        self.label, self.choices, self.font, self.size, self.colour = label, choices, font, size, colour
        self.rtl = rtl
        self.field = field  # an AcroForm field name: the PDF can be filled in on screen
        self.rows: list[list[int]] = [[]]  # the choices on each row (the label's is the first)
        self.line_under = False  # the line to write on under the label, not beside it

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        after_label = self._text_width(self.label) + self.size * self.LABEL_GAP
        if not self.choices:
            self.line_under = available_width - after_label < self.size * MIN_WRITING_LINE
            rows = 2 if self.line_under else 1
        else:
            self.rows, used = [[]], after_label
            for number, choice in enumerate(self.choices):
                width = self._choice_width(choice)
                # (a choice too long for the rest of the row starts a row of its own, unless
                # it would start one anyway: a fresh row under the label's)
                if used + width > available_width and (self.rows[-1] or len(self.rows) == 1):
                    self.rows.append([])
                    used = 0.0
                self.rows[-1].append(number)
                used += width + self.size * self.CHOICE_GAP
            rows = len(self.rows)
        self.height = self.size * self.ROW * rows
        return self.width, self.height

    def _choice_width(self, choice: str) -> float:
        return box_side(self.font, self.size) + self.size * self.BOX_GAP + self._text_width(choice)

    def draw(self) -> None:
        """Label, then a line to write on or the choices, from the leading edge: the left
        one, or the right one for right-to-left languages; rows from the top."""
        canv, size, colour = self.canv, self.size, HexColor(self.colour)
        baseline = self.height - size * self.ROW + size * 0.6  # (the first row's)
        if self.rtl:
            canv.setStrokeColor(colour)  # (shaped text sets its own fill colour and font)
        else:
            canv.setFillColor(colour)
            canv.setStrokeColor(colour)
            canv.setFont(self.font, size)
        edge = self.width if self.rtl else 0.0
        label_width = self._text_width(self.label)
        self._draw_text(self._start(edge, label_width), baseline, self.label)
        x = self._advance(self._advance(edge, label_width), size * self.LABEL_GAP)
        if not self.choices:
            if self.line_under:
                x, baseline = edge, baseline - size * self.ROW
            start, end = (0.0, x) if self.rtl else (x, self.width)
            canv.setLineWidth(0.8)
            canv.line(start, baseline - 2, end, baseline - 2)
            self._text_field(start, end - start, baseline)
            return
        box = box_side(self.font, size)
        for row, numbers in enumerate(self.rows):
            if row:
                x, baseline = edge, baseline - size * self.ROW
            for number in numbers:
                choice = self.choices[number]
                draw_box(canv, self._start(x, box), baseline, box)
                self._check_box(number + 1, choice, self._start(x, box), baseline, box)
                x = self._advance(x, box + size * self.BOX_GAP)
                width = self._text_width(choice)
                self._draw_text(self._start(x, width), baseline, choice)
                x = self._advance(x, width + size * self.CHOICE_GAP)

    def _advance(self, x: float, distance: float) -> float:
        """``distance`` on from ``x`` in the line's direction."""
        return x - distance if self.rtl else x + distance

    def _start(self, x: float, width: float) -> float:
        """The left end of a span ``width`` long that begins at ``x`` in the line's direction."""
        return x - width if self.rtl else x

    def _text_width(self, text: str) -> float:
        return text_width(text, self.font, self.size, self.rtl)

    def _draw_text(self, x: float, baseline: float, text: str) -> None:
        draw_text(self.canv, x, baseline, text, self.font, self.size, HexColor(self.colour), self.rtl)

    # A form field's font must hold every character a clinician may type, so fields use the
    # viewer's standard font: a subset of ours would not.  Only --fillable output has them.

    def _text_field(self, x: float, width: float, baseline: float) -> None:
        if self.field:
            self.canv.acroForm.textfield(
                name=self.field, tooltip=self.label.rstrip(": :："), x=x, y=baseline - 3,
                width=width, height=self.size * 1.4, fontSize=self.size * 0.9, borderWidth=0,
                fillColor=None, borderColor=None, forceBorder=False, relative=True)

    def _check_box(self, number: int, choice: str, x: float, y: float, size: float) -> None:
        if self.field:
            self.canv.acroForm.checkbox(
                name=f"{self.field}.{number}", tooltip=choice, x=x, y=y, size=size,
                borderWidth=0, fillColor=None, borderColor=None, buttonStyle="check",
                forceBorder=False, relative=True)


BAR_WIDTH = 5.0  # points: the bar down a box's leading edge
URGENT_BAR_WIDTH = 9.0  # the urgent box's, with its outline: a look no other box has
URGENT_OUTLINE_WIDTH = 1.5


def callout_box(content: list[Any], *, bar: str, background: str, width: float,
                padding: float, font: str, rtl: bool = False, urgent: bool = False) -> Table:
    """Content in a tinted box with a coloured bar down its leading edge (the right one for
    right-to-left languages); the urgent box alone has a heavier bar and an outline all
    round, in its colour, so that it looks unlike every other box even printed in grey."""
    table = Table([[content]], colWidths=[width], renderCB=artifact_table_drawing)
    outline = [("BOX", (0, 0), (-1, -1), URGENT_OUTLINE_WIDTH, HexColor(bar))] if urgent else []
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font),  # else ReportLab selects base-14 Helvetica
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(background)),
        *outline,
        ("LINEAFTER" if rtl else "LINEBEFORE", (0, 0), (0, -1),
         URGENT_BAR_WIDTH if urgent else BAR_WIDTH, HexColor(bar)),
        ("LEFTPADDING", (0, 0), (-1, -1), padding if rtl else padding * 1.3),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding * 1.3 if rtl else padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]))
    return table


@lru_cache(maxsize=8)
def _svg_drawing(data: bytes) -> Drawing | None:
    import logging

    from svglib.svglib import svg2rlg

    # svglib logs what it cannot read; carepress says it once, with the brand file's line.
    logging.getLogger("svglib").addHandler(logging.NullHandler())
    return svg2rlg(io.BytesIO(data))


_SVG_CACHE_VERSION = "1"
# A state-only text object the renderer emits for its initial font; it draws nothing and
# would name a font resource of the scratch document.
_EMPTY_TEXT = re.compile(r"^BT /F\d+ [\d.]+ Tf [\d.]+ TL ET$")


@lru_cache(maxsize=8)
def svg_operators(data: bytes) -> tuple[float, float, str] | None:
    """An SVG logo as width, height and PDF drawing operators, cached on disk by the file's
    hash: drawing a cached logo needs neither svglib nor lxml (a tenth of a second to import)
    nor a walk of the shape tree.  None when the logo uses fonts or images (drawn directly)."""
    import hashlib
    import json

    from carepress.usercache import entry_key, read_cached, store_cached

    made_by = entry_key("svglib", "lxml", "reportlab", code=__name__)
    key = hashlib.sha256(data + _SVG_CACHE_VERSION.encode()).hexdigest()[:20] + "-" + made_by
    cached = read_cached("logos", f"{key}.json")
    if cached is not None:
        try:
            width, height, operators = json.loads(cached)
            return width, height, operators
        except ValueError:
            pass  # a damaged entry: record the logo again
    from reportlab.graphics import renderPDF

    drawing = _svg_drawing(data)
    if drawing is None or not drawing.height:
        return None
    scratch = Canvas(io.BytesIO())
    start = len(compat_operators(scratch))
    renderPDF.draw(drawing, scratch, 0, 0)
    lines = [line for op in compat_operators(scratch)[start:] for line in op.split("\n")
             if not _EMPTY_TEXT.match(line.strip())]
    operators = "\n".join(lines)
    if re.search(r"\b(Tf|Do|sh)\b", operators):
        return None
    store_cached("logos", f"{key}.json", json.dumps([drawing.width, drawing.height, operators]).encode())
    return drawing.width, drawing.height, operators


def draw_logo(canv: Canvas, logo: RLogo, x: float, y: float, height: float, font: str) -> float:
    """Draw a logo with its bottom-left corner at (x, y); returns the width drawn."""
    if logo.format == "svg":
        vector = svg_operators(logo.data)
        if vector is not None:
            width, logo_height, operators = vector
            scale = height / logo_height
            canv.saveState()
            canv.translate(x, y)
            canv.scale(scale, scale)
            compat_operators(canv).append(operators)  # recorded from ReportLab's own SVG rendering
            canv.restoreState()
            return width * scale
        from reportlab.graphics import renderPDF

        drawing = _svg_drawing(logo.data)
        if drawing is None or not drawing.height:
            raise ValueError(f"cannot read SVG logo {logo.name}")
        scale = height / drawing.height
        drawing.initialFontName = font  # the renderer would otherwise select Helvetica
        canv.saveState()
        canv.translate(x, y)
        canv.scale(scale, scale)
        renderPDF.draw(drawing, canv, 0, 0)
        canv.restoreState()
        return drawing.width * scale
    image = _raster_image(logo.data)
    w, h = image.getSize()
    width = w * height / h
    canv.drawImage(image, x, y, width, height, mask="auto")
    return width


@lru_cache(maxsize=8)
def _raster_image(data: bytes) -> Any:
    """One reader per raster logo, keyed by its bytes as the build cache is (a logo replaced
    with its old timestamp is still a new logo): it keeps the decoded pixels, so the leaflets
    after the first only compress them (decoding a PNG logo again cost about 1 ms a leaflet)."""
    from reportlab.lib.utils import ImageReader

    return ImageReader(io.BytesIO(data))


MAX_LOGO_PIXELS = 4_000_000


def check_logo(data: bytes, format: str) -> str | None:
    """Why a logo (its file's bytes; "svg", "png" or "jpeg") cannot be drawn, or None."""
    try:
        if format == "svg":
            if svg_operators(data) is not None:
                return None
            drawing = _svg_drawing(data)
            return None if drawing is not None and drawing.height else "not a readable SVG image"
        import warnings

        from PIL import Image

        try:
            with warnings.catch_warnings():  # (Pillow warns of, then refuses, huge images)
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                reader = _raster_image(data)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            return "an image of more pixels than Pillow will open: use one at most 2000 pixels across"
        width, height = reader.getSize()
        if width * height > MAX_LOGO_PIXELS:
            return (f"an image of {width} x {height} pixels; every leaflet would carry all of "
                    "them: use one at most 2000 pixels across")
        reader.getRGBData()  # decoded once, here
        return None
    except Exception as exc:  # the image libraries raise many kinds; all mean "unreadable"
        return f"not a readable image ({exc.__class__.__name__})"


@cache
def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The dark modules of ``url``'s QR code (ReportLab's own encoder, error level M), kept
    in the user cache: the pure-Python encoder tries all eight masks (15 ms a code), and a
    leaflet's address stays the same from build to build."""
    import hashlib

    from carepress.usercache import cached_bytes, entry_key

    def encode() -> bytes:
        from reportlab.graphics.barcode import qrencoder

        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(url)
        code.make()
        count = code.getModuleCount()
        return "\n".join("".join("1" if code.isDark(row, col) else "0" for col in range(count))
                          for row in range(count)).encode("ascii")

    key = hashlib.sha256(f"{entry_key('reportlab', code=__name__)}|M|{url}".encode()).hexdigest()[:20]
    rows = cached_bytes("qr", f"{key}.txt", encode).decode("ascii").split("\n")
    return tuple(tuple(module == "1" for module in row) for row in rows)


class QrCode(Marked, Flowable):
    """A QR code drawn as one filled path, a rectangle per run of dark modules in a row
    (ReportLab's widget makes a shape per module: ten times slower for the same marks)."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url, self.width, self.height = url, size, size

    def draw(self) -> None:
        modules = qr_modules(self.url)
        quiet = 2  # modules of white margin inside the square (the page around adds more)
        unit = self.width / (len(modules) + 2 * quiet)
        path = self.canv.beginPath()
        for row_number, row in enumerate(modules):
            y = self.height - (row_number + quiet + 1) * unit
            col = 0
            while col < len(row):
                if row[col]:
                    start = col
                    while col < len(row) and row[col]:
                        col += 1
                    path.rect((start + quiet) * unit, y, (col - start) * unit, unit)
                col += 1
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)


class BreakToPage(Flowable):
    """Starts a given page: breaks pages until it is reached (a tri-fold's back panel).
    Remembers the page it landed on, so content that ran past it can be reported."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target
        self.landed: list[int] = []  # shared with the copies split() makes

    def _page(self) -> int:
        return int(self.canv.getPageNumber())

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._page() < self.target:
            return available_width, available_height + 1  # never fits: split() breaks the page
        return 0, 0

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        from reportlab.platypus import PageBreak

        if self._page() < self.target:
            follow = BreakToPage(self.target)
            follow.landed = self.landed
            return [PageBreak(), follow]
        return []

    def draw(self) -> None:
        at_top = at_frame_top(self)
        # Reaching the target page below other content means that content ran into it.
        self.landed.append(self._page() if at_top else self._page() + 1)
