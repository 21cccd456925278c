"""Page furniture: the header band and the footer on every page, and crop marks.

Right-to-left leaflets mirror it: logo and clinic name on the right, the page count on the
left, and every line of their own script shaped and ordered by rtl.py.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from carepress.languages import right_to_left
from carepress.model import (
    CROP_MARK_WIDTH,
    FOOTER_DESCENT,
    FOOTER_FIRST_BASELINE,
    FOOTER_LINE_PITCH,
    FOOTER_RULE_DROP,
    UNPRINTABLE_EDGE,
    Layout,
    Leaflet,
    PrintOptions,
    crop_mark_lines,
    plain,
)
from carepress.typeset.flowables import draw_logo
from carepress.typeset.fonts import FontSet
from carepress.typeset.markup import escape as escape_markup, to_markup, to_plain
from carepress.typeset.styles import Styles
from carepress.typeset.tagging import StructNode, tagged_artifact

PAGE_COUNT_FORM = "carepressPageCount"

# A later page's header band (the clinic's name and the running title, no logo) is this share
# of the first page's: the pages' frames start under it (document.py).
LATER_HEADER_SHARE = 0.45
NOTES_LINE_PITCH = 2.2  # a notes page's ruled lines, in body sizes apart (9 mm at 12 pt: handwriting)
RULE_WIDTH = 0.6  # points: the rule over the footer and over a back page's document control
FOOTER_SMALLEST = 0.8  # a footer line too long for the page is set down to this, then shortened

_NO_BREAK = re.compile("[\u00a0\u2007\u202f]")
ELLIPSIS = "…"  # ends a running title shortened to fit beside the clinic's name


def later_header_height(layout: Layout) -> float:
    """The height of a later page's header band."""
    return layout.header_height * LATER_HEADER_SHARE


