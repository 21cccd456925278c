"""Page templates and the story: a resolved Leaflet laid out on a Layout's pages."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, Frame, KeepTogether, ListFlowable, ListItem, PageBreak, PageTemplate,
    Spacer, Table, TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.inline import escape_markup, to_plain
from carepress.model import (
    PrintOptions,
    Layout, Leaflet, RBlock, RCallout, RContact, RFillIn, RList, RPassage, RText,
)
from carepress.resolve import format_date, tel_href
from carepress.typeset.checks import preflight
from carepress.typeset.fonts import FontSet
from carepress.typeset.flowables import (
    BreakToPage, CheckBox, FillInLine, QrCode, callout_box, draw_logo, paragraph_class, with_role,
)
from carepress.typeset.styles import Styles, make_styles

PAGE_COUNT_FORM = "carepressPageCount"
ENGLISH_DRAFT_MARKER = "Draft translation — not yet reviewed"


def draft_marker(leaflet: Leaflet) -> str:
    """The draft line in the leaflet's language and, for readers of the clinic, in English."""
    own = leaflet.strings["draft_marker"]
    return own if own == ENGLISH_DRAFT_MARKER else f"{own} · {ENGLISH_DRAFT_MARKER}"


MM = 72 / 25.4
CROP_MARK_LENGTH = 5 * MM


@dataclass(frozen=True)
class TypesetResult:
    pdf: bytes
    pages: int