class Furniture:
    """Header band and footer, drawn on every page.  In a tagged PDF they are pagination
    artifacts, but for the logo on the first page: a Figure with the brand's alternative
    text (``logo``, the story's node for it).  They carry no links: a link must be in the
    structure, and the contact box and closing lines have the same ones.

    Right-to-left leaflets mirror it: logo and clinic name on the right, the page count on
    the left, and every line of their own script shaped and ordered by rtl.py.
    """

    def __init__(self, leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet,
                 printing: PrintOptions = PrintOptions(), logo: StructNode | None = None,
                 control_top: float = 0.0):
        self.leaflet, self.layout, self.fonts, self.printing = leaflet, layout, fonts, printing
        self.logo = logo
        self.control_top = control_top  # (a back page's rule, over its document control)
        self.colours = leaflet.clinic.colours
        self.small = styles.small.fontSize
        self.body, self.heading_size = styles.body.fontSize, styles.heading.fontSize
        self.rtl = right_to_left(leaflet.lang)
        self.set_width(layout.page_width)

    def set_width(self, page_width: float) -> None:
        """The trimmed width of the page being drawn (a tri-fold's tuck-in panel is narrower)."""
        self.page_width = page_width
        left, right = self.layout.margin_left, page_width - self.layout.margin_right
        # `start` is where reading starts: the left margin, or the right one for RTL.
        self.start, self.end = (right, left) if self.rtl else (left, right)
        self.between_margins = right - left  # (the width a line has)

    def _set_width_for(self, doc: Any) -> None:
        """The width of the page ``doc`` is on: its template's (a tri-fold panel's), else the
        layout's."""
        size = getattr(doc.pageTemplate, "pagesize", None)
        self.set_width(size[0] - 2 * self.printing.outer if size else self.layout.page_width)

    def first_page(self, canv: Canvas, doc: Any) -> None:
        self.page(canv, doc, self.layout.header_height, logo=True)

    def later_page(self, canv: Canvas, doc: Any) -> None:
        self.page(canv, doc, later_header_height(self.layout), logo=False)

    # -- designed pieces: a tri-fold's panels, a booklet's covers ---------------------------

    def notes(self, canv: Canvas, doc: Any) -> None:
        """A booklet's page for the patient's notes, where its last sheet would have blank
        pages: a later page's band and footer, the heading, and ruled lines to write on a
        handwriting's height apart.  Nothing on it is read out: all of it is an artifact."""
        self.later_page(canv, doc)
        frame = doc.pageTemplate.frames[0]  # (empty: the page's text area, where the lines go)
        left, right, bottom = frame.x1, frame.x1 + frame.width, frame.y1 + self.body
        start = right if self.rtl else left
        canv.saveState()
        with tagged_artifact(canv, "Layout"):
            y = frame.y1 + frame.height - self.heading_size
            self.text(canv, escape_markup(self.leaflet.notes_heading), start, y, self.fonts.bold,
                      self.heading_size, self.colours.accent)
            canv.setStrokeColor(HexColor(self.colours.text))
            canv.setLineWidth(0.5)
            y -= NOTES_LINE_PITCH * self.body
            while y >= bottom:
                canv.line(left, y, right, y)
                y -= NOTES_LINE_PITCH * self.body
        canv.restoreState()

    def cover(self, canv: Canvas, doc: Any) -> None:
        """A cover (a tri-fold's cover panel, a booklet's front cover): the header band with
        the logo; no footer (the draft line, if any, is the story's)."""
        self.page(canv, doc, self.layout.header_height, logo=True, footer=False)

    def panel(self, canv: Canvas, doc: Any) -> None:
        """A tri-fold's inside panel or flap: no header band, no footer (one sheet)."""
        self.page(canv, doc, 0.0, logo=False, footer=False)

    def back(self, canv: Canvas, doc: Any) -> None:
        """A tri-fold's back panel or a booklet's back cover: no header band or page count;
        a rule over the document control at its foot (the story's, once: `control_top`)."""
        self.page(canv, doc, 0.0, logo=False, footer=False)
        outer = self.printing.outer
        canv.saveState()
        canv.translate(outer, outer)
        with tagged_artifact(canv, "Pagination"):
            self.rule(canv, self.control_top)
        canv.restoreState()

    def rule(self, canv: Canvas, y: float) -> None:
        """The accent rule from margin to margin over a footer or a back page's document
        control."""
        canv.setStrokeColor(HexColor(self.colours.accent))
        canv.setLineWidth(RULE_WIDTH)
        canv.line(self.layout.margin_left, y, self.page_width - self.layout.margin_right, y)

    def page(self, canv: Canvas, doc: Any, header: float, *, logo: bool, footer: bool = True) -> None:
        outer = self.printing.outer
        self._set_width_for(doc)
        canv.saveState()
        canv.translate(outer, outer)  # furniture is drawn in trimmed-page coordinates
        if header:
            self.header(canv, header, logo=logo)
        if footer:
            with tagged_artifact(canv, "Pagination"):
                self.footer(canv, doc)
        canv.restoreState()
        if self.printing.crop_marks:
            with tagged_artifact(canv):
                self.crop_marks(canv)

    def crop_marks(self, canv: Canvas) -> None:
        """Thin lines at each corner of the trim, outside the bleed."""
        outer = self.printing.outer
        canv.saveState()
        canv.setStrokeColorRGB(0, 0, 0)
        canv.setLineWidth(CROP_MARK_WIDTH)
        for line in crop_mark_lines(outer, outer, outer + self.page_width,
                                    outer + self.layout.page_height, self.printing.bleed):
            canv.line(*line)
        canv.restoreState()

    # -- text that knows its direction --------------------------------------------------

    def width(self, markup: str, font: str, size: float) -> float:
        if self.rtl:
            from carepress.typeset.rtl import line_width

            return line_width(markup, font, size)
        return stringWidth(to_plain(markup), font, size)

    def text(self, canv: Canvas, markup: str, x: float, y: float, font: str, size: float,
             colour: str, *, at_start: bool = True) -> tuple[float, float]:
        """Draw one line of markup (plain text, or <b>/<a>) from the reading start edge ``x``
        (or ending at ``x`` when not ``at_start``); returns its left and right edges."""
        width = self.width(markup, font, size)
        anchored_left = at_start != self.rtl
        left = x if anchored_left else x - width
        if self.rtl:
            from carepress.typeset.rtl import draw_line

            draw_line(canv, markup, left, y, font, size, HexColor(colour))
        else:
            canv.setFillColor(HexColor(colour))
            canv.setFont(font, size)
            # No-break spaces (U+00A0, U+202F in Babel's dates) drawn straight on the canvas
            # extract as U+0000 in pypdf: the canvas gets plain spaces.
            canv.drawString(left, y, _NO_BREAK.sub(" ", to_plain(markup)))
        return left, left + width

    # -- header and footer --------------------------------------------------------------

    def header(self, canv: Canvas, height: float, *, logo: bool) -> None:
        layout, clinic, fonts = self.layout, self.leaflet.clinic, self.fonts
        top = layout.page_height
        on_band = self.colours.on_primary
        canv.saveState()
        with tagged_artifact(canv, "Pagination"):
            canv.setFillColor(HexColor(self.colours.primary))
            bleed = self.printing.bleed  # the band runs off the trimmed page into the bleed
            canv.rect(-bleed, top - height, self.page_width + 2 * bleed, height + bleed, stroke=0, fill=1)
        if logo:
            logo_height = height * 0.62
            step = -1 if self.rtl else 1
            logo_left = self.start - logo_height if self.rtl else self.start
            drawn = self.draw_logo(canv, logo_left, top - height / 2 - logo_height / 2, logo_height)
            x = self.start + step * (drawn + logo_height * 0.3)
            room = abs(self.end - x)
            name_size = layout.type.subtitle * 1.15
            name_width = self.width(escape_markup(clinic.name), fonts.bold, name_size)
            if name_width > room:  # a narrow panel: the name shrinks to fit beside the logo
                name_size = max(name_size * room / name_width, 7.0)
            with tagged_artifact(canv, "Pagination"):
                self.text(canv, escape_markup(clinic.name), x, top - height / 2 + name_size * 0.05,
                          fonts.bold, name_size, on_band)
                y = top - height / 2 - self.small * 1.5
                self.text(canv, escape_markup(clinic.website), x, y, fonts.regular,
                          self.small * 1.1, on_band)
        else:
            with tagged_artifact(canv, "Pagination"):
                size = self.small * 1.2
                baseline = top - height / 2 - size * 0.35
                name = escape_markup(clinic.name)
                self.text(canv, name, self.start, baseline, fonts.bold, size, on_band)
                room = self.between_margins - self.width(name, fonts.bold, size) - size * 2
                title = self.fitted(to_markup(self.leaflet.title), fonts.regular, size, room)
                if title is not None:  # (a narrow panel may have room for the clinic's name only)
                    self.text(canv, title, self.end, baseline, fonts.regular, size, on_band,
                              at_start=False)
        canv.restoreState()

    def draw_logo(self, canv: Canvas, x: float, y: float, height: float) -> float:
        """The clinic's logo, the Figure of a tagged PDF (its box on the page recorded), or
        an artifact where there is no node for it; returns its width."""
        tagger = getattr(canv, "tagger", None)
        if tagger is None or self.logo is None:
            return draw_logo(canv, self.leaflet.clinic.logo, x, y, height, self.fonts.regular)
        with tagger.marked(canv, self.logo):
            width = draw_logo(canv, self.leaflet.clinic.logo, x, y, height, self.fonts.regular)
        outer = self.printing.outer  # (drawn in trimmed-page coordinates)
        self.logo.bbox = (x + outer, y + outer, x + outer + width, y + outer + height)
        return width

    def fitted(self, markup: str, font: str, size: float, room: float) -> str | None:
        """``markup`` if it fits in ``room``, else its first words (or characters, in a
        script without spaces) and an ellipsis; None if not even one fits."""
        if self.width(markup, font, size) <= room:
            return markup
        plain = to_plain(markup)
        words = plain.split()
        units, joiner = (words, " ") if len(words) > 1 else (list(plain), "")
        for count in range(len(units) - 1, 0, -1):
            shortened = escape_markup(joiner.join(units[:count]).rstrip(" ,:;·-–—、，：") + ELLIPSIS)
            if self.width(shortened, font, size) <= room:
                return shortened
        return None

    def footer(self, canv: Canvas, doc: Any) -> None:
        """Inside the bottom margin area, under a rule: the document control (code, version,
        review-by date; then the approval date and the leaflet's owner; the code and version
        alone where the layout prints the rest once at the end, `document_control: end`) and
        the page count;
        the clinic's phone; and on a draft translation a line saying so, in its language and
        in English.  A line too long for the width (large print) is broken between its
        parts (at ` · `) while the footer has room for more lines, and only then set smaller."""
        layout, footer, fonts = self.layout, self.leaflet.footer, self.fonts
        size = self.small
        top = layout.margin_bottom + layout.footer_height - size * FOOTER_RULE_DROP
        canv.saveState()
        self.rule(canv, top)
        text = self.colours.text
        line1 = top - size * FOOTER_FIRST_BASELINE
        step = size * FOOTER_LINE_PITCH
        room = self.between_margins
        page_count = self.page_number_width(size) + size
        # (markup, colour, the room it has): the control line leaves room for the page count
        whole = self.layout.document_control == "footer"
        control = footer.control if whole else footer.identity
        lines: list[tuple[str, str, float]] = [(escape_markup(control), text, room - page_count)]
        if footer.approved and whole:
            lines.append((escape_markup(plain(footer.approved)), text, room))
        phone_line = len(lines)
        lines.append(("", text, room))  # (the clinic's phone: drawn below, broken only before the number)
        if footer.draft:
            lines.append((escape_markup(footer.draft), self.colours.urgent, room))
        # The lines that fit on the page: a line a long one breaks into is taken only where it
        # stays clear of the strip of paper's edge an office printer cannot print on.
        spare = int((line1 - size * FOOTER_DESCENT - UNPRINTABLE_EDGE) // step) + 1 - len(lines)

        def priority(number: int) -> tuple[int, int]:
            # Spare lines go first to the draft line, then the document control (the review
            # date, else shortened), then the phone (else set smaller), then the owner.
            rank = 0 if footer.draft and number == len(lines) - 1 else \
                1 if number == 0 else 2 if number == phone_line else 3
            return rank, number

        broken: dict[int, list[str]] = {}
        split_phone = False  # (its question, then the number on a line of its own)
        for number in sorted(range(len(lines)), key=priority):
            markup, _, width = lines[number]
            if number == phone_line:
                split_phone = spare > 0 and self.phone_width(size) > room
                spare -= split_phone
            else:
                broken[number] = self.broken(markup, size, width, room, spare)
                spare -= len(broken[number]) - 1
        y = line1
        for number, (_, colour, width) in enumerate(lines):
            if number == phone_line:
                y = self.phone_line(canv, y, size, step, split=split_phone)
                continue
            for part_number, part in enumerate(broken[number]):
                fitted, fitted_size = self.fitted_small(part, size, width)
                self.text(canv, fitted, self.start, y, fonts.regular, fitted_size, colour)
                if number == 0 and part_number == 0:  # (the control line's first part)
                    self.page_number(canv, doc.page, y, size)
                width = room
                y -= step
        canv.restoreState()

    def broken(self, markup: str, size: float, first: float, room: float, spare: int) -> list[str]:
        """A footer line's parts (joined by ` · `) packed into as many lines as they need,
        the first ``first`` wide and the others ``room``: the line whole when it fits, or
        when the footer has no ``spare`` line for it."""
        parts = markup.split(" · ")
        if spare <= 0 or len(parts) == 1 or self.width(markup, self.fonts.regular, size) <= first:
            return [markup]
        lines = [parts[0]]
        for part in parts[1:]:
            joined = f"{lines[-1]} · {part}"
            if self.width(joined, self.fonts.regular, size) <= (first if len(lines) == 1 else room) \
                    or len(lines) > spare:
                lines[-1] = joined
            else:
                lines.append(part)
        return lines

    def phone_width(self, size: float) -> float:
        """The width of the footer's phone line, `Questions? Call …: <number>`, at ``size``."""
        prefix, phone = escape_markup(self.leaflet.footer.questions), self._phone_markup()
        return self.width(prefix, self.fonts.regular, size) + self.width(phone, self.fonts.bold, size)

    def _phone_markup(self) -> str:
        return f"<b>{escape_markup(self.leaflet.footer.phone)}</b>"

    def phone_line(self, canv: Canvas, y: float, size: float, step: float, *, split: bool) -> float:
        """The footer's phone line at baseline ``y``, or (``split``: it is too long for the
        width and the footer has a line to spare) its question, then the number on the line
        under it; returns the next line's baseline."""
        footer, fonts, text = self.leaflet.footer, self.fonts, self.colours.text
        prefix, phone = escape_markup(footer.questions), self._phone_markup()
        if split:
            fitted, fitted_size = self.fitted_small(prefix, size, self.between_margins)
            self.text(canv, fitted, self.start, y, fonts.regular, fitted_size, text)
            self.text(canv, phone, self.start, y - step, fonts.bold, size, text)
            return y - 2 * step
        width = self.phone_width(size)
        if width > self.between_margins:  # (set smaller, as far as FOOTER_SMALLEST)
            size = max(size * self.between_margins / width, size * FOOTER_SMALLEST)
        if self.rtl:  # one shaped line; the phone number stays a left-to-right unit inside it
            self.text(canv, prefix + phone, self.start, y, fonts.regular, size, text)
        else:
            _, x = self.text(canv, prefix, self.start, y, fonts.regular, size, text)
            self.text(canv, phone, x, y, fonts.bold, size, text)
        return y - step

    def fitted_small(self, markup: str, size: float, room: float) -> tuple[str, float]:
        """A footer line that must fit ``room`` whatever a brand calls its leaflets' owner:
        set smaller, down to FOOTER_SMALLEST of the footer's size, then shortened."""
        width = self.width(markup, self.fonts.regular, size)
        if width <= room:
            return markup, size
        smaller = max(size * room / width, size * FOOTER_SMALLEST)
        return self.fitted(markup, self.fonts.regular, smaller, room) or "", smaller

    def page_number_width(self, size: float) -> float:
        """The widest the page count can be: on the layout's last page."""
        font, last = self.fonts.regular, self.layout.max_pages
        head, _, tail = self.leaflet.footer.page_of.partition("{pages}")
        return (self.width(escape_markup(head.format(page=last)), font, size) + stringWidth(str(last), font, size)
                + self.width(escape_markup(tail.format(page=last)), font, size))

    def page_number(self, canv: Canvas, page: int, y: float, size: float) -> None:
        """`Page N of M` at the reading end of the line.  M is a form drawn once the page
        count is known; its width is reserved from the layout's page limit (a longer leaflet
        fails anyway)."""
        template = self.leaflet.footer.page_of
        head, _, tail = template.partition("{pages}")
        before, after = head.format(page=page), tail.format(page=page)
        font, colour = self.fonts.regular, self.colours.text
        reserved = stringWidth(str(self.layout.max_pages), font, size)
        if self.rtl:  # mirrored: `after`, the number, then `before`, from the left margin
            _, x = self.text(canv, escape_markup(after), self.end, y, font, size, colour, at_start=False) \
                if after.strip() else (self.end, self.end)
            self._count(canv, x, y)
            gap = stringWidth(" ", font, size)  # the space that ends `before` is at its left
            self.text(canv, escape_markup(before), x + reserved + gap, y, font, size, colour,
                      at_start=False)
            return
        width = self.width(before, font, size) + reserved + self.width(after, font, size)
        _, x = self.text(canv, escape_markup(before), self.end - width, y, font, size, colour)
        self._count(canv, x, y)
        self.text(canv, escape_markup(after), x + reserved, y, font, size, colour)

    @staticmethod
    def _count(canv: Canvas, x: float, y: float) -> None:
        canv.saveState()
        canv.translate(x, y)
        canv.doForm(PAGE_COUNT_FORM)
        canv.restoreState()