def _timestamp(epoch: int) -> TimeStamp:
    """A ReportLab TimeStamp fixed at ``epoch`` (UTC), so output never depends on the clock."""
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class _Story:
    """Builds the flowables for one leaflet, block type by block type."""

    def __init__(self, leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet,
                 width: float, printing: PrintOptions = PrintOptions()) -> None:
        self.leaflet, self.layout, self.styles, self.fonts, self.width = leaflet, layout, styles, fonts, width
        self.colours = leaflet.brand.colours
        self.rtl = fonts.script == "arabic"
        self.printing = printing
        self.fields = 0

    def build(self, back_panel: BreakToPage | None = None) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        story: list[Any] = [self.para(leaflet.title, s.title, "H1")]
        if leaflet.subtitle:
            story.append(self.para(leaflet.subtitle, s.subtitle))
        if back_panel is not None:  # a tri-fold's cover holds the title alone
            story.append(PageBreak())
        contact: list[Any] = []
        for number, section in enumerate(leaflet.sections, start=1):
            heading = self.para(section.heading, s.heading, "H2")
            heading.bookmark, heading.bookmark_key = section.plain_heading, f"section{number}"
            story.append(heading)
            for block in section.blocks:
                if back_panel is not None and isinstance(block, RContact):
                    contact = self.block(block, self.width)  # a tri-fold keeps it for the back
                    continue
                story.extend(self.block(block, self.width))
        if back_panel is None:
            return story + self.sources() + self.closing()
        # Tri-fold: sources close the content panels; the back panel has contact and closing.
        return story + self.sources() + [back_panel] + contact + self.closing()

    def closing(self) -> list[Any]:
        """The leaflet ends with how to get it in other languages or large print (with a QR
        code to the online copy when the clinic has one) and how to give feedback."""
        closing, s = self.leaflet.closing, self.styles
        if closing is None:
            return []
        text = [self.para(closing.other_formats, s.bullet)]
        if closing.url and closing.short_url:
            label = escape_markup(self.leaflet.strings["online"] + self.leaflet.strings["colon"])
            text.append(self.para(f'{label}<a href="{escape_markup(closing.url)}">'
                                  f"{escape_markup(closing.short_url)}</a>", s.bullet))
        text.append(self.para(closing.feedback, s.bullet))
        pad = s.body.fontSize * 0.8
        if not closing.url:
            return [Spacer(1, pad)] + self.box(text, self.colours.accent, self.colours.info_background,
                                               self.width)
        size = s.body.fontSize * 5.5
        code = QrCode(closing.url, size)
        inner_width = self.width - pad * 2.3
        cells = [code, text] if not self.rtl else [text, code]
        widths = [size + pad, inner_width - size - pad]
        table = Table([cells], colWidths=widths if not self.rtl else widths[::-1])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return [Spacer(1, pad)] + self.box([table], self.colours.accent, self.colours.info_background,
                                           self.width)

    def para(self, markup: str, style: Any, role: str = "P") -> Any:
        """A paragraph of the leaflet's script: Latin/Cyrillic, Chinese (kinsoku) or Arabic."""
        return with_role(paragraph_class(self.fonts)(markup, style), role)

    def block(self, block: RBlock, width: float) -> list[Any]:
        s = self.styles
        if isinstance(block, RPassage):
            marker = f'<super><font size="{s.body.fontSize * 0.7:.1f}">[{block.source_number}]</font></super>'
            return [self.para(f"{block.markup}\u00a0{marker}", s.body)]
        if isinstance(block, RText):
            return [self.para(block.markup, s.body)]
        if isinstance(block, RList):
            return [self.checklist(block) if block.checklist else self.bullets(block)]
        if isinstance(block, RFillIn):
            colon = self.leaflet.strings["colon"]
            fields = []
            for label, choices in block.fields:
                self.fields += 1
                name = f"field{self.fields}" if self.printing.fillable else None
                fields.append(FillInLine((to_plain(label) + colon).rstrip(),
                                         tuple(to_plain(c) for c in choices), self.fonts.regular,
                                         s.body.fontSize, self.colours.text, self.rtl, name))
            return [with_role(KeepTogether(fields), "Form"), Spacer(1, s.body.fontSize * 0.4)]
        if isinstance(block, RContact):
            content = [self.para(block.heading, s.callout_title, "H3")]
            content += [self.para(line, s.bullet) for line in block.lines]
            return self.box(content, self.colours.info, self.colours.info_background, width)
        if isinstance(block, RCallout):
            title_style = s.urgent_title if block.kind == "urgent" else s.callout_title
            content = [self.para(block.title, title_style, "H3")]
            inner_width = width - s.body.fontSize * 2.5
            for inner in block.blocks:
                content.extend(self.block(inner, inner_width))
            bar = self.colours.urgent if block.kind == "urgent" else self.colours.info
            background = (self.colours.urgent_background if block.kind == "urgent"
                          else self.colours.info_background)
            return self.box(content, bar, background, width)
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def box(self, content: list[Any], bar: str, background: str, width: float) -> list[Any]:
        pad = self.styles.body.fontSize * 0.8
        return [callout_box(content, bar=bar, background=background, width=width, padding=pad,
                            font=self.fonts.regular, rtl=self.rtl),
                Spacer(1, self.styles.body.fontSize * 0.7)]

    def bullets(self, block: RList) -> Any:
        s = self.styles
        items = [ListItem(self.para(item, s.bullet, "LI")) for item in block.items]
        return with_role(ListFlowable(items, bulletType="bullet", start="•", bulletFontName=self.fonts.regular,
                                      bulletFontSize=s.body.fontSize, leftIndent=s.body.fontSize * 1.3,
                                      bulletColor=HexColor(self.colours.accent),
                                      bulletDir="rtl" if self.rtl else "ltr",
                                      spaceAfter=s.body.fontSize * 0.4), "L")

    def checklist(self, block: RList) -> Any:
        s = self.styles
        box = s.body.fontSize * 0.85
        rows = [[CheckBox(box, self.colours.text), self.para(item, s.bullet, "LI")] for item in block.items]
        widths: list[float | None] = [box + s.body.fontSize * 0.7, None]
        if self.rtl:  # the box goes on the reading side
            rows, widths = [row[::-1] for row in rows], widths[::-1]
        table = Table(rows, colWidths=widths, hAlign="RIGHT" if self.rtl else "LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (0, -1), s.body.fontSize * 0.2)]))
        return with_role(table, "L")

    def sources(self) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        if not leaflet.sources:
            return []
        out: list[Any] = [self.para(escape_markup(leaflet.strings["sources_heading"]), s.sources_heading, "H2")]
        out += [self.para(f"[{src.number}] {src.markup}", s.small) for src in leaflet.sources]
        out.append(self.para(leaflet.sources_note, s.small))
        return [KeepTogether(out)]


class _Furniture:
    """Header band and footer, drawn on every page; marked as artifacts for tagging later.

    Right-to-left leaflets mirror it: logo and clinic name on the right, the page count on
    the left, and every line of their own script shaped and ordered by rtl.py.
    """

    def __init__(self, leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet,
                 printing: PrintOptions = PrintOptions()):
        self.leaflet, self.layout, self.fonts, self.printing = leaflet, layout, fonts, printing
        self.colours = leaflet.brand.colours
        self.small = styles.small.fontSize
        self.rtl = fonts.script == "arabic"
        left, right = layout.margin_left, layout.page_width - layout.margin_right
        # `start` is where reading starts: the left margin, or the right one for RTL.
        self.start, self.end = (right, left) if self.rtl else (left, right)

    def first_page(self, canv: Canvas, doc: Any) -> None:
        self.page(canv, doc, self.layout.header_height, logo=True)

    def later_page(self, canv: Canvas, doc: Any) -> None:
        self.page(canv, doc, self.layout.header_height * 0.45, logo=False)

    def page(self, canv: Canvas, doc: Any, header: float, *, logo: bool) -> None:
        outer = self.printing.outer
        canv.saveState()
        canv.translate(outer, outer)  # furniture is drawn in trimmed-page coordinates
        self.header(canv, header, logo=logo)
        self.footer(canv, doc)
        canv.restoreState()
        if self.printing.crop_marks:
            self.crop_marks(canv)

    def crop_marks(self, canv: Canvas) -> None:
        """Thin lines at each corner of the trim, outside the bleed."""
        outer, bleed = self.printing.outer, self.printing.bleed
        width, height = self.layout.page_width, self.layout.page_height
        start, end = bleed + 1 * MM, bleed + 1 * MM + CROP_MARK_LENGTH
        canv.saveState()
        canv.setStrokeColorRGB(0, 0, 0)
        canv.setLineWidth(0.25)
        for x, sx in ((outer, -1), (outer + width, 1)):
            for y, sy in ((outer, -1), (outer + height, 1)):
                canv.line(x + sx * start, y, x + sx * end, y)
                canv.line(x, y + sy * start, x, y + sy * end)
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
            canv.drawString(left, y, to_plain(markup))
        return left, left + width

    # -- header and footer --------------------------------------------------------------

    def header(self, canv: Canvas, height: float, *, logo: bool) -> None:
        layout, brand, fonts = self.layout, self.leaflet.brand, self.fonts
        top = layout.page_height
        on_band = self.colours.on_primary
        canv.saveState()
        canv.setFillColor(HexColor(self.colours.primary))
        bleed = self.printing.bleed  # the band runs off the trimmed page into the bleed
        canv.rect(-bleed, top - height, layout.page_width + 2 * bleed, height + bleed, stroke=0, fill=1)
        if logo:
            logo_height = height * 0.62
            step = -1 if self.rtl else 1
            logo_left = self.start - logo_height if self.rtl else self.start
            drawn = draw_logo(canv, brand.logo.path, logo_left, top - height / 2 - logo_height / 2,
                              logo_height, fonts.regular)
            x = self.start + step * (drawn + logo_height * 0.3)
            room = abs(self.end - x)
            name_size = layout.type.subtitle * 1.15
            name_width = self.width(escape_markup(brand.name), fonts.bold, name_size)
            if name_width > room:  # a narrow panel: the name shrinks to fit beside the logo
                name_size = max(name_size * room / name_width, 7.0)
            self.text(canv, escape_markup(brand.name), x, top - height / 2 + name_size * 0.05,
                      fonts.bold, name_size, on_band)
            y = top - height / 2 - self.small * 1.5
            left, right = self.text(canv, escape_markup(brand.website), x, y, fonts.regular,
                                    self.small * 1.1, on_band)
            canv.linkURL(brand.website, (left, y - 2, right, y + self.small), relative=1)
        else:
            size = self.small * 1.2
            baseline = top - height / 2 - size * 0.35
            self.text(canv, escape_markup(brand.name), self.start, baseline, fonts.bold, size, on_band)
            if layout.page_width > 400:  # a narrow panel has room for the clinic's name only
                self.text(canv, self.leaflet.title, self.end, baseline, fonts.regular, size, on_band,
                          at_start=False)
        canv.restoreState()

    def footer(self, canv: Canvas, doc: Any) -> None:
        """Document control, page count and the clinic's phone, inside the bottom margin area;
        a draft translation adds a line saying so, in its language and in English."""
        layout, leaflet, strings = self.layout, self.leaflet, self.leaflet.strings
        control, brand, fonts = leaflet.control, leaflet.brand, self.fonts
        size = self.small
        top = layout.margin_bottom + layout.footer_height - size * 0.3
        canv.saveState()
        canv.setStrokeColor(HexColor(self.colours.accent))
        canv.setLineWidth(0.6)
        canv.line(layout.margin_left, top, layout.page_width - layout.margin_right, top)
        text = self.colours.text
        line1 = top - size * 1.4
        # A no-break space drawn straight on the canvas extracts as U+0000 in pypdf: plain spaces.
        review = format_date(control.review_by, leaflet.lang).replace("\u00a0", " ")
        self.text(canv, escape_markup(f"{control.code} · {strings['version']} {control.version} · "
                                      f"{strings['review_by']} {review}"),
                  self.start, line1, fonts.regular, size, text)
        self.page_number(canv, doc.page, line1, size)
        line2 = line1 - size * 1.3
        prefix = f"{strings['questions']} {brand.name}{strings['colon']}".replace("\u00a0", " ")
        phone = f"<b>{escape_markup(brand.phone)}</b>"
        if self.rtl:  # one shaped line; the phone number stays a left-to-right unit inside it
            left, right = self.text(canv, escape_markup(prefix) + phone, self.start, line2,
                                    fonts.regular, size, text)
            link = (left, right - self.width(escape_markup(prefix), fonts.regular, size))
        else:
            _, x = self.text(canv, escape_markup(prefix), self.start, line2, fonts.regular, size, text)
            link = self.text(canv, phone, x, line2, fonts.bold, size, text)
        canv.linkURL(tel_href(brand.phone), (link[0], line2 - 2, link[1], line2 + size), relative=1)
        if leaflet.draft:
            self.text(canv, escape_markup(draft_marker(leaflet)), self.start, line2 - size * 1.3,
                      fonts.regular, size, self.colours.urgent)
        canv.restoreState()

    def page_number(self, canv: Canvas, page: int, y: float, size: float) -> None:
        """`Page N of M` at the reading end of the line.  M is a form drawn once the page
        count is known; its width is reserved from the layout's page limit (a longer leaflet
        fails anyway)."""
        template = self.leaflet.strings["page_of"]
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


def _canvas_maker(epoch: int, fonts: FontSet, size: float, colour: str, layout: Layout,
                  printing: PrintOptions) -> type[Canvas]:
    class LeafletCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _timestamp(epoch)  # CreationDate/ModDate from the content
            if printing.outer:
                outer, bleed = printing.outer, printing.bleed
                trim = (outer, outer, outer + layout.page_width, outer + layout.page_height)
                self.setTrimBox(trim)
                self.setBleedBox((trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed))

        def save(self) -> None:
            pages = self.getPageNumber() - 1  # the doc has shown its last page already
            self.beginForm(PAGE_COUNT_FORM)
            self.setFont(fonts.regular, size)
            self.setFillColor(HexColor(colour))
            self.drawString(0, 0, str(pages))
            self.endForm()
            super().save()

    return LeafletCanvas


class _LeafletDoc(BaseDocTemplate):
    def afterFlowable(self, flowable: Any) -> None:
        if getattr(flowable, "bookmark_key", None):
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark, flowable.bookmark_key, level=0)


def typeset(leaflet: Leaflet, layout: Layout, *, epoch: int,
            printing: PrintOptions = PrintOptions()) -> TypesetResult:
    """Lay the leaflet out on the layout's pages; PDF bytes and page count."""
    fonts = preflight(leaflet)
    styles = make_styles(layout, leaflet.brand, fonts)
    buffer = io.BytesIO()
    brand, control = leaflet.brand, leaflet.control
    doc = _LeafletDoc(
        buffer, pagesize=(layout.page_width + 2 * printing.outer,
                          layout.page_height + 2 * printing.outer),
        leftMargin=layout.margin_left, rightMargin=layout.margin_right,
        topMargin=layout.margin_top, bottomMargin=layout.margin_bottom,
        title=to_plain(leaflet.title), author=brand.name,
        subject=to_plain(leaflet.subtitle or leaflet.title), creator="carepress",
        keywords=[control.code, f"version {control.version}"], lang=leaflet.lang,
        invariant=1, pageCompression=1, displayDocTitle=1,
        initialFontName=fonts.regular,  # else the canvas starts in base-14 Helvetica
    )
    furniture = _Furniture(leaflet, layout, styles, fonts, printing)
    width = layout.page_width - layout.margin_left - layout.margin_right
    gap = styles.body.fontSize * 0.8

    def frame(header: float, name: str) -> Frame:
        bottom = layout.margin_bottom + layout.footer_height
        top = layout.page_height - header - gap
        return Frame(printing.outer + layout.margin_left, printing.outer + bottom, width, top - bottom, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc.addPageTemplates([
        PageTemplate("first", [frame(layout.header_height, "first")], onPage=furniture.first_page,
                     autoNextPageTemplate="later"),
        PageTemplate("later", [frame(layout.header_height * 0.45, "later")], onPage=furniture.later_page),
    ])
    trifold = layout.imposition is not None and layout.imposition.kind == "trifold"
    back_panel = BreakToPage(TRIFOLD_BACK) if trifold else None
    story = _Story(leaflet, layout, styles, fonts, width, printing).build(back_panel)
    try:
        doc.build(story, canvasmaker=_canvas_maker(epoch, fonts, styles.small.fontSize,
                                                   leaflet.brand.colours.text, layout, printing))
    except LayoutError as exc:
        raise CarepressError([Diagnostic(Origin(leaflet.path),
                                         f"a block is too tall for the `{layout.id}` page: {exc}")]) from None
    if back_panel is not None:
        check_panels(leaflet, layout, back_panel.landed[0] if back_panel.landed else doc.page, doc.page)
    return TypesetResult(buffer.getvalue(), doc.page)


# A tri-fold's six panels in reading order (the pages typeset for it).
TRIFOLD_PANELS = ("cover", "inside flap", "inside left", "inside middle", "inside right", "back")
TRIFOLD_BACK = 6


def check_panels(leaflet: Leaflet, layout: Layout, back_starts: int, pages: int) -> None:
    """Content must fit the four content panels, and the back matter the back panel."""
    origin = Origin(leaflet.path)
    if back_starts > TRIFOLD_BACK:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}) does not fit the `{layout.id}` panels: the "
            f"content runs past the `{TRIFOLD_PANELS[TRIFOLD_BACK - 2]}` panel and needs "
            f"{back_starts - TRIFOLD_BACK} more; shorten the handout or use a page layout")])
    if pages > TRIFOLD_BACK:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}): the contact details, sources and closing "
            f"lines overflow the `back` panel of `{layout.id}`")])
